package envelopeecho

import (
	"net/http"

	"github.com/apienvelope/envelope"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// RequestIDOptions configures [RequestID]. The zero value reads and sets
// X-Request-Id, the header of the default Writer, and accepts a safe
// incoming ID, as [envelope.Middleware] does.
type RequestIDOptions struct {
	// Writer is the Writer the application renders errors with, the one
	// given to [NewErrorHandler]. When Header is empty, the request ID
	// header is that of the Writer's main format
	// ([envelope.Writer.RequestIDHeader]), or none when the format sends
	// none, so that the middleware and the error bodies cannot disagree.
	// Nil means X-Request-Id.
	Writer *envelope.Writer
	// Header is the request ID header, for IDs that travel in another
	// header than the Writer's. Empty means the Writer's (see Writer); "-"
	// means none: IDs are still assigned, for the context and the body,
	// but neither read from the request nor sent in a header.
	Header string
	// IgnoreIncoming, when true, never accepts an ID the client sent:
	// every request gets a fresh one.
	IgnoreIncoming bool
}

// RequestID returns echo's request ID middleware (middleware.RequestIDWithConfig)
// set up to agree with envelope, for an echo app that is not behind
// [envelope.Middleware]: IDs are generated with [envelope.NewRequestID]
// (UUIDv4), an incoming ID is accepted exactly when the middleware would
// accept it ([envelope.ValidRequestID]) and replaced by a new one otherwise,
// and the ID is shared with the request context through [ShareRequestID].
// The header is the Writer's (see [RequestIDOptions]):
//
//	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
//	e.Use(envelopeecho.RequestID(envelopeecho.RequestIDOptions{Writer: ew}))
//
// With no header (a format that sends none, or Header "-"), it is a
// middleware of its own that gives the request context an ID and reads and
// sends no header. Behind [envelope.Middleware] it keeps the middleware's
// ID. It is safe for concurrent use.
func RequestID(opts RequestIDOptions) echo.MiddlewareFunc {
	header := http.CanonicalHeaderKey(opts.Header)
	switch {
	case opts.Header == "-":
		header = ""
	case header == "" && opts.Writer != nil:
		header = opts.Writer.RequestIDHeader()
	case header == "":
		header = echo.HeaderXRequestID
	}
	if header == "" {
		return contextRequestID
	}
	mw := middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Generator:        envelope.NewRequestID,
		TargetHeader:     header,
		RequestIDHandler: func(c echo.Context, id string) { share(c, id, header) },
	})
	if !opts.IgnoreIncoming {
		return mw
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := mw(next)
		return func(c echo.Context) error {
			if r := c.Request(); r.Header.Get(header) != "" {
				r = r.Clone(r.Context()) // the client's request is not modified
				r.Header.Del(header)
				c.SetRequest(r)
			}
			return h(c)
		}
	}
}

// contextRequestID is the request ID middleware without a header: the
// context's ID, else a fresh one.
func contextRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); envelope.RequestIDFrom(r.Context()) == "" {
			c.SetRequest(r.WithContext(envelope.ContextWithRequestID(r.Context(), envelope.NewRequestID())))
		}
		return next(c)
	}
}

// ShareRequestID makes echo and envelope agree on one request ID, so that
// the error body, the X-Request-Id response header, handlers reading
// [envelope.RequestIDFrom] and anything reading echo's response header see
// the same value. Its signature is that of
// middleware.RequestIDConfig.RequestIDHandler, for an app that configures
// echo's middleware itself ([RequestID] does this for you):
//
//	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
//		Generator:        envelope.NewRequestID,
//		RequestIDHandler: envelopeecho.ShareRequestID,
//	}))
//
// When the request context already carries an ID (envelope's middleware
// runs outside echo), that ID wins and replaces echo's in the X-Request-Id
// response header. Otherwise echo's id goes into the request context.
// echo's middleware passes a client's X-Request-Id through unchecked: an
// id that [envelope.ValidRequestID] rejects (the middleware would not
// accept it either) is replaced, in the context and the header, by
// [envelope.NewRequestID]. It is safe for concurrent use.
func ShareRequestID(c echo.Context, id string) {
	share(c, id, echo.HeaderXRequestID)
}

func share(c echo.Context, id, header string) {
	r := c.Request()
	h := c.Response().Header()
	if own := envelope.RequestIDFrom(r.Context()); own != "" {
		h.Set(header, own)
		return
	}
	if !envelope.ValidRequestID(id) {
		id = envelope.NewRequestID()
		h.Set(header, id)
	}
	c.SetRequest(r.WithContext(envelope.ContextWithRequestID(r.Context(), id)))
}
