// Package envelopeecho renders the errors of an echo v5 application as
// envelope responses: handlers return [*envelope.APIError] values (or any
// error) and the client gets the envelope body; echo's own errors (the
// router's 404 and 405, bind errors, a body over echo's limit, a panic
// recovered by echo's Recover middleware) get it too, with nothing internal
// on the wire.
//
// The recommended setup wraps the whole echo instance in the envelope chain,
// which gives every request its ID, the security headers, panic recovery and
// the body limit, and installs the error handler inside it:
//
//	e := echo.New()
//	e.HTTPErrorHandler = envelopeecho.ErrorHandler
//	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
//	if err != nil { ... }
//	srv := &http.Server{Handler: mw(e)}
//
// An application that keeps echo's own middleware instead renders with a
// given Writer and shares echo's request IDs:
//
//	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
//	e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig(envelopeecho.RequestIDOptions{Writer: ew})))
//	e.Use(middleware.Recover())
//
// The package is named envelopeecho so that it can be imported next to echo
// without renaming either; it adapts github.com/labstack/echo/v5 (the
// adapter for echo v4 is the module adapters/echo).
package envelopeecho

import (
	"errors"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"github.com/apienvelope/envelope"
	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
)

// ErrorHandler is an echo.HTTPErrorHandler that renders err with
// [envelope.Write], that is with the [envelope.Writer] that
// [envelope.Middleware] placed in the request context. Use it when the echo
// instance is served inside the envelope chain; without the chain,
// envelope.Write falls back to the default writer and logs a warning for
// every error, so use [NewErrorHandler] with a Writer there. See
// [NewErrorHandler] for what it does with each kind of error. Assign it to
// echo.Echo.HTTPErrorHandler. It is safe for concurrent use.
func ErrorHandler(c *echo.Context, err error) {
	handle(c, nil, err)
}

// NewErrorHandler returns an echo.HTTPErrorHandler that renders errors with
// ew; a nil ew means [ErrorHandler] (the Writer in the request context). It
// is safe for concurrent use. It:
//
//   - translates err with [FromError]: an [*envelope.APIError] anywhere in
//     err's chain renders as is, echo's errors by their status (404
//     not_found, 413 payload_too_large, ...), bind errors like
//     [envelope.DecodeRequest]'s, a panic recovered by echo's Recover
//     middleware as a 500 whose cause is an [*envelope.PanicError];
//   - gives a 405 the Allow header echo's router computed (RFC 9110
//     §15.5.6 requires it), unless err is an APIError of its own;
//   - logs a panic recovered by echo's Recover middleware once, at Error
//     level, through echo's logger (echo.Context.Logger), with the request
//     ID, method, path, panic value and stack; the Writer does not log an
//     error caused by a panic again (see [envelope.PanicError]). A panic
//     that reaches the envelope chain around echo instead is logged by the
//     chain, through the Writer's logger;
//   - puts echo's request ID in the body when the request context carries
//     none: the response header echo's RequestID middleware set, when it
//     is a safe ID ([envelope.ValidRequestID]). The header is the one of
//     ew's format ([envelope.Writer.RequestIDHeader]), else X-Request-Id,
//     echo's default; see [RequestIDConfig] for IDs shared both ways;
//   - writes nothing when the response is already committed (a second
//     status line would corrupt it) and logs the error through echo's
//     logger instead.
//
// HEAD requests get the headers and status of the GET error response and
// no body (RFC 9110 §9.3.2). The Writer's hooks (WriterOptions.Prepare and
// OnError) run for every error it renders.
func NewErrorHandler(ew *envelope.Writer) echo.HTTPErrorHandler {
	if ew == nil {
		return ErrorHandler
	}
	return func(c *echo.Context, err error) { handle(c, ew, err) }
}

func handle(c *echo.Context, ew *envelope.Writer, err error) {
	w := c.Response()
	r := c.Request()
	if res, uerr := echo.UnwrapResponse(w); uerr == nil && res.Committed {
		logError(c, r, "envelope: error after the response was committed; nothing written", err)
		return
	}
	if envelope.RequestIDFrom(r.Context()) == "" {
		if id := echoRequestID(w.Header(), ew); id != "" {
			r = r.WithContext(envelope.ContextWithRequestID(r.Context(), id))
		}
	}
	var ae *envelope.APIError
	own := errors.As(err, &ae)
	if !own {
		var pse *middleware.PanicStackError
		if errors.As(err, &pse) {
			logPanic(c, r, pse)
		}
	}
	out := FromError(err)
	if !own && envelope.CodeOf(out) == envelope.CodeMethodNotAllowed {
		if e, ok := out.(*envelope.APIError); ok {
			if allow, _ := c.Get(echo.ContextKeyHeaderAllow).(string); allow != "" {
				out = e.WithHeader("Allow", allow)
			} else if allow := w.Header().Get("Allow"); allow != "" {
				out = e.WithHeader("Allow", allow)
			}
		}
	}
	if ew == nil {
		envelope.Write(w, r, out)
		return
	}
	ew.Write(w, r, out)
}

// echoRequestID returns the request ID echo's RequestID middleware set in
// the response header h: in the header of ew's format when ew has one, else
// in X-Request-Id, echo's default.
func echoRequestID(h http.Header, ew *envelope.Writer) string {
	if ew != nil {
		if name := ew.RequestIDHeader(); name != "" {
			if id := h.Get(name); id != "" {
				return id
			}
		}
	}
	return h.Get(echo.HeaderXRequestID)
}

// Limits of what a log record of this package quotes from a request or a
// panic, as the envelope chain caps them.
const (
	maxLoggedPath  = 1 << 10
	maxLoggedText  = 8 << 10
	maxLoggedStack = 16 << 10
)

func requestAttrs(r *http.Request) []slog.Attr {
	attrs := make([]slog.Attr, 0, 6)
	if id := envelope.RequestIDFrom(r.Context()); id != "" {
		attrs = append(attrs, slog.String("requestId", id))
	}
	attrs = append(attrs, slog.String("method", capText(r.Method, maxLoggedPath)))
	if r.URL != nil {
		attrs = append(attrs, slog.String("path", capText(r.URL.Path, maxLoggedPath)))
	}
	return attrs
}

func logError(c *echo.Context, r *http.Request, msg string, err error) {
	l := c.Logger()
	if l == nil {
		return
	}
	attrs := append(requestAttrs(r), slog.String("error", capText(errorText(err), maxLoggedText)))
	l.LogAttrs(r.Context(), slog.LevelError, msg, attrs...)
}

func logPanic(c *echo.Context, r *http.Request, pse *middleware.PanicStackError) {
	l := c.Logger()
	if l == nil {
		return
	}
	attrs := append(requestAttrs(r),
		slog.String("panic", capText(errorText(pse.Err), maxLoggedText)),
		slog.String("stack", capText(string(pse.Stack), maxLoggedStack)),
	)
	l.LogAttrs(r.Context(), slog.LevelError, "envelope: panic recovered by echo's Recover middleware", attrs...)
}

// errorText returns err's text; an Error method that panics yields a
// placeholder rather than taking the server down.
func errorText(err error) (s string) {
	if err == nil {
		return "<nil>"
	}
	defer func() {
		if recover() != nil {
			s = "<error text unavailable: its Error method panicked>"
		}
	}()
	return err.Error()
}

// capText cuts s to at most n bytes, marking the cut.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…[truncated]"
}
