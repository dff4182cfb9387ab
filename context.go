package envelope

import (
	"context"
	"net/http"
)

// ctxKey is the unexported context key for the per-request state; no other
// package can read or overwrite it.
type ctxKey struct{}

// requestState is what the middleware attaches to a request: one context
// value (one allocation) for everything this package needs later.
type requestState struct {
	id     string
	writer *Writer
	// values holds the header values a writer sets (see headerValues),
	// part of this request's one allocation; fill it with fill.
	values headerArray
}

func stateFrom(ctx context.Context) *requestState {
	if ctx == nil {
		return nil
	}
	st, _ := ctx.Value(ctxKey{}).(*requestState)
	return st
}

// stateOf returns the state r's context carries, or nil.
func stateOf(r *http.Request) *requestState {
	if r == nil {
		return nil
	}
	return stateFrom(r.Context())
}

// RequestIDFrom returns the request ID carried by ctx, or "" when there is
// none. The [Middleware] puts it there; [ContextWithRequestID] does too.
func RequestIDFrom(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil {
		return st.id
	}
	return ""
}

// ContextWithRequestID returns a copy of ctx that carries id, for servers
// and framework adapters that obtain request IDs their own way. It keeps
// the [Writer] ctx already carries. An id that is not a safe request ID
// (see [ValidRequestID]) is not stored: ctx is returned unchanged.
func ContextWithRequestID(ctx context.Context, id string) context.Context {
	if !ValidRequestID(id) {
		return ctx
	}
	st := &requestState{id: id}
	if old := stateFrom(ctx); old != nil {
		st.writer = old.writer
	}
	st.fill()
	return context.WithValue(ctx, ctxKey{}, st)
}

// ContextWithWriter returns a copy of ctx whose requests render errors with
// ew when they call the package-level [Write]. It keeps the request ID ctx
// already carries. The [Middleware] does this for every request; call it
// directly only in a framework adapter that does not use the middleware.
func ContextWithWriter(ctx context.Context, ew *Writer) context.Context {
	st := &requestState{writer: ew}
	if old := stateFrom(ctx); old != nil {
		st.id = old.id
	}
	st.fill()
	return context.WithValue(ctx, ctxKey{}, st)
}

// maxRequestIDBytes is the longest request ID accepted from outside.
const maxRequestIDBytes = 128

// ValidRequestID reports whether id is safe to accept from a client and to
// echo into headers, bodies and logs: 1 to 128 bytes of ASCII letters,
// digits and "-", "_", ".", ":", "+", "=", "/". An ID that is not must be
// replaced by a fresh one ([NewRequestID]), never cleaned: a cleaned ID
// would be a different, attacker-shaped value.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDBytes {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '_', c == '.', c == ':', c == '+', c == '=', c == '/':
		default:
			return false
		}
	}
	return true
}
