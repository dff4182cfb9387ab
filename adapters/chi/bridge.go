package envelopechi

import (
	"context"
	"net/http"
	"runtime/debug"

	"github.com/apienvelope/envelope"
	"github.com/go-chi/chi/v5/middleware"
)

// RequestID is a chi middleware that bridges chi's request ID into
// envelope, for a router that uses chi's middleware.RequestID; put it right
// after that. It makes one ID the request's for both: the ID already in
// the envelope context (the router runs behind [envelope.Middleware]),
// else chi's (middleware.GetReqID) when [envelope.ValidRequestID] accepts it,
// else a new one from [envelope.NewRequestID]. chi's middleware takes a
// client's X-Request-Id unchecked, so an unsafe one is replaced here, never
// cleaned. The ID goes into the envelope context (for the error body and
// [envelope.RequestIDFrom]), into chi's (so chi's logger and
// middleware.GetReqID report the same), and into the response header that
// chi's middleware.RequestIDHeader names, on every response. It never
// modifies the incoming request, and is safe for concurrent use.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := envelope.RequestIDFrom(ctx)
		if id == "" {
			if id = middleware.GetReqID(ctx); !envelope.ValidRequestID(id) {
				id = envelope.NewRequestID()
			}
			ctx = envelope.ContextWithRequestID(ctx, id)
		}
		if middleware.GetReqID(ctx) != id {
			ctx = context.WithValue(ctx, middleware.RequestIDKey, id)
		}
		if h := middleware.RequestIDHeader; h != "" {
			w.Header().Set(h, id)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Recoverer is a chi middleware that replaces chi's middleware.Recoverer:
// it recovers a panic in the rest of the chain and renders a 500 internal
// envelope with the generic message (with [envelope.Write], so with the
// request ID and the writer of the context), whose cause is an
// [*envelope.PanicError] carrying the panic value and the stack, for the
// writer's log and OnError hooks. The panic value never reaches the client.
// A panic with http.ErrAbortHandler is re-panicked for net/http, and a panic
// after the response started aborts it (the client sees it cut short, not
// complete). Behind [envelope.Middleware] it is not needed. It is safe for
// concurrent use.
func Recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler || ww.Status() != 0 || ww.BytesWritten() > 0 {
				panic(http.ErrAbortHandler)
			}
			envelope.Write(w, r, envelope.Internal("").WithCause(&envelope.PanicError{Value: p, Stack: debug.Stack()}))
		}()
		next.ServeHTTP(ww, r)
	})
}

// WithWriter returns a chi middleware that makes [envelope.Write], and so
// [NotFound], [MethodNotAllowed], [Recoverer] and [envelope.HandlerFunc],
// render with ew for the requests it handles, for a router that is not
// behind [envelope.Middleware] (which does this itself). Use it first. It
// panics if ew is nil, at construction.
func WithWriter(ew *envelope.Writer) func(http.Handler) http.Handler {
	if ew == nil {
		panic("envelopechi: nil Writer")
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(envelope.ContextWithWriter(r.Context(), ew)))
		})
	}
}
