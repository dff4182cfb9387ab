// Package envelopeecho renders echo's errors as envelope responses: echo
// handlers return [*envelope.APIError] values (or any error) and the client
// gets the envelope body; echo's own errors, including the router's 404 and
// 405, bind errors and the recovery middleware's panics, get it too.
//
// The recommended setup wraps echo in [envelope.Middleware] at the net/http
// level (request IDs, security headers, panics, body limit) and installs
// the error handler:
//
//	e := echo.New()
//	e.HTTPErrorHandler = envelopeecho.ErrorHandler
//	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
//	...
//	srv := &http.Server{Handler: mw(e)}
//
// Without the middleware, echo's own request ID and recovery middleware
// work with it too:
//
//	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
//	e.Use(envelopeecho.RequestID(envelopeecho.RequestIDOptions{Writer: ew})) // ew's header
//	e.Use(middleware.Recover()) // panics become a 500 envelope
//
// The package is named envelopeecho so that it can be imported next to echo
// without renaming either.
package envelopeecho

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/apienvelope/envelope"
	"github.com/labstack/echo/v4"
)

// ErrorHandler is an echo.HTTPErrorHandler that renders err with
// [envelope.Write]: the [envelope.Writer] in the request's context, or
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
//   - renders err as [Error] translates it: an [*envelope.APIError] as is,
//     an *echo.HTTPError by its status, a bind error as the client's
//     mistake, in the words [envelope.DecodeRequest] uses;
//   - adds the router's Allow header to a 405 (RFC 9110 §15.5.6);
//   - renders any other error, such as the one middleware.Recover makes of
//     a panic, as a 500 internal error with the generic message. Its text
//     goes to the writer's log, never to the client;
//   - shares echo's request ID (the response header echo's request ID
//     middleware sets: the header of ew's format, else X-Request-Id) with
//     the body, when the request context carries none and the ID is safe
//     ([envelope.ValidRequestID]);
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
		if id := echoRequestID(res.Header(), ew); id != "" {
			r = r.WithContext(envelope.ContextWithRequestID(r.Context(), id))
		}
	}
	err = Error(err)
	var ae *envelope.APIError
	if errors.As(err, &ae) && ae.Code() == envelope.CodeMethodNotAllowed && ae.Header().Get("Allow") == "" {
		if allow, ok := c.Get(echo.ContextKeyHeaderAllow).(string); ok && allow != "" {
			err = ae.WithHeader("Allow", allow)
		} else if allow := res.Header().Get("Allow"); allow != "" {
			err = ae.WithHeader("Allow", allow)
		}
	}
	if ew == nil {
		envelope.Write(res, r, err)
		return
	}
	ew.Write(res, r, err)
}

// echoRequestID returns the request ID echo's request ID middleware set in
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

// Error translates an error of an echo application for [envelope.Write]:
//
//   - an error holding an [*envelope.APIError] is returned as is;
//   - an *echo.HTTPError whose internal error is one of decoding a JSON
//     body (what c.Bind returns for a malformed body, a member of the wrong
//     type, a truncated or over-large body) is returned wrapped so that
//     [envelope.Write] renders it exactly as [envelope.DecodeRequest] would:
//     a 400 (413 for a body over the limit) with the library's message and
//     a field error naming the member ("items": "must be an array"),
//     localized; echo's own text ("Unmarshal type error: expected=[]main.Item,
//     ...") stays in the cause, for logs;
//   - an *echo.BindingError, the error of echo's fluent binders
//     (echo.QueryParamsBinder(c).Int("limit", &n)), which name the
//     parameter, is a 400 invalid_request error with a field error at the
//     parameter, without a message, so that the writer's Localizer words
//     it: for a value of the wrong type (?limit=abc into an int, one
//     element of Ints) [envelope.WrongType]'s, the one
//     [envelope.DecodeRequest] gives a JSON member of the wrong type (code
//     "type", "must be an integer"); "pattern" for a time that does not
//     match its layout; "invalid" otherwise, a number out of range
//     included;
//   - any other *echo.HTTPError becomes [FromHTTPError]'s error;
//   - anything else is returned unchanged: [envelope.Write] renders it as a
//     generic 500, logging its text.
//
// A nil err stays nil.
func Error(err error) error {
	if err == nil {
		return nil
	}
	var ae *envelope.APIError
	if errors.As(err, &ae) {
		return err
	}
	var be *echo.BindingError
	if errors.As(err, &be) && be.HTTPError != nil {
		// echo's binders (echo.QueryParamsBinder, ...) name the parameter
		// they could not bind; their message names a Go type.
		return fromHTTPError(be.HTTPError, envelope.ValueError(be.Field, be.Internal))
	}
	var he *echo.HTTPError
	if !errors.As(err, &he) {
		return err
	}
	if inner, ok := he.Internal.(*echo.HTTPError); ok && inner != nil {
		he = inner // echo's own handler does the same
	}
	if he.Code == http.StatusBadRequest && decodingError(he.Internal) {
		return &bodyError{he: he}
	}
	return FromHTTPError(he)
}

// decodingError reports whether err is one that envelope renders as a
// request decoding error of its own.
func decodingError(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	return err != nil && (errors.As(err, &se) || errors.As(err, &te) || errors.As(err, &mbe) || errors.Is(err, io.ErrUnexpectedEOF))
}

// bodyError is echo's error for a JSON body that did not decode. Its chain
// leads to the decoding error, which envelope.Write maps; its text is
// echo's, for logs.
type bodyError struct{ he *echo.HTTPError }

func (e *bodyError) Error() string { return e.he.Error() }
func (e *bodyError) Unwrap() error { return e.he.Internal }

// FromHTTPError maps an *echo.HTTPError to an [*envelope.APIError] with the
// built-in code of its status ([envelope.CodeForStatus]: 400
// invalid_request, 401 unauthorized, 404 not_found, 405
// method_not_allowed, 413 payload_too_large, 415 unsupported_media_type,
// 429 rate_limited, 503 service_unavailable, ...). Another 4xx or 5xx
// status keeps its number under invalid_request or internal; a status
// outside 400–599 becomes a 500.
//
// The public message is he.Message when it is a string a handler wrote
// for the client (echo.NewHTTPError(400, "key must be lowercase"), as
// echo's own error handler shows it); otherwise the code's default
// message. Not rendered: a Message that is an error or any other value, the
// status text, and a message echo made from its internal error (the
// "strconv.ParseInt: parsing ..." of a query parameter c.Bind could not
// parse), which could tell a client about the server's internals. he, with
// its Internal error, becomes the cause, for logs only. A nil he gives a
// 500.
func FromHTTPError(he *echo.HTTPError) *envelope.APIError {
	return fromHTTPError(he)
}

// fromHTTPError is FromHTTPError with, when fields are given, the field
// errors of the parameters a binder could not bind, and echo's message
// left out.
func fromHTTPError(he *echo.HTTPError, fields ...envelope.FieldError) *envelope.APIError {
	if he == nil {
		return envelope.Internal("")
	}
	if inner, ok := he.Internal.(*echo.HTTPError); ok && inner != nil {
		he = inner
	}
	status := he.Code
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	msg, _ := he.Message.(string)
	if msg == http.StatusText(he.Code) || (he.Internal != nil && msg == he.Internal.Error()) || len(fields) > 0 {
		msg = ""
	}
	e := envelope.New(envelope.CodeForStatus(status), msg).WithStatus(status).WithCause(he)
	if len(fields) > 0 {
		e = e.WithFields(fields...)
	}
	return e
}
