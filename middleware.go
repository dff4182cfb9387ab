package envelope

import (
	"log/slog"
	"net/http"
	"sync"
)

// MiddlewareOptions configures [Middleware], the default chain. The zero
// value is the chain of [Protect]: safe incoming request IDs or fresh
// UUIDv4s, the default security headers, panics logged to [slog.Default],
// errors in the flat format.
type MiddlewareOptions struct {
	// ErrorWriter renders every error of the requests the chain serves:
	// it is placed in the request context, so the package-level [Write]
	// inside handlers uses it, and it renders the 500 of a recovered
	// panic. Nil means the default flat format.
	ErrorWriter *ErrorWriter
	// Logger receives recovered panics. Nil means [slog.Default] at the
	// time of logging. Error responses are logged by the ErrorWriter's own
	// logger ([Config.Logger]).
	Logger *slog.Logger
	// RequestID configures the request ID step; see [RequestIDOptions].
	RequestID RequestIDOptions
	// SecurityHeaders configures the security headers step; see
	// [SecurityHeadersOptions].
	SecurityHeaders SecurityHeadersOptions
}

// Middleware returns the default chain in one step: request ID, then
// security headers, then panic recovery, as [RequestID],
// [SecurityHeaders] and [Recover] would do one after the other. Wrapping
// a router (a [http.ServeMux] or any [http.Handler]) in it means every
// response, success or failure, carries the request ID and the security
// headers, and every panic becomes a clean 500 envelope:
//
//	mw, err := envelope.Middleware(envelope.MiddlewareOptions{ErrorWriter: ew})
//	if err != nil { ... }
//	srv := &http.Server{Handler: mw(mux)}
//
// The chain shares one allocation between the three steps (the request
// context, the request's state and the ResponseWriter wrapper); see
// "Performance" in docs/middleware.md. It never modifies the incoming
// request, and is safe for concurrent use. It returns an error when an
// option is invalid (see [RequestID] and [SecurityHeaders]); it does not
// panic.
func Middleware(opts MiddlewareOptions) (func(http.Handler) http.Handler, error) {
	if opts.RequestID.ErrorWriter == nil {
		opts.RequestID.ErrorWriter = opts.ErrorWriter
	}
	id, err := newRequestIDConfig(opts.RequestID)
	if err != nil {
		return nil, err
	}
	sec, err := newSecurityHeaders(opts.SecurityHeaders)
	if err != nil {
		return nil, err
	}
	rec := &recoverer{logger: opts.Logger, writer: opts.ErrorWriter, security: sec}
	return func(next http.Handler) http.Handler {
		return &chain{next: next, id: id, sec: sec, rec: rec}
	}, nil
}

// chain is the combined middleware around one handler.
type chain struct {
	next http.Handler
	id   *requestIDConfig
	sec  *securityHeaders
	rec  *recoverer
}

func (c *chain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc, r := c.id.begin(r, nil)
	h := w.Header()
	h[c.id.header] = rc.hdr[:]
	c.sec.apply(h, r, &rc.sec)
	if rw := chainWriter(w); rw != nil {
		c.rec.serve(c.next, w, r, rw) // wrapped twice: share the outer wrapper
		return
	}
	if rc.rw.w != nil {
		// The state came from an outer layer whose wrapper is not w (a
		// handler in between replaced the writer): wrap afresh.
		rw := &responseWriter{w: w}
		c.rec.serve(c.next, rw.public(), r, rw)
		return
	}
	rc.rw.w = w
	c.rec.serve(c.next, rc.rw.public(), r, &rc.rw)
}

// defaultChain is built on first use: no init-time work.
var defaultChain = sync.OnceValue(func() func(http.Handler) http.Handler {
	mw, err := Middleware(MiddlewareOptions{})
	if err != nil {
		panic(err) // the zero options are covered by tests
	}
	return mw
})

// Protect wraps h in the default chain: [Middleware] with zero
// [MiddlewareOptions]. It is the one line for a server content with the
// defaults:
//
//	http.ListenAndServe(":8080", envelope.Protect(mux))
//
// Every response gets an X-Request-Id (a safe incoming one or a fresh
// UUIDv4) and the default security headers of [SecurityHeadersOptions];
// panics are logged to [slog.Default] and answered with a 500 in the flat
// format. The handler is safe for concurrent use; Protect does not panic.
func Protect(h http.Handler) http.Handler {
	return defaultChain()(h)
}
