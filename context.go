package envelope

import "context"

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
