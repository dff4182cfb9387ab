package envelope

import (
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// APIError is an error with everything an HTTP API needs to answer a client:
// a stable [Code], a status, a public message, and optional details, field
// errors, response headers, extension members and rate-limit state. It may
// wrap an internal cause, which serves [errors.Is], [errors.As],
// [APIError.Unwrap] and logs, and never reaches the wire in any format.
//
// An APIError is immutable: every With method returns a modified copy and
// leaves the receiver untouched, so a package-level error value can be
// shared by concurrent requests. The zero value and the nil pointer are
// usable: both render as a 500 internal error. Accessors work on a nil
// receiver.
//
// Build one with [New], [Wrap] or the constructor of a built-in code
// ([NotFound], [InvalidRequest], ...).
type APIError struct {
	code       Code
	status     int    // 0: the status of the code in the writer's Codes
	message    string // explicit public message; "" for the catalog's
	key        string // message key of a library-made error (messages.go)
	args       []any  // arguments of the catalog message
	details    any
	fields     []FieldError
	requestID  string // decoded from a response
	header     []headerField
	extensions []Extension
	cause      error
	limits     *rateLimitState
}

// FieldError is one problem with one field of the request.
type FieldError struct {
	// Field is the path of the field as the client sent it: names dotted,
	// array indexes and map keys in brackets: "email", "user.email",
	// "items[2].sku", "labels[a.b]". A name that holds '.', '[' or ']'
	// goes in brackets too. The empty path is the request body itself.
	Field string
	// Code is an optional machine code for this problem, such as
	// "required" or "email".
	Code string
	// Message is the public, human-readable problem: "must be a valid
	// email address". When empty, a [Localizer] picks the catalog message
	// for Code, formatted with Args.
	Message string
	// Args are the arguments of the catalog message, such as the 3 of
	// "must be at least 3 characters long". They are data, never format
	// strings, and are not rendered themselves.
	Args []any
	// Attrs are extra values for formats whose field objects carry more
	// than a path, a code and a message, such as {"resource": "Issue"};
	// a format renders them where its body says {{field.attr NAME}}.
	Attrs map[string]string

	key string // message key of a library-made field error; "" means Code
}

// Extension is a member that an error adds to its body, such as
// "liveVersion" on a 409. An extension never overrides a member of the
// format itself: one with such a name is left out of the body.
type Extension struct {
	Name  string
	Value any
}

type headerField struct {
	key, value string
}

// New returns an error with the given code and public message. An empty
// message means the code's default message. The status is the code's: a
// built-in code's from the table, a domain code's from the [Codes] of the
// [Writer] that renders it (a code that neither knows renders as 500);
// [APIError.WithStatus] overrides it.
func New(code Code, message string) *APIError {
	return &APIError{code: code, message: message}
}

// Wrap returns an error with the given code and public message that wraps
// cause. The cause is for [errors.Is], [errors.As] and logs only; the client
// sees code and message, never the cause's text.
func Wrap(cause error, code Code, message string) *APIError {
	return &APIError{code: code, message: message, cause: cause}
}

// Error returns "code: message", followed by ": " and the cause's text when
// there is a cause. It is meant for logs and programmers; no writer ever
// puts it on the wire.
func (e *APIError) Error() string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	b.WriteString(string(e.Code()))
	b.WriteString(": ")
	b.WriteString(e.Message())
	if c := e.Unwrap(); c != nil {
		b.WriteString(": ")
		b.WriteString(safeErrorText(c, maxLoggedBytes))
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
// errors.Is(err, ErrFlagMissing) holds for any error of ErrFlagMissing's
// code. Like the standard library's custom Is methods it compares
// shallowly: it does not look at target's cause.
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	return ok && e != nil && t != nil && t.Code() == e.Code()
}

// Code returns the error's code; [CodeInternal] for a nil or zero error.
func (e *APIError) Code() Code {
	if e == nil || e.code == "" {
		return CodeInternal
	}
	return e.code
}

// Status returns the status the error renders with, as far as the error
// itself can tell: the one set with [APIError.WithStatus] (500 when it is
// not a 4xx or 5xx status), else the status of a built-in code, else 500. A domain
// code's status is declared in the [Codes] of the writer, which renders
// with it; so does a [Format] that gives a code a status of its own.
func (e *APIError) Status() int {
	if e != nil && e.status != 0 {
		if isErrorStatus(e.status) {
			return e.status
		}
		return http.StatusInternalServerError
	}
	if info := builtin(e.Code()); info != nil {
		return info.Status
	}
	return http.StatusInternalServerError
}

// Message returns the public message as the error itself can tell: the one
// given when the error was built, or else the English default of the
// library message or of the code. A writer with a [Localizer] renders the
// catalog's message in the client's language instead, and a domain code's
// declared message.
func (e *APIError) Message() string {
	if e == nil {
		return defaultMessage(CodeInternal)
	}
	if e.message != "" {
		return e.message
	}
	if e.key != "" {
		if m, ok := englishMessage(e.key, e.args); ok {
			return m
		}
	}
	if info := builtin(e.Code()); info != nil {
		return info.Message
	}
	return defaultMessage(CodeForStatus(e.Status()))
}

// defaultMessage returns the default message of a built-in code.
func defaultMessage(c Code) string {
	if info := builtin(c); info != nil {
		return info.Message
	}
	return ""
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
	return slices.Clone(e.fields)
}

// RequestID returns the request ID of a decoded error: the one the
// response's body or header carried (see [Parser]). On the server the
// request ID comes from the request (see [RequestIDFrom]), not the error.
func (e *APIError) RequestID() string {
	if e == nil {
		return ""
	}
	return e.requestID
}

// Header returns a fresh copy of the response headers the error carries:
// those added with [APIError.WithHeader], or kept from a decoded response.
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
// For a decoded error they are the members the format does not define,
// with their values as [encoding/json.RawMessage].
func (e *APIError) Extensions() []Extension {
	if e == nil || len(e.extensions) == 0 {
		return nil
	}
	return slices.Clone(e.extensions)
}

// Args returns a copy of the arguments given with [APIError.WithArgs].
func (e *APIError) Args() []any {
	if e == nil || len(e.args) == 0 {
		return nil
	}
	return slices.Clone(e.args)
}

// Category returns the built-in code that e's code falls under: the code
// itself when it is built in, otherwise the built-in code for e's status
// ([CodeForStatus]), such as rate_limited for a token_rate_limit (429) or
// for an unknown code decoded from a 429 response. This is how a client
// handles codes it does not know: as the closest general category, keeping
// the specific code for logs and reports.
func (e *APIError) Category() Code {
	c := e.Code()
	if builtin(c) != nil {
		return c
	}
	return CodeForStatus(e.Status())
}

// RateLimit returns a copy of the bucket state given with
// [APIError.WithRateLimit], or nil.
func (e *APIError) RateLimit() []Bucket {
	if e == nil || e.limits == nil || len(e.limits.buckets) == 0 {
		return nil
	}
	return slices.Clone(e.limits.buckets)
}

// maxRetryAfter caps the delay RetryAfter reports, so that a hostile value
// cannot overflow a time.Duration.
const maxRetryAfter = 366 * 24 * time.Hour

// RetryAfter returns how long the client should wait before retrying: the
// wait given with [APIError.WithRetryAfter], or else the delay-seconds of
// the error's Retry-After header (RFC 9110 §10.2.3), as a decoded error
// carries it (a [Parser] turns an HTTP-date into seconds). ok is false when
// there is neither or the header does not hold delay-seconds. Delays are
// capped at 366 days.
func (e *APIError) RetryAfter() (d time.Duration, ok bool) {
	if e == nil {
		return 0, false
	}
	if e.limits != nil && e.limits.retry > 0 {
		return min(e.limits.retry, maxRetryAfter), true
	}
	for _, f := range e.header {
		if f.key != "Retry-After" {
			continue
		}
		v := strings.TrimSpace(f.value)
		if !isDigits(v) {
			return 0, false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(n) * time.Second, true
	}
	return 0, false
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

// clone returns a shallow copy. Slices are shared but never appended to in
// place: every With method appends to a full-capacity slice, which forces a
// fresh array.
func (e *APIError) clone() *APIError {
	if e == nil {
		return &APIError{code: CodeInternal}
	}
	c := *e
	return &c
}

// WithMessage returns a copy with the given public message; "" restores
// the code's default message.
func (e *APIError) WithMessage(message string) *APIError {
	c := e.clone()
	c.message = message
	c.key = ""
	return c
}

// WithStatus returns a copy with the given status, which wins over the
// code's. A status outside 400–599, 0 included, is kept but renders as 500
// (see [APIError.Status]).
func (e *APIError) WithStatus(status int) *APIError {
	c := e.clone()
	c.status = status
	if status == 0 {
		c.status = -1 // 0 is the field's "the code's status"; this is an impossible one
	}
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

// WithField returns a copy with one more field error, of the given field
// path and public message. A field may carry several messages: call
// WithField once per message. For a field error with a machine code,
// catalog arguments or attributes, use [APIError.WithFields].
func (e *APIError) WithField(field, message string) *APIError {
	return e.WithFields(FieldError{Field: field, Message: message})
}

// WithFields returns a copy with the given field errors appended.
func (e *APIError) WithFields(fields ...FieldError) *APIError {
	c := e.clone()
	c.fields = append(c.fields[:len(c.fields):len(c.fields)], fields...)
	return c
}

// WithHeader returns a copy that sets a response header when rendered, such
// as Retry-After, Allow, WWW-Authenticate or Location. It replaces an
// earlier value for the same key. A writer leaves out, and logs, a header
// whose name is not a valid token or whose value holds control characters,
// and the headers that are not an error's to set: those that frame the body
// or the connection (Content-Length, Transfer-Encoding, Connection and the
// other hop-by-hop fields of RFC 9110 §7.6.1, Trailer, and every Proxy-*
// field, which only a proxy sends: RFC 9110 §11.7), and those the writer
// sets itself (Content-Type, Content-Encoding, X-Content-Type-Options, the
// request ID header). So the body is always the envelope, framed as
// net/http frames it.
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

// WithExtension returns a copy with an extension member, such as
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

// WithArgs returns a copy whose catalog message, when a [Localizer] picks
// one, is formatted with args: the catalog message "Your plan allows {0}
// projects." with WithArgs(3) renders "Your plan allows 3 projects." in
// English. Arguments are data, never format strings. They do not affect an
// explicit message.
func (e *APIError) WithArgs(args ...any) *APIError {
	c := e.clone()
	c.args = slices.Clip(slices.Clone(args))
	return c
}

// WithRateLimit returns a copy carrying the state of the buckets that gated
// the request, replacing earlier bucket state. When the error is written,
// the writer sets the rate-limit headers from it on any status (see
// [RateLimitOptions]), and Retry-After on a 429 or on a 503 with a Denied
// bucket. Mark the bucket that refused with Denied; on a 429 with none
// marked, the most restrictive one is taken to have refused. The buckets
// are copied; with none, the error carries no bucket state.
func (e *APIError) WithRateLimit(buckets ...Bucket) *APIError {
	c := e.clone()
	st := rateLimitState{buckets: slices.Clone(buckets)}
	if c.limits != nil {
		st.retry = c.limits.retry
	}
	c.limits = &st
	return c
}

// WithRetryAfter returns a copy that announces a wait of d in Retry-After
// when written as a 429, a 503 (RFC 9110 §10.2.3), such as a 503 during
// maintenance, or a 413 whose condition is temporary (§15.5.14); on any
// other status it sends nothing. With denying buckets, Retry-After is the longer of d and
// their waits. The value is rounded up to whole seconds, at least 1 and at
// most the configured cap; d <= 0 removes an earlier explicit wait.
func (e *APIError) WithRetryAfter(d time.Duration) *APIError {
	c := e.clone()
	var st rateLimitState
	if c.limits != nil {
		st = *c.limits
	}
	st.retry = max(d, 0)
	c.limits = &st
	return c
}

// rateLimitState is what an [*APIError] carries about the limiter. It is
// never modified after it is built.
type rateLimitState struct {
	buckets []Bucket
	retry   time.Duration
}

// PanicError is the cause of the 500 a recovered panic renders as: the
// middleware's panic recovery (see [Middleware]) wraps it in the internal
// error it writes, so that a [WriterOptions.OnError] hook can report the
// panic (errors.As(e, &pe)). Value is the value given to panic and Stack
// the panicking goroutine's stack, capped at 16 KiB. Neither ever reaches
// the client. The middleware logs the panic itself, so a writer does not
// log an error with this cause again.
type PanicError struct {
	Value any
	Stack []byte
}

// Error returns "panic: " and the value's text, capped; formatting a value
// whose String or Error method panics yields a placeholder, not a crash.
func (p *PanicError) Error() string {
	if p == nil {
		return "panic: <nil>"
	}
	return "panic: " + safePanicText(p.Value)
}

// Unwrap returns the panic value when it is an error, so that errors.As
// finds its type.
func (p *PanicError) Unwrap() error {
	if p == nil {
		return nil
	}
	err, _ := p.Value.(error)
	return err
}

// The constructors, one per built-in code. Each returns a new error of its
// code with the given public message; an empty message means the code's
// default message (translated by a [Localizer]). They are shorthands for
// [New] with the code.

// InvalidRequest returns a 400 invalid_request error: the request is
// malformed.
func InvalidRequest(message string) *APIError { return New(CodeInvalidRequest, message) }

// Validation returns a 400 validation_failed error; add field errors with
// [APIError.WithField] or [APIError.WithFields].
func Validation(message string) *APIError { return New(CodeValidation, message) }

// Unauthorized returns a 401 unauthorized error. [Writer.Write] adds a
// WWW-Authenticate challenge (RFC 9110 §15.5.2) when the error has none; set
// a specific one with WithHeader("WWW-Authenticate", ...).
func Unauthorized(message string) *APIError { return New(CodeUnauthorized, message) }

// PaymentRequired returns a 402 payment_required error.
func PaymentRequired(message string) *APIError { return New(CodePaymentRequired, message) }

// Forbidden returns a 403 forbidden error.
func Forbidden(message string) *APIError { return New(CodeForbidden, message) }

// NotFound returns a 404 not_found error.
func NotFound(message string) *APIError { return New(CodeNotFound, message) }

// MethodNotAllowed returns a 405 method_not_allowed error whose Allow header
// lists the allowed methods, as RFC 9110 §15.5.6 requires.
func MethodNotAllowed(message string, allowed ...string) *APIError {
	return New(CodeMethodNotAllowed, message).WithHeader("Allow", strings.Join(allowed, ", "))
}

// NotAcceptable returns a 406 not_acceptable error.
func NotAcceptable(message string) *APIError { return New(CodeNotAcceptable, message) }

// Conflict returns a 409 conflict error.
func Conflict(message string) *APIError { return New(CodeConflict, message) }

// Gone returns a 410 gone error.
func Gone(message string) *APIError { return New(CodeGone, message) }

// PreconditionFailed returns a 412 precondition_failed error.
func PreconditionFailed(message string) *APIError { return New(CodePreconditionFailed, message) }

// PayloadTooLarge returns a 413 payload_too_large error. When the condition
// is temporary, RFC 9110 §15.5.14 asks for a Retry-After header.
func PayloadTooLarge(message string) *APIError { return New(CodePayloadTooLarge, message) }

// UnsupportedMediaType returns a 415 unsupported_media_type error.
func UnsupportedMediaType(message string) *APIError { return New(CodeUnsupportedMediaType, message) }

// Unprocessable returns a 422 unprocessable_entity error.
func Unprocessable(message string) *APIError { return New(CodeUnprocessable, message) }

// RateLimited returns a 429 rate_limited error. Say when to retry with
// [APIError.WithRateLimit] or [APIError.WithRetryAfter] (RFC 6585 §4).
func RateLimited(message string) *APIError { return New(CodeRateLimited, message) }

// Canceled returns a 499 canceled error.
func Canceled(message string) *APIError { return New(CodeCanceled, message) }

// Internal returns a 500 internal error with an explicit public message,
// such as "billing provider returned an unexpected error". Use [Wrap] to
// attach the cause.
func Internal(message string) *APIError { return New(CodeInternal, message) }

// NotImplemented returns a 501 not_implemented error.
func NotImplemented(message string) *APIError { return New(CodeNotImplemented, message) }

// BadGateway returns a 502 bad_gateway error.
func BadGateway(message string) *APIError { return New(CodeBadGateway, message) }

// Unavailable returns a 503 service_unavailable error. Retry-After may say
// when to retry (RFC 9110 §15.6.4); see [APIError.WithRetryAfter].
func Unavailable(message string) *APIError { return New(CodeUnavailable, message) }

// Timeout returns a 504 timeout error.
func Timeout(message string) *APIError { return New(CodeTimeout, message) }
