package envelope

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
)

// recoverer is the panic recovery step of the chain: it turns a panic in the
// next handler into a clean 500 error response, or aborts the response when
// that is no longer possible, and logs the panic exactly once.
type recoverer struct {
	security *securityHeaders // re-applied to the 500
}

// serve calls next, recovering a panic. w is rw or one of its variants; ew
// renders the 500 and logs. A non-nil router is the router step's wrapper,
// put around w for next and finished when next returns.
func (rc *recoverer) serve(next http.Handler, w http.ResponseWriter, r *http.Request, rw *responseWriter, ew *Writer, router *routerErrorWriter) {
	normal := false
	defer func() {
		if normal {
			return
		}
		p := recover()
		if p == nil {
			return // runtime.Goexit: not a panic; let the goroutine end
		}
		if isAbort(p) {
			panic(http.ErrAbortHandler)
		}
		rc.handle(w, r, rw, ew, p)
	}()
	if router == nil {
		next.ServeHTTP(w, r)
	} else {
		router.w = w
		next.ServeHTTP(withCapabilities[*routerErrorWriter](router, w), r)
		router.finish(r)
	}
	normal = true
}

// isAbort reports whether a panic value asks net/http to abort the
// response: http.ErrAbortHandler, or an error wrapping it as [errors.Is]
// finds it (bounded: an error that wraps itself is no abort, and no hang).
// net/http recognizes only the value itself, by identity, so a wrapped one
// is re-panicked as it. An error whose Unwrap or Is panics is no abort.
func isAbort(p any) (abort bool) {
	err, ok := p.(error)
	if !ok {
		return false
	}
	if err == http.ErrAbortHandler {
		return true
	}
	defer func() {
		if recover() != nil {
			abort = false
		}
	}()
	return isError(err, http.ErrAbortHandler)
}

// maxPanicStackBytes caps the stack a panic puts in the log.
const maxPanicStackBytes = 16 << 10

func (rc *recoverer) handle(w http.ResponseWriter, r *http.Request, rw *responseWriter, ew *Writer, p any) {
	buf := make([]byte, maxPanicStackBytes)
	stack := buf[:runtime.Stack(buf, false)]
	rc.log(r, rw, ew, p, stack)
	if rw.hijacked {
		return
	}
	if rw.started {
		panic(http.ErrAbortHandler)
	}
	h := w.Header()
	for k := range h {
		switch k {
		case "Set-Cookie", "Location", "Refresh", "Retry-After", "Link", "Trailer":
			delete(h, k)
		default:
			if strings.HasPrefix(k, http.TrailerPrefix) {
				delete(h, k)
			}
		}
	}
	if rc.security != nil {
		var vals securityValues
		rc.security.apply(h, r, &vals)
	}
	ew.Write(w, r, errInternal.WithCause(&PanicError{Value: p, Stack: stack}))
}

func (rc *recoverer) log(r *http.Request, rw *responseWriter, ew *Writer, p any, stack []byte) {
	l := ew.logger
	if l == nil {
		l = slog.Default()
	}
	ctx := r.Context()
	if !l.Enabled(ctx, slog.LevelError) {
		return
	}
	defer func() { _ = recover() }() // a panicking log handler must not take the server down
	attrs := make([]slog.Attr, 0, 8)
	if id := RequestIDFrom(ctx); id != "" {
		attrs = append(attrs, slog.String("requestId", id))
	}
	attrs = append(attrs, slog.String("method", escapeLogText(r.Method, maxLoggedPathBytes)))
	if r.URL != nil {
		attrs = append(attrs, slog.String("path", escapeLogText(r.URL.Path, maxLoggedPathBytes)))
	}
	attrs = append(attrs,
		slog.String("panic", escapeLogText(safePanicText(p), maxLoggedBytes)),
		slog.Bool("responseStarted", rw.started),
	)
	if rw.started {
		attrs = append(attrs, slog.Int("status", rw.status))
	}
	attrs = append(attrs, slog.String("stack", string(stack)))
	msg := "envelope: panic recovered"
	switch {
	case rw.hijacked:
		msg = "envelope: panic after hijacking the connection"
	case rw.started:
		msg = "envelope: panic after the response started; aborting it"
	}
	l.LogAttrs(context.WithoutCancel(ctx), slog.LevelError, msg, attrs...)
}
