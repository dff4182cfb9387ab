package envelope

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// APIError is an error with everything an HTTP API needs to answer a client:
// a stable [Code], a status, a public message, and optional details, field
// errors, request ID, response headers and extension members. It may wrap an
// internal cause, which serves [errors.Is], [errors.As], [APIError.Unwrap]
// and logs, and never reaches the wire in any format.
//
// An APIError is immutable: every With method returns a modified copy and
// leaves the receiver untouched, so a package-level sentinel such as
// [ErrNotFound] can be shared by concurrent requests. The zero value and the
// nil pointer are usable: both render as a 500 internal error. Accessors
// work on a nil receiver.
type APIError struct {
	code       Code
	status     int
	message    string
	details    any
	fields     []FieldError
	requestID  string
	header     []headerField
	extensions []Extension
	cause      error
	limits     *rateLimitState // see ratelimit_headers.go
	args       []any           // for a catalog message; see WithArgs
}

// FieldError is one problem with one field of the request.
type FieldError struct {
	// Field is the path of the field as the client sent it, dotted with
	// indexes in brackets: "email", "user.email", "items[2].sku".
	Field string `json:"field"`
	// Code is an optional machine code for this problem, such as
	// "required" or "email".
	Code string `json:"code,omitempty"`
	// Message is the public, human-readable problem: "must be a valid
	// email address".
	Message string `json:"message"`
	// Args are the arguments of the catalog message that a [Localizer]
	// picks by Code when Message is empty, such as the 3 of "must be at
	// least 3 characters long". They are data, never format strings, and
	// are not rendered themselves.
	Args []any `json:"-"`
}

// Extension is a member that an error adds at the top level of its body, such
// as "liveVersion" on a 409. An extension never overrides a member of the
// format itself: one with such a name is left out of the body.
type Extension struct {
	Name  string
	Value any
}

type headerField struct {
	key, value string
}

// New returns an error with the given code and public message. The status is
// the code's ([StatusFor]); an empty message means the code's default. A
// code that is neither built in nor registered renders as status 500; give it
// a status with [APIError.WithStatus] or register it with [Register].
func New(code Code, message string) *APIError {
	return &APIError{code: code, status: StatusFor(code), message: message}
}

// Newf is like [New] with a message formatted by [fmt.Sprintf]. Arguments
// are formatted once, here; they are never re-interpreted as a format later.
func Newf(code Code, format string, args ...any) *APIError {
	return New(code, fmt.Sprintf(format, args...))
}

// Wrap returns an error with the given code and public message that wraps
// cause. The cause is for [errors.Is], [errors.As] and logs only; the client
// sees code and message, never the cause's text.
func Wrap(cause error, code Code, message string) *APIError {
	e := New(code, message)
	e.cause = cause
	return e
}

// Wrapf is like [Wrap] with a message formatted by [fmt.Sprintf].
func Wrapf(cause error, code Code, format string, args ...any) *APIError {
	return Wrap(cause, code, fmt.Sprintf(format, args...))
}

// Error returns "code: message", followed by ": " and the cause's text when
// there is a cause. It is meant for logs and programmers; [Write] never puts
// it on the wire.
func (e *APIError) Error() string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	b.WriteString(string(e.Code()))
	b.WriteString(": ")
	b.WriteString(e.Message())
	if e.cause != nil {
		b.WriteString(": ")
		b.WriteString(safeErrorText(e.cause, maxLoggedBytes))
	}
	return b.String()
}

// Unwrap returns the internal cause, or nil.
func (e *APIError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.cause
}

// Is reports whether target is an [*APIError] with the same code, so that
// errors.Is(err, envelope.ErrNotFound) matches any not_found error. Like the
// standard library's custom Is methods it compares shallowly: it does not
// look at target's cause.
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	return ok && e != nil && t != nil && t.code == e.code
}

// Code returns the error's code; [CodeInternal] for a nil or zero error.
func (e *APIError) Code() Code {
	if e == nil || e.code == "" {
		return CodeInternal
	}
	return e.code
}

// Status returns the HTTP status the error renders with: its own when it is
// a 4xx or 5xx status, 500 otherwise (including for a nil error).
func (e *APIError) Status() int {
	if e == nil || !isErrorStatus(e.status) {
		return http.StatusInternalServerError
	}
	return e.status
}

// Message returns the public message: the one given when the error was built,
// or else the code's default message.
func (e *APIError) Message() string {
	if e != nil && e.message != "" {
		return e.message
	}
	return defaultMessage(e.Code(), e.Status())
}

// Details returns the structured details, or nil.
func (e *APIError) Details() any {
	if e == nil {
		return nil
	}
	return e.details
}

// Fields returns a copy of the field errors, in the order they were added.
func (e *APIError) Fields() []FieldError {
	if e == nil || len(e.fields) == 0 {
		return nil
	}
	return append([]FieldError(nil), e.fields...)
}

// RequestID returns the request ID the error was given with
// [APIError.WithRequestID] or decoded with; [Write] uses the request's own ID
// (see [RequestIDFrom]) in preference.
func (e *APIError) RequestID() string {
	if e == nil {
		return ""
	}
	return e.requestID
}

// Header returns a fresh copy of the response headers the error adds.
func (e *APIError) Header() http.Header {
	h := make(http.Header)
	if e == nil {
		return h
	}
	for _, f := range e.header {
		h[f.key] = append(h[f.key], f.value)
	}
	return h
}

// Extensions returns a copy of the extension members, in the order added.
func (e *APIError) Extensions() []Extension {
	if e == nil || len(e.extensions) == 0 {
		return nil
	}
	return append([]Extension(nil), e.extensions...)
}

// clone returns a shallow copy. Slices are shared but never appended to in
// place: every With method appends to a full-capacity slice, which forces a
// fresh array.
func (e *APIError) clone() *APIError {
	if e == nil {
		return &APIError{code: CodeInternal, status: http.StatusInternalServerError}
	}
	c := *e
	return &c
}

// WithMessage returns a copy with the given public message.
func (e *APIError) WithMessage(message string) *APIError {
	c := e.clone()
	c.message = message
	return c
}

// WithMessagef returns a copy with a public message formatted by
// [fmt.Sprintf].
func (e *APIError) WithMessagef(format string, args ...any) *APIError {
	return e.WithMessage(fmt.Sprintf(format, args...))
}

// WithStatus returns a copy with the given status. A status outside 400–599
// is kept but renders as 500 (see [APIError.Status]).
func (e *APIError) WithStatus(status int) *APIError {
	c := e.clone()
	c.status = status
	return c
}

// WithCause returns a copy that wraps cause. The cause is never rendered.
func (e *APIError) WithCause(cause error) *APIError {
	c := e.clone()
	c.cause = cause
	return c
}

// WithDetails returns a copy with structured details. Details are rendered
// with encoding/json, so they must marshal: details that do not still
// produce a valid body, without them, and a log line.
func (e *APIError) WithDetails(details any) *APIError {
	c := e.clone()
	c.details = details
	return c
}

// WithField returns a copy with one more field error. A field may carry
// several messages: call WithField once per message.
func (e *APIError) WithField(field, message string) *APIError {
	return e.WithFields(FieldError{Field: field, Message: message})
}

// WithFieldCode returns a copy with one more field error that carries its
// own machine code, such as "required".
func (e *APIError) WithFieldCode(field, code, message string) *APIError {
	return e.WithFields(FieldError{Field: field, Code: code, Message: message})
}

// WithFields returns a copy with the given field errors appended.
func (e *APIError) WithFields(fields ...FieldError) *APIError {
	c := e.clone()
	c.fields = append(c.fields[:len(c.fields):len(c.fields)], fields...)
	return c
}

// WithRequestID returns a copy that carries a request ID. When the request
// has an ID of its own (see [RequestIDFrom]), [Write] renders that one.
func (e *APIError) WithRequestID(id string) *APIError {
	c := e.clone()
	c.requestID = id
	return c
}

// WithHeader returns a copy that sets a response header when rendered, such
// as Retry-After, Allow, WWW-Authenticate or Location. It replaces an earlier
// value for the same key. [Write] leaves out a header whose name is not a
// valid token or whose value holds control characters, and logs it.
func (e *APIError) WithHeader(key, value string) *APIError {
	key = http.CanonicalHeaderKey(key)
	c := e.clone()
	hs := make([]headerField, 0, len(c.header)+1)
	for _, f := range c.header {
		if f.key != key {
			hs = append(hs, f)
		}
	}
	c.header = append(hs, headerField{key, value})
	return c
}

// WithExtension returns a copy with a top-level extension member, such as
// "liveVersion" on a 409. It replaces an earlier extension of the same name.
// Values are rendered with encoding/json.
func (e *APIError) WithExtension(name string, value any) *APIError {
	c := e.clone()
	xs := make([]Extension, 0, len(c.extensions)+1)
	for _, x := range c.extensions {
		if x.Name != name {
			xs = append(xs, x)
		}
	}
	c.extensions = append(xs, Extension{Name: name, Value: value})
	return c
}

// LogValue implements [slog.LogValuer]: code, status, message, request ID,
// the number of field errors and the cause's text. The cause appears here,
// in logs, and nowhere on the wire.
func (e *APIError) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 6)
	attrs = append(attrs,
		slog.String("code", string(e.Code())),
		slog.Int("status", e.Status()),
		slog.String("message", e.Message()),
	)
	if id := e.RequestID(); id != "" {
		attrs = append(attrs, slog.String("requestId", id))
	}
	if e != nil && len(e.fields) > 0 {
		attrs = append(attrs, slog.Int("fields", len(e.fields)))
	}
	if c := e.Unwrap(); c != nil {
		attrs = append(attrs, slog.String("cause", safeErrorText(c, maxLoggedBytes)))
	}
	return slog.GroupValue(attrs...)
}

// defaultMessage returns the default public message of a code, falling back
// to the default of the code that stands for the status.
func defaultMessage(code Code, status int) string {
	if m := builtinMessage(code); m != "" {
		return m
	}
	if m := domain.Load(); m != nil {
		if info, ok := (*m)[code]; ok {
			return info.Message
		}
	}
	return builtinMessage(codeForStatus(status))
}

// maxLoggedBytes caps any text this package logs that comes from outside it
// (a cause's Error, a panic value).
const maxLoggedBytes = 8 << 10

// safeErrorText returns err.Error(), capped at max bytes, or a placeholder
// when Error itself panics.
func safeErrorText(err error, max int) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("<%T: Error method panicked>", err)
		}
	}()
	s = err.Error()
	if len(s) > max {
		s = truncateUTF8(s, max) + "…"
	}
	return s
}

// truncateUTF8 cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// CodeOf returns the code [Write] would render for err: the code of the
// [*APIError] in err's chain, the mapped code of a known standard error,
// or [CodeInternal] for any other error, a typed-nil [*APIError] included.
// It returns "" for a nil error.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	e, _ := resolve(err)
	return e.Code()
}

// StatusOf returns the status [Write] would render for err with the default
// format (a [Format] may change the status of validation errors), or 200
// for a nil error.
func StatusOf(err error) int {
	if err == nil {
		return http.StatusOK
	}
	e, _ := resolve(err)
	return e.Status()
}

// From returns the [*APIError] that [Write] would render for err: the one in
// err's chain, the mapping of a known standard error, or a 500 internal error
// (with the generic message) for anything else. It returns nil for a nil
// error. The result must not be mutated; it is an ordinary immutable
// *APIError.
func From(err error) *APIError {
	if err == nil {
		return nil
	}
	e, _ := resolve(err)
	return e
}
