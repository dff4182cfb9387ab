package envelopeecho

import (
	"github.com/apienvelope/envelope"
	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
)

// RequestIDOptions configures [RequestIDConfig]. The zero value reads
// and sets X-Request-Id, the header of the default Writer.
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
	// means none: IDs are still assigned, for bodies and logs, but neither
	// read from the request nor sent in a header.
	Header string
}

// RequestIDConfig returns a configuration of echo's RequestID middleware
// under which echo and envelope agree on one request ID per request: the
// ID in the response header, the one handlers read with
// [envelope.RequestIDFrom], and the one in error bodies.
//
//	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
//	e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig(envelopeecho.RequestIDOptions{Writer: ew})))
//
// The header is the Writer's (see [RequestIDOptions]). The IDs follow the
// envelope chain's rules, not echo's, which passes any client value
// through: a request keeps an incoming ID only when it sent exactly one
// header line holding a safe ID ([envelope.ValidRequestID]); otherwise it
// gets a fresh UUIDv4 ([envelope.NewRequestID]), never a cleaned copy of
// the unsafe one. When the request context already carries an ID (the
// envelope chain runs around echo), that ID wins and replaces echo's in the
// response header.
//
// The result is a plain struct: set its Skipper if some routes need none.
// Replacing its Generator, TargetHeader or RequestIDHandler undoes the
// sharing. It is safe for concurrent use.
func RequestIDConfig(opts RequestIDOptions) middleware.RequestIDConfig {
	header := opts.Header
	if header == "" {
		header = echo.HeaderXRequestID
		if opts.Writer != nil {
			if header = opts.Writer.RequestIDHeader(); header == "" {
				header = "-"
			}
		}
	}
	return middleware.RequestIDConfig{
		Generator:    envelope.NewRequestID,
		TargetHeader: header,
		RequestIDHandler: func(c *echo.Context, id string) {
			shareRequestID(c, header, id)
		},
	}
}

// shareRequestID settles the ID of c's request, given the id echo's
// middleware chose (the incoming header's first value, or a fresh one from
// the Generator), and stores it in the request context and the response
// header.
func shareRequestID(c *echo.Context, header, id string) {
	r := c.Request()
	if own := envelope.RequestIDFrom(r.Context()); own != "" {
		id = own
	} else {
		incoming := r.Header.Values(header)
		switch {
		case header == "-":
			if len(incoming) > 0 {
				id = envelope.NewRequestID()
			}
		case len(incoming) == 0:
			// id is the Generator's.
		case len(incoming) > 1 || !envelope.ValidRequestID(incoming[0]):
			id = envelope.NewRequestID()
		}
		if !envelope.ValidRequestID(id) { // a Generator replaced by hand
			id = envelope.NewRequestID()
		}
		c.SetRequest(r.WithContext(envelope.ContextWithRequestID(r.Context(), id)))
	}
	h := c.Response().Header()
	if header == "-" {
		h.Del(header)
		return
	}
	h.Set(header, id)
}
