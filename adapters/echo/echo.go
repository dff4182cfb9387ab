// Package envelopeecho renders echo's errors as envelope responses: echo
// handlers return [*envelope.APIError] values (or any error) and the client
// gets the envelope body; echo's own errors, including the router's 404 and
// 405 and the recovery middleware's panics, get it too.
//
// Install the error handler once:
//
//	e := echo.New()
//	e.HTTPErrorHandler = envelopeecho.ErrorHandler
//	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
//		RequestIDHandler: envelopeecho.ShareRequestID,
//	}))
//	e.Use(middleware.Recover()) // panics become a 500 envelope
//
// The package is named envelopeecho so that it can be imported next to echo
// without renaming either.
package envelopeecho

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/apienvelope/envelope"
	"github.com/labstack/echo/v4"
)

// ErrorHandler is an echo.HTTPErrorHandler that renders err with
// [envelope.Write]: the [envelope.ErrorWriter] in the request's context, or
// the default one. See [NewErrorHandler] for what it does with each kind of
// error. Assign it to echo.Echo.HTTPErrorHandler. It is safe for concurrent
// use.
func ErrorHandler(err error, c echo.Context) {
	handle(nil, err, c)
}

// NewErrorHandler returns an echo.HTTPErrorHandler that renders errors with
// ew; a nil ew means [envelope.Write] (see [ErrorHandler]). It is safe for
// concurrent use, and it:
//
//   - renders an [*envelope.APIError] anywhere in err's chain as is;
//   - maps an *echo.HTTPError by its status (404 to not_found, 405 to
//     method_not_allowed with the router's Allow header, 413 to
//     payload_too_large, ...; see [FromHTTPError]);
//   - renders any other error, such as the one middleware.Recover makes of
//     a panic, as a 500 internal error with the generic message. Its text
//     goes to the writer's log, never to the client;
//   - shares echo's request ID (the X-Request-Id response header that
//     middleware.RequestID sets) with the body, when the request context
//     carries none (see [ShareRequestID]);
//   - writes nothing when the response is already committed: a second
//     status line would corrupt it. The error goes to echo's logger.
func NewErrorHandler(ew *envelope.Writer) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) { handle(ew, err, c) }
}

func handle(ew *envelope.Writer, err error, c echo.Context) {
	res := c.Response()
	if res.Committed {
		c.Logger().Error(err)
		return
	}
	r := c.Request()
	if envelope.RequestIDFrom(r.Context()) == "" {
		if id := res.Header().Get(echo.HeaderXRequestID); id != "" {
			r = r.WithContext(envelope.ContextWithRequestID(r.Context(), id))
		}
	}
	var he *echo.HTTPError
	var ae *envelope.APIError
	if !errors.As(err, &ae) && errors.As(err, &he) {
		e := FromHTTPError(he)
		if e.Code() == envelope.CodeMethodNotAllowed {
			if allow, ok := c.Get(echo.ContextKeyHeaderAllow).(string); ok && allow != "" {
				e = e.WithHeader("Allow", allow)
			} else if allow := res.Header().Get("Allow"); allow != "" {
				e = e.WithHeader("Allow", allow)
			}
		}
		err = e
	}
	if ew == nil {
		envelope.Write(res, r, err)
		return
	}
	ew.Write(res, r, err)
}

// FromHTTPError maps an *echo.HTTPError to an [*envelope.APIError] with the
// code of its status (400 invalid_request, 401 unauthorized, 404 not_found,
// 405 method_not_allowed, 413 payload_too_large, 415
// unsupported_media_type, 429 rate_limited, 503 service_unavailable, ...).
// Another 4xx or 5xx status keeps its number under invalid_request or
// internal; a status outside 400–599 becomes a 500.
//
// The public message is he.Message when it is a string other than the
// status text (echo handlers write it for the client, as echo's own error
// handler shows it); otherwise the code's default message. A Message that
// is an error or any other value is not rendered. he, with its Internal
// error, becomes the cause, for logs only. A nil he gives a 500.
func FromHTTPError(he *echo.HTTPError) *envelope.APIError {
	if he == nil {
		return envelope.Internal("")
	}
	if inner, ok := he.Internal.(*echo.HTTPError); ok && inner != nil {
		he = inner // echo's own handler does the same
	}
	status := he.Code
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	msg, _ := he.Message.(string)
	if msg == http.StatusText(he.Code) {
		msg = ""
	}
	return envelope.New(codeForStatus(status), msg).WithStatus(status).WithCause(he)
}

// codeForStatus is the built-in code of an error status.
func codeForStatus(status int) envelope.Code {
	switch status {
	case 400:
		return envelope.CodeInvalidRequest
	case 401:
		return envelope.CodeUnauthorized
	case 402:
		return envelope.CodePaymentRequired
	case 403:
		return envelope.CodeForbidden
	case 404:
		return envelope.CodeNotFound
	case 405:
		return envelope.CodeMethodNotAllowed
	case 406:
		return envelope.CodeNotAcceptable
	case 409:
		return envelope.CodeConflict
	case 410:
		return envelope.CodeGone
	case 412:
		return envelope.CodePreconditionFailed
	case 413:
		return envelope.CodePayloadTooLarge
	case 415:
		return envelope.CodeUnsupportedMediaType
	case 422:
		return envelope.CodeUnprocessable
	case 429:
		return envelope.CodeRateLimited
	case 499:
		return envelope.CodeCanceled
	case 501:
		return envelope.CodeNotImplemented
	case 502:
		return envelope.CodeBadGateway
	case 503:
		return envelope.CodeUnavailable
	case 504:
		return envelope.CodeTimeout
	}
	if status < 500 {
		return envelope.CodeInvalidRequest
	}
	return envelope.CodeInternal
}

// ShareRequestID makes echo and envelope agree on one request ID, so that
// the error body, the X-Request-Id response header, handlers reading
// [envelope.RequestIDFrom] and anything reading echo's response header see
// the same value. Its signature is that of
// middleware.RequestIDConfig.RequestIDHandler:
//
//	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
//		RequestIDHandler: envelopeecho.ShareRequestID,
//	}))
//
// When the request context already carries an ID (envelope's own
// middleware ran outside echo), that ID wins and replaces echo's in the
// X-Request-Id response header. Otherwise echo's id goes into the request
// context. echo's middleware passes a client's X-Request-Id through
// unchecked; an id that is not safe to echo (longer than 128 bytes, or with
// characters other than ASCII letters, digits and "-_.:+=/") is replaced,
// in the context and the header, by a new random one. It is safe for
// concurrent use.
func ShareRequestID(c echo.Context, id string) {
	r := c.Request()
	h := c.Response().Header()
	if own := envelope.RequestIDFrom(r.Context()); own != "" {
		h.Set(echo.HeaderXRequestID, own)
		return
	}
	ctx := envelope.ContextWithRequestID(r.Context(), id)
	if ctx == r.Context() { // rejected as unsafe
		id = newID()
		ctx = envelope.ContextWithRequestID(r.Context(), id)
		h.Set(echo.HeaderXRequestID, id)
	}
	c.SetRequest(r.WithContext(ctx))
}

// newID returns 128 random bits in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b[:])
}
