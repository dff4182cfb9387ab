package envelopeecho

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/apienvelope/envelope"
	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
)

// FromError returns the error to render for err, an error that an echo
// handler, a middleware or echo itself returned. It is what the error
// handlers of this package render; call it from an error handler of your
// own. It returns:
//
//   - err unchanged when it holds an [*envelope.APIError] anywhere in its
//     chain, or an [*http.MaxBytesError] (the Writer renders it as 413
//     payload_too_large, also when echo's binder wrapped it in a 400);
//   - for a panic recovered by echo's Recover middleware (a
//     middleware.PanicStackError), a 500 internal error with the generic
//     message whose cause is an [*envelope.PanicError] holding the panic's
//     error and stack, for WriterOptions.OnError hooks. With Recover's
//     DisablePrintStack the panic is an ordinary error (a generic 500);
//   - for echo's bind errors, an invalid_request (400) error that reads
//     like [envelope.DecodeRequest]'s: a JSON body of the wrong shape,
//     truncated or malformed comes out exactly as DecodeRequest's error
//     would ("fields":{"items":"must be an array"}); a path, query, form or
//     header value that does not parse (an echo.BindingError, or a value
//     DefaultBinder.Bind could not convert) becomes a field error named as
//     the client sent it, by its param, query, form or header tag, with no
//     message, so that the Writer's Localizer words it. A value of the
//     wrong type (?limit=abc into an int, ?ids=a into a []int) is
//     [envelope.WrongType]'s field error, the one [envelope.DecodeRequest]
//     gives a JSON member of the wrong type: code "type" and the catalog's
//     message for the type ("must be an integer", "must be a non-negative
//     integer", "must be a number", "must be a boolean"). A number out of
//     its field's range is "invalid", a time that does not match its
//     format "pattern", anything else "invalid". Several BindingErrors
//     joined with [errors.Join] give one field error each. Neither Go type
//     names nor strconv or decoder text reach the client;
//   - for any other error with an HTTP status (an *echo.HTTPError, echo's
//     predefined errors such as echo.ErrNotFound, an *echo.ProblemError, or
//     any echo.HTTPStatusCoder), an error with the built-in code of its
//     status ([envelope.CodeForStatus]: 404 not_found, 405
//     method_not_allowed, 413 payload_too_large, 415
//     unsupported_media_type, 429 rate_limited, ...), keeping a 4xx or 5xx
//     status the code does not have (408 stays 408, under invalid_request);
//     a status outside 400–599 becomes a 500. The public message is an
//     HTTPError's Message, or a ProblemError's Detail, when it was written
//     for the client (anything but empty or the status text); otherwise the
//     code's default message. err is the cause, for logs only;
//   - err unchanged otherwise, for the Writer to map: context errors to
//     timeout or canceled, anything unknown to a 500 with the generic
//     message, its text logged and never sent.
//
// A nil err gives nil. FromError does not add the Allow header of a 405
// (the router's list is in the echo.Context, which the error handlers
// read). It is safe for concurrent use.
func FromError(err error) error {
	if err == nil {
		return nil
	}
	var ae *envelope.APIError
	var mbe *http.MaxBytesError
	if errors.As(err, &ae) || errors.As(err, &mbe) {
		return err
	}
	var pse *middleware.PanicStackError
	if errors.As(err, &pse) {
		return envelope.Wrap(&envelope.PanicError{Value: pse.Err, Stack: pse.Stack}, envelope.CodeInternal, "")
	}
	if fields := bindFields(err); len(fields) > 0 {
		return envelope.InvalidRequest("").WithFields(fields...).WithCause(err)
	}
	status := echo.StatusCode(err)
	if status == 0 {
		return err
	}
	msg := publicMessage(err)
	if status == http.StatusBadRequest && msg == "" {
		if jerr := jsonBodyError(err); jerr != nil {
			return jerr
		}
	}
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	return envelope.New(envelope.CodeForStatus(status), msg).WithStatus(status).WithCause(err)
}

// publicMessage returns the message err's echo error carries for the
// client, or "".
func publicMessage(err error) string {
	var msg string
	var he *echo.HTTPError
	var pe *echo.ProblemError
	switch {
	case errors.As(err, &he):
		if msg = he.Message; msg == http.StatusText(he.Code) {
			msg = ""
		}
	case errors.As(err, &pe):
		msg = pe.Detail
	}
	return msg
}

// jsonBodyError returns, when err is echo's 400 around an encoding/json
// error, the error for the Writer to render as DecodeRequest renders it;
// otherwise nil.
func jsonBodyError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// echo decodes with json.Unmarshal, which reports a body that
		// ends early as a syntax error; DecodeRequest reads a stream and
		// calls it truncated.
		if se.Error() == "unexpected end of JSON input" {
			return truncatedBody{err}
		}
		return err
	case errors.As(err, &te), errors.Is(err, io.ErrUnexpectedEOF):
		return err
	}
	if inner := errors.Unwrap(err); inner != nil && strings.HasPrefix(inner.Error(), "json: unknown field ") {
		return err // a JSONSerializer that disallows unknown fields
	}
	return nil
}

// truncatedBody is a JSON body that ends early: it renders as
// [envelope.DecodeRequest]'s error for a truncated body, keeping echo's
// error text for logs.
type truncatedBody struct{ err error }

func (t truncatedBody) Error() string { return t.err.Error() }
func (t truncatedBody) Unwrap() error { return io.ErrUnexpectedEOF }

// bindFields returns a field error for each value echo could not bind in
// err: every *echo.BindingError in err's tree, or the one value a
// DefaultBinder's path, query, form or header binding reports.
func bindFields(err error) []envelope.FieldError {
	var fields []envelope.FieldError
	collectBindingErrors(err, &fields, 0)
	if len(fields) > 0 {
		return fields
	}
	// DefaultBinder reports a value it cannot convert as echo's 400
	// wrapping fmt.Errorf("%s: %w", name, err), name being the tag.
	var he *echo.HTTPError
	if !errors.As(err, &he) || he.Code != http.StatusBadRequest || he.Message != http.StatusText(he.Code) {
		return nil
	}
	wrapped := he.Unwrap()
	if wrapped == nil {
		return nil
	}
	inner := errors.Unwrap(wrapped)
	if inner == nil {
		return nil
	}
	name, ok := strings.CutSuffix(wrapped.Error(), ": "+inner.Error())
	if !ok || !plausibleName(name) {
		return nil
	}
	return []envelope.FieldError{envelope.ValueError(name, inner)}
}

func collectBindingErrors(err error, fields *[]envelope.FieldError, depth int) {
	if err == nil || depth > 32 {
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, sub := range j.Unwrap() {
			collectBindingErrors(sub, fields, depth+1)
		}
		return
	}
	var be *echo.BindingError
	if errors.As(err, &be) && be != nil {
		var cause error
		if be.HTTPError != nil {
			cause = be.HTTPError.Unwrap()
		}
		*fields = append(*fields, envelope.ValueError(be.Field, cause))
	}
}

// plausibleName reports whether s can be the tag name a binder wrapped its
// error with, rather than the prefix of another error's text
// ("multipart: NextPart").
func plausibleName(s string) bool {
	return s != "" && len(s) <= 256 && !strings.ContainsAny(s, " \t\r\n:")
}
