// Package envelopegin renders gin's errors as envelope responses: handlers
// return errors (or attach them with c.Error) and the client gets the
// envelope body; bind errors name the field the client got wrong, and the
// router's 404 and 405 and recovered panics get the envelope too.
//
// The recommended setup wraps the whole engine in [envelope.Middleware],
// at the net/http level, which gives every request its ID, the security
// headers, panic recovery, the body limit and envelope pages for gin's own
// 404 and 405; this package then only turns gin's errors into envelopes:
//
//	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
//	...
//	r := gin.New()
//	r.HandleMethodNotAllowed = true // 405 with Allow instead of 404
//	r.Use(envelopegin.Errors())
//	r.GET("/flags", envelopegin.Handler(func(c *gin.Context) error {
//		var q listQuery
//		if err := envelopegin.BindQuery(c, &q); err != nil {
//			return err // 400 naming the parameter, by its form tag
//		}
//		...
//	}))
//	srv := &http.Server{Handler: mw(r)}
//
// Without the middleware, [Recovery], [RequestID], [WithWriter],
// [NoRoute] and [NoMethod] do the same inside gin.
//
// Errors are rendered with [envelope.Write], so with the [envelope.Writer]
// that the request context carries. The package is named envelopegin so
// that it can be imported next to gin without renaming either.
package envelopegin

import (
	"io"
	"net/http"
	"runtime/debug"

	"github.com/apienvelope/envelope"
	"github.com/gin-gonic/gin"
)

// Write renders err as the response of c with [envelope.Write] and aborts
// the rest of the chain. A nil err writes nothing. When the response is
// already written, it writes nothing more (a second status line would
// corrupt the response) and only records err with c.Error, for gin's
// logger. The error is also recorded with c.Error when it is rendered, as
// a private error: gin's logger shows its text, the client never does.
//
// The status line is sent at once (for HEAD too, which has no body), so
// that gin writes nothing after it: a HEAD request gets the headers of the
// GET, envelope Content-Type included (RFC 9110 §9.3.2).
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
	c.Writer.WriteHeaderNow()
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
// shows. c.AbortWithError, c.Bind, c.BindJSON and c.BindQuery write the
// status line at once, with an empty body, so their errors cannot be
// rendered: use c.Error, and [BindJSON], [BindQuery] and [BindURI] (or
// c.ShouldBind...), instead. It is safe for concurrent use.
func Errors() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if c.Writer.Written() {
			return
		}
		if last := c.Errors.Last(); last != nil && last.Err != nil {
			envelope.Write(c.Writer, c.Request, last.Err)
			c.Writer.WriteHeaderNow()
		}
	}
}

// NoRoute is a gin.HandlerFunc for engine.NoRoute: a 404 not_found error
// with the code's default message, for HEAD with the same headers as for
// GET. Behind [envelope.Middleware] it is not needed: the middleware
// renders gin's own 404 page as the same envelope.
func NoRoute(c *gin.Context) {
	c.Abort()
	if !c.Writer.Written() {
		envelope.Write(c.Writer, c.Request, envelope.NotFound(""))
		c.Writer.WriteHeaderNow()
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
		c.Writer.WriteHeaderNow()
	}
}

// Recovery returns gin's recovery middleware (gin.CustomRecovery, which
// logs the panic and its stack to gin.DefaultErrorWriter) with a handler
// that renders a 500 internal error with the generic message, whose cause
// is an [*envelope.PanicError] (for the writer's log and OnError hooks):
// the panic value never reaches the client. A panic with
// http.ErrAbortHandler, or after the response started, aborts the
// response instead, so the client sees it cut short rather than complete.
// Use it first, in place of gin.Recovery; behind [envelope.Middleware] it is
// not needed.
func Recovery() gin.HandlerFunc {
	return RecoveryWithWriter(gin.DefaultErrorWriter)
}

// RecoveryWithWriter is [Recovery] logging panics to out instead of
// gin.DefaultErrorWriter (gin.CustomRecoveryWithWriter); a nil out logs
// nothing there.
func RecoveryWithWriter(out io.Writer) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(out, func(c *gin.Context, p any) {
		c.Abort()
		if p == http.ErrAbortHandler || c.Writer.Written() {
			panic(http.ErrAbortHandler)
		}
		envelope.Write(c.Writer, c.Request, envelope.Internal("").WithCause(&envelope.PanicError{Value: p, Stack: debug.Stack()}))
		c.Writer.WriteHeaderNow()
	})
}

// WithWriter returns a middleware that makes [envelope.Write], and so
// every function of this package, render with ew for the requests it
// handles, and [RequestID] use the request ID header of ew's format. Use
// it before the others; the engine's NoRoute and NoMethod handlers run
// after global middleware too. Behind [envelope.Middleware] it is not
// needed. It panics if ew is nil.
func WithWriter(ew *envelope.Writer) gin.HandlerFunc {
	if ew == nil {
		panic("envelopegin: nil Writer")
	}
	return func(c *gin.Context) {
		c.Request = c.Request.WithContext(envelope.ContextWithWriter(c.Request.Context(), ew))
		c.Set(writerKey{}, ew)
		c.Next()
	}
}

// writerKey is the gin context key under which [WithWriter] keeps its
// writer, for [RequestID].
type writerKey struct{}
