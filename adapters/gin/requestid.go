package envelopegin

import (
	"net/http"

	"github.com/apienvelope/envelope"
	"github.com/gin-gonic/gin"
)

// RequestIDKey is the gin context key under which [RequestID] stores the
// request ID: c.GetString(envelopegin.RequestIDKey).
const RequestIDKey = "envelope.requestId"

// RequestIDOptions configures [RequestID]. The zero value reads and sets
// the request ID header of the writer the request renders with, and
// accepts a safe incoming ID, as [envelope.Middleware] does.
type RequestIDOptions struct {
	// Header is the request ID header, for an engine whose IDs travel in
	// another header than the writer's. Empty means the header of the
	// writer [WithWriter] gave the request ([envelope.Writer.RequestIDHeader]:
	// that of its main format, none when the format sends none), or
	// X-Request-Id, the default writer's, without WithWriter. "-" means
	// none: an ID is still made for the context and the body, but none is
	// read or sent.
	Header string
	// IgnoreIncoming, when true, never accepts an ID the client sent:
	// every request gets a fresh one, as [envelope.RequestIDOptions] says.
	IgnoreIncoming bool
}

// RequestID returns a middleware that gives every request one request ID,
// shared by gin and envelope, for an engine that is not behind
// [envelope.Middleware] (whose ID it keeps when there is one). The ID is
// the first of:
//
//   - the ID already in the request context ([envelope.RequestIDFrom]);
//   - the response header an earlier gin middleware set (such as a
//     request ID middleware of gin's own ecosystem);
//   - the request header the client sent, unless IgnoreIncoming is set;
//   - a new random UUIDv4 ([envelope.NewRequestID]).
//
// A header value is taken only when [envelope.ValidRequestID] accepts it
// (short, made of a conservative ASCII set), exactly as the middleware
// accepts one; any other is replaced, never cleaned. The ID goes into the
// request context (for [envelope.Write] and handlers), into the gin context
// under [RequestIDKey], and into the response header. Use it after
// [WithWriter], whose writer gives the header. It is safe for concurrent
// use.
func RequestID(opts RequestIDOptions) gin.HandlerFunc {
	fixed := opts.Header != ""
	header := http.CanonicalHeaderKey(opts.Header)
	if opts.Header == "-" {
		header = ""
	}
	return func(c *gin.Context) {
		header := header
		if !fixed {
			header = writerHeader(c)
		}
		ctx := c.Request.Context()
		id := envelope.RequestIDFrom(ctx)
		if id == "" && header != "" {
			if v := c.Writer.Header().Values(header); len(v) == 1 && envelope.ValidRequestID(v[0]) {
				id = v[0]
			} else if v := c.Request.Header.Values(header); !opts.IgnoreIncoming && len(v) == 1 && envelope.ValidRequestID(v[0]) {
				id = v[0]
			}
		}
		if id == "" {
			id = envelope.NewRequestID()
		}
		if envelope.RequestIDFrom(ctx) != id {
			c.Request = c.Request.WithContext(envelope.ContextWithRequestID(ctx, id))
		}
		c.Set(RequestIDKey, id)
		if header != "" {
			c.Writer.Header().Set(header, id)
		}
		c.Next()
	}
}

// writerHeader returns the request ID header of the writer [WithWriter]
// gave c, or X-Request-Id (the default writer's) without one.
func writerHeader(c *gin.Context) string {
	if v, ok := c.Get(writerKey{}); ok {
		if ew, ok := v.(*envelope.Writer); ok {
			return ew.RequestIDHeader()
		}
	}
	return "X-Request-Id"
}
