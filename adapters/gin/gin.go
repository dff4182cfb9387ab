// Package envelopegin renders gin's errors as envelope responses: handlers
// return errors (or attach them with c.Error) and the client gets the
// envelope body; the router's 404 and 405 and recovered panics get it too.
//
//	r := gin.New()
//	r.HandleMethodNotAllowed = true // 405 with Allow instead of 404
//	r.Use(envelopegin.Recovery(), envelopegin.RequestID(), envelopegin.Errors())
//	r.NoRoute(envelopegin.NoRoute)
//	r.NoMethod(envelopegin.NoMethod)
//	r.GET("/flags/:key", envelopegin.Handler(func(c *gin.Context) error {
//		return envelope.NotFound("Flag not found")
//	}))
//
// Errors are rendered with [envelope.Write], so with the [envelope.ErrorWriter]
// that the request context carries (see [WithErrorWriter]) or the default
// one.
//
// The package is named envelopegin so that it can be imported next to gin
// without renaming either.
package envelopegin

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/apienvelope/envelope"
	"github.com/gin-gonic/gin"
)

// RequestIDKey is the gin context key under which [RequestID] stores the
// request ID: c.GetString(envelopegin.RequestIDKey).
const RequestIDKey = "envelope.requestId"

// requestIDHeader is the header RequestID reads from earlier middleware and
// sets on the response; it is the flat format's request ID header.
const requestIDHeader = "X-Request-Id"

// Write renders err as the response of c with [envelope.Write] and aborts
// the rest of the chain. A nil err writes nothing. When the response is
// already written, it writes nothing more (a second status line would
// corrupt the response) and only records err with c.Error, for gin's
// logger. The error is also recorded with c.Error when it is rendered, as
// a private error: gin's logger shows its text, the client never does.
func Write(c *gin.Context, err error) {
	if err == nil {
		return
	}
	_ = c.Error(err) // private by default: logs only
	c.Abort()
	if c.Writer.Written() {
		return
	}
	envelope.Write(c.Writer, c.Request, err)
}

// Handler adapts a handler that returns an error to a gin.HandlerFunc: a
// non-nil error is rendered with [Write]. It panics if h is nil, at
// construction.
func Handler(h func(c *gin.Context) error) gin.HandlerFunc {
	if h == nil {
		panic("envelopegin: nil handler")
	}
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			Write(c, err)
		}
	}
}

// Errors returns a middleware that renders, after the handlers ran, the
// last error they attached with c.Error, when they wrote nothing. Use it
// for handlers that call c.Error(err) and return, as gin's documentation
// shows. c.AbortWithError and c.Bind write the status line at once, with an
// empty body, so their errors cannot be rendered: use c.Error and
// c.ShouldBind instead. It is safe for concurrent use.
func Errors() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if c.Writer.Written() {
			return
		}
		if last := c.Errors.Last(); last != nil && last.Err != nil {
			envelope.Write(c.Writer, c.Request, last.Err)
		}
	}
}

// NoRoute is a gin.HandlerFunc for engine.NoRoute: a 404 not_found error
// with the code's default message.
func NoRoute(c *gin.Context) {
	c.Abort()
	if !c.Writer.Written() {
		envelope.Write(c.Writer, c.Request, envelope.NotFound(""))
	}
}

// NoMethod is a gin.HandlerFunc for engine.NoMethod, which gin calls only
// when engine.HandleMethodNotAllowed is true: a 405 method_not_allowed
// error whose Allow header lists the methods gin found for the path (RFC
// 9110 §15.5.6 requires it).
func NoMethod(c *gin.Context) {
	c.Abort()
	if !c.Writer.Written() {
		envelope.Write(c.Writer, c.Request, envelope.MethodNotAllowed("", c.Writer.Header().Get("Allow")))
	}
}

// Recovery returns gin's recovery middleware (gin.CustomRecovery, which
// logs the panic and its stack to gin.DefaultErrorWriter) with a handler
// that renders a 500 internal error with the generic message: the panic
// value never reaches the client. When the response had already started,
// nothing more is written. Use it first, in place of gin.Recovery.
func Recovery() gin.HandlerFunc {
	return RecoveryWithWriter(gin.DefaultErrorWriter)
}

// RecoveryWithWriter is [Recovery] logging panics to out instead of
// gin.DefaultErrorWriter (gin.CustomRecoveryWithWriter).
func RecoveryWithWriter(out io.Writer) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(out, func(c *gin.Context, p any) {
		c.Abort()
		if !c.Writer.Written() {
			envelope.Write(c.Writer, c.Request, envelope.Wrap(panicError{p}, envelope.CodeInternal, ""))
		}
	})
}

// panicError carries a recovered value to the logs.
type panicError struct{ v any }

func (p panicError) Error() (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("panic: <%T>", p.v)
		}
	}()
	return fmt.Sprintf("panic: %v", p.v)
}

// RequestID returns a middleware that gives every request one request ID,
// shared by gin and envelope: the ID already in the request context (see
// [envelope.RequestIDFrom]), or else the X-Request-Id response header an
// earlier gin middleware set, or else a new random one. It puts the ID in
// the request context (for [envelope.Write] and handlers), in the gin
// context under [RequestIDKey], and in the X-Request-Id response header.
//
// A client's X-Request-Id request header is not trusted. An ID that is not
// safe to echo (longer than 128 bytes, or with characters other than ASCII
// letters, digits and "-_.:+=/") is replaced by a new one. It is safe for
// concurrent use.
func RequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		id := envelope.RequestIDFrom(ctx)
		if id == "" {
			if prev := c.Writer.Header().Get(requestIDHeader); prev != "" {
				if nctx := envelope.ContextWithRequestID(ctx, prev); nctx != ctx {
					ctx, id = nctx, prev
				}
			}
		}
		if id == "" {
			id = newID()
			ctx = envelope.ContextWithRequestID(ctx, id)
		}
		if ctx != c.Request.Context() {
			c.Request = c.Request.WithContext(ctx)
		}
		c.Set(RequestIDKey, id)
		c.Writer.Header().Set(requestIDHeader, id)
		c.Next()
	}
}

// newID returns 128 random bits in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24)
	return hex.EncodeToString(b[:])
}

// WithErrorWriter returns a middleware that makes [envelope.Write], and so
// every function of this package, render with ew for the requests it
// handles. Use it before the others; the engine's NoRoute and NoMethod
// handlers run after global middleware too. It panics if ew is nil.
func WithErrorWriter(ew *envelope.Writer) gin.HandlerFunc {
	if ew == nil {
		panic("envelopegin: nil ErrorWriter")
	}
	return func(c *gin.Context) {
		c.Request = c.Request.WithContext(envelope.ContextWithWriter(c.Request.Context(), ew))
		c.Next()
	}
}
