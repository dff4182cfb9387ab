package envelope

import (
	"context"
	"log/slog"
	"net/http"
)

// This file is the last step of the write path: one log record per error
// response.

// logRecord writes one record to l (slog.Default when nil) for request r,
// whose ID is id. It is cheap when the level is disabled, and a logger or
// error that panics cannot take the request down with it. An error whose
// cause is a recovered panic is not logged again: the middleware that
// recovered it logged it, with its stack.
func logRecord(l *slog.Logger, r *http.Request, id string, level slog.Level, msg string, e *APIError, cause error, status int) {
	if l == nil {
		l = slog.Default()
	}
	ctx := context.Background()
	if r != nil {
		ctx = r.Context()
	}
	if !l.Enabled(ctx, level) {
		return
	}
	defer func() { _ = recover() }()
	if causedByPanic(cause) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	if e != nil {
		attrs = append(attrs, slog.String("code", string(e.Code())))
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if id != "" {
		attrs = append(attrs, slog.String("requestId", id))
	}
	if r != nil {
		// Both come from the client: escaped and capped, so no log
		// handler can be fed a forged line or a huge value.
		attrs = append(attrs, slog.String("method", escapeLogText(r.Method, maxLoggedPathBytes)))
		if r.URL != nil {
			attrs = append(attrs, slog.String("path", escapeLogText(r.URL.Path, maxLoggedPathBytes)))
		}
	}
	if cause != nil {
		attrs = append(attrs, slog.String("error", safeErrorText(cause, maxLoggedBytes)))
	}
	l.LogAttrs(ctx, level, msg, attrs...)
}

// causedByPanic reports whether cause wraps a recovered panic. A cause
// whose chain panics when walked (a typed nil whose Unwrap dereferences
// its receiver) is not one, so that its record is still written.
func causedByPanic(cause error) (yes bool) {
	if cause == nil {
		return false
	}
	defer func() {
		if recover() != nil {
			yes = false
		}
	}()
	_, yes = asError[*PanicError](cause)
	return yes
}
