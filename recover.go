package envelope

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RecoverOptions configures the panic recovery middleware ([Recover], and
// the last step of [Middleware]). The zero value logs to [slog.Default]
// and renders with the ErrorWriter in the request context.
type RecoverOptions struct {
	// Logger receives one Error record per recovered panic. Nil means
	// [slog.Default] at the time of logging.
	Logger *slog.Logger
	// ErrorWriter renders the 500 response. Nil means the writer in the
	// request context (see [RequestIDOptions.ErrorWriter]), or else the
	// default flat format.
	ErrorWriter *ErrorWriter
}

// Recover returns middleware that turns a panic in the next handler into
// a clean 500 error response, or aborts the response when that is no
// longer possible. The panic is logged exactly once.
//
// A panic before the response started becomes a 500 internal envelope with
// the generic message and the request ID (never the panic value or a
// stack), rendered by [ErrorWriter.Write]. Headers the handler had set for
// its own body are deleted first: those Write deletes (Content-Length,
// ETag, ...) and Set-Cookie, Location, Refresh, Retry-After, Link and
// trailers; Write then sets Content-Type, nosniff and Cache-Control:
// no-store.
//
// A panic after the response started cannot change the status: the
// middleware logs it, then panics with [http.ErrAbortHandler], which
// net/http answers by closing the connection without logging again, so the
// client sees a truncated response (an unexpected EOF) rather than a
// clean-looking one. After the connection was hijacked nothing is written
// and the panic is only logged.
//
// The panic value [http.ErrAbortHandler] is re-panicked untouched and not
// logged (net/http compares it by identity). panic(nil) is a panic like
// any other ([runtime.PanicNilError]). A value whose String or Error
// method panics, or that is huge, is logged as a placeholder or capped
// text; it cannot crash the server or flood the log.
//
// The log record, at Error level, holds the request ID, method, path, the
// value (escaped, capped at 8 KiB), whether the response had started (and
// its status if so) and the current goroutine's stack (capped at 16 KiB).
//
// Recover wraps the ResponseWriter to know whether the response started;
// the wrapper implements Unwrap for [http.ResponseController] and claims
// [http.Flusher] and [http.Hijacker] only when the underlying writer has
// them. The middleware is safe for concurrent use; Recover itself does not
// panic.
func Recover(opts RecoverOptions) func(http.Handler) http.Handler {
	rc := &recoverer{logger: opts.Logger, writer: opts.ErrorWriter}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if rw := chainWriter(w); rw != nil {
				rc.serve(next, w, r, rw)
				return
			}
			rw := &responseWriter{w: w}
			rc.serve(next, rw.public(), r, rw)
		})
	}
}

// recoverer is the configured recovery step.
type recoverer struct {
	logger   *slog.Logger
	writer   *ErrorWriter
	security *securityHeaders // re-applied to the 500; nil when not in the chain
}

// serve calls next, recovering a panic. w is rw or one of its variants.
func (rc *recoverer) serve(next http.Handler, w http.ResponseWriter, r *http.Request, rw *responseWriter) {
	normal := false
	defer func() {
		if normal {
			return
		}
		p := recover()
		if p == nil {
			return // runtime.Goexit: not a panic; let the goroutine end
		}
		if p == http.ErrAbortHandler {
			panic(p)
		}
		rc.handle(w, r, rw, p)
	}()
	next.ServeHTTP(w, r)
	normal = true
}

// Caps on what a panic puts in the log.
const (
	maxPanicValueBytes = maxLoggedBytes
	maxPanicStackBytes = 16 << 10
	maxLoggedPathBytes = 1 << 10
)

func (rc *recoverer) handle(w http.ResponseWriter, r *http.Request, rw *responseWriter, p any) {
	rc.log(r, rw, p)
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
	ew := rc.writer
	if ew == nil {
		ew = writerFor(r)
	}
	ew.Write(w, r, ErrInternal.WithCause(recoveredPanic{}))
}

// recoveredPanic is the cause of the 500 a panic renders as. It says only
// that a panic happened: the value and stack were logged by the
// middleware, which is why [ErrorWriter.Write] does not log errors with
// this cause again. An OnError hook sees it as the cause.
type recoveredPanic struct{}

func (recoveredPanic) Error() string {
	return "panic recovered (logged with its stack by the middleware)"
}

func (rc *recoverer) log(r *http.Request, rw *responseWriter, p any) {
	l := rc.logger
	if l == nil {
		l = slog.Default()
	}
	ctx := r.Context()
	if !l.Enabled(ctx, slog.LevelError) {
		return
	}
	defer func() { _ = recover() }() // a panicking log handler must not take the server down
	buf := make([]byte, maxPanicStackBytes)
	stack := buf[:runtime.Stack(buf, false)]
	attrs := make([]slog.Attr, 0, 8)
	if id := RequestIDFrom(ctx); id != "" {
		attrs = append(attrs, slog.String("requestId", id))
	}
	attrs = append(attrs, slog.String("method", escapeLogText(r.Method, maxLoggedPathBytes)))
	if r.URL != nil {
		attrs = append(attrs, slog.String("path", escapeLogText(r.URL.Path, maxLoggedPathBytes)))
	}
	attrs = append(attrs,
		slog.String("panic", escapeLogText(safePanicText(p), maxPanicValueBytes)),
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

// escapeLogText caps s at max bytes and, when it holds control characters
// or invalid UTF-8, escapes it Go-style (without the quotes), so a log line
// can never be split or forged, whatever the log handler.
func escapeLogText(s string, max int) string {
	if len(s) > max {
		s = truncateUTF8(s, max) + "…"
	}
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if (c == utf8.RuneError && size == 1) || !unicode.IsPrint(c) {
			q := strconv.Quote(s)
			return q[1 : len(q)-1]
		}
		i += size
	}
	return s
}
