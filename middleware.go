package envelope

import (
	"fmt"
	"net/http"
	"sync"
)

// MiddlewareOptions configures [Middleware]. The zero value is the chain of
// [Protect]: safe incoming request IDs or fresh UUIDv4s, the default
// security headers, panics recovered, routers' plain-text 404 and 405
// pages as envelopes, no body limit, errors in the flat format.
type MiddlewareOptions struct {
	// Writer renders every error of the requests the chain serves and logs
	// its recovered panics: it is placed in the request context, so the
	// package-level [Write] inside handlers uses it. Nil means the default
	// writer (the flat format, [slog.Default]).
	Writer *Writer
	// RequestID configures the request ID step; see [RequestIDOptions].
	RequestID RequestIDOptions
	// Security configures the security headers step; see
	// [SecurityOptions].
	Security SecurityOptions
	// MaxBodyBytes caps request bodies, when positive. A request whose
	// Content-Length exceeds it is answered with a 413 payload_too_large
	// (RFC 9110 §15.5.14) and "Connection: close" before the handler runs,
	// whether or not the client waits for "100 Continue" (none is sent);
	// net/http then neither reads nor waits for the body. Any other body,
	// chunked ones included, is capped: reading past the limit fails with
	// an [*http.MaxBytesError], which a writer renders as the same 413
	// (so does a handler that returns it, or [DecodeRequest]'s error), and
	// net/http closes the connection after the response rather than read
	// the rest. The limit is not temporary, so no Retry-After is sent.
	// Zero means no limit; a negative value is refused.
	MaxBodyBytes int64
	// PlainRouterPages leaves routers' plain-text 404 and 405 pages as they
	// are. By default they become error envelopes: a 404 or 405 with a
	// text/plain Content-Type (what [http.NotFound], [http.Error] and
	// [http.ServeMux] send; the page's body is discarded) or with no
	// Content-Type and no body (the bare 405 some routers send) is
	// rendered as not_found or method_not_allowed, keeping the Allow
	// header the router set (RFC 9110 §15.5.6). Every other response
	// passes through unbuffered and unchanged, including a 404 a handler
	// wrote as JSON itself.
	PlainRouterPages bool
}

// Middleware returns the chain, validated once, here: request ID, security
// headers, panic recovery, body limit, router errors. Wrapping a router (a
// [http.ServeMux] or any [http.Handler]) in it means every response,
// success or failure, carries the request ID and the security headers,
// and every error and panic becomes a clean envelope:
//
//	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
//	if err != nil { ... }
//	srv := &http.Server{Handler: mw(mux)}
//
// Request IDs: a request gets a safe incoming ID (a single header line of
// at most 128 bytes of ASCII letters, digits and "-_.:+=/"; see
// [ValidRequestID]) or a fresh random UUIDv4 ([NewRequestID]); an unsafe
// one is replaced, never cleaned. The ID goes into the request context
// ([RequestIDFrom]), onto every response's request ID header and into
// every error body. Wrapped twice, the chain gives a request one ID; an
// inner chain with a Writer of its own renders its requests' errors with
// it, one without uses the outer chain's.
//
// Panics: a panic before the response started becomes a 500 internal
// envelope with the generic message and the request ID (never the panic
// value or a stack). Headers the handler had set for its own body are
// deleted first: those [Writer.Write] deletes and Set-Cookie, Location,
// Refresh, Retry-After, Link and trailers. A panic after the response
// started cannot change the status: the chain logs it, then panics with
// [http.ErrAbortHandler], which net/http answers by closing the connection
// without logging again, so the client sees a truncated response rather
// than a clean-looking one. After the connection was hijacked nothing is
// written. The panic value [http.ErrAbortHandler], or an error that
// [errors.Is] it, is an abort: re-panicked as http.ErrAbortHandler and not
// logged. panic(nil) is a panic like any other ([runtime.PanicNilError]).
// The panic is logged once, at Error level through the writer's logger,
// with the request ID, method, path, the value (escaped, capped at 8 KiB),
// whether the response had started and the goroutine's stack (capped at 16
// KiB); the 500's cause is a [*PanicError] for [WriterOptions.OnError].
//
// The chain shares one allocation between its steps (the request context,
// the request's state and the ResponseWriter wrapper). The wrapper
// implements Unwrap for [http.ResponseController] and claims
// [http.Flusher] and [http.Hijacker] only when the writer below has them.
// The chain never modifies the incoming request, and is safe for
// concurrent use. Middleware returns an error when an option is invalid;
// it does not panic.
func Middleware(opts MiddlewareOptions) (func(http.Handler) http.Handler, error) {
	sec, err := newSecurityHeaders(opts.Security)
	if err != nil {
		return nil, err
	}
	if opts.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("envelope: MaxBodyBytes %d is negative", opts.MaxBodyBytes)
	}
	id := newRequestIDConfig(opts.RequestID, opts.Writer)
	rec := &recoverer{security: sec}
	return func(next http.Handler) http.Handler {
		return &chain{next: next, id: id, sec: sec, rec: rec, maxBody: opts.MaxBodyBytes, router: !opts.PlainRouterPages}
	}, nil
}

// chain is the middleware around one handler.
type chain struct {
	next    http.Handler
	id      *requestIDConfig
	sec     *securityHeaders
	rec     *recoverer
	maxBody int64
	router  bool // turn routers' plain-text 404 and 405 pages into envelopes
}

func (c *chain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	in := r
	rc, r := c.id.begin(r)
	ew := rc.st.writer
	h := w.Header()
	if c.id.header != "" {
		h[c.id.header] = rc.hdr[:]
	}
	c.sec.apply(h, r, &rc.sec)
	var rw *responseWriter
	switch outer := chainWriter(w); {
	case outer != nil:
		rw = outer // wrapped twice: share the outer wrapper
	case rc.rw.w != nil:
		// The state came from an outer layer whose wrapper is not w (a
		// handler in between replaced the writer): wrap afresh.
		rw = &responseWriter{w: w}
		w = rw.public()
	default:
		rc.rw.w = w
		rw = &rc.rw
		w = rw.public()
	}
	if c.maxBody > 0 {
		var refused bool
		body := &rc.body
		if rc.bodyBusy { // the chain is wrapped twice: the outer uses it
			body = &limitedBody{}
		}
		rc.bodyBusy = true
		if r, refused = limitBody(c.maxBody, w, r, r != in, ew, body); refused {
			return
		}
	}
	var router *routerErrorWriter
	if c.router {
		router = &rc.router
		if rc.routerBusy { // the chain is wrapped twice: the outer uses it
			router = &routerErrorWriter{}
		}
		rc.routerBusy = true
	}
	c.rec.serve(c.next, w, r, rw, ew, router)
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
// UUIDv4) and the default security headers of [SecurityOptions]; panics
// are logged to [slog.Default] and answered with a 500, and the router's
// plain-text 404 and 405 pages with envelopes, in the flat format. The
// handler is safe for concurrent use; Protect does not panic.
func Protect(h http.Handler) http.Handler {
	return defaultChain()(h)
}
