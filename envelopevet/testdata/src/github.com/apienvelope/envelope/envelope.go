// Package envelope is a stand-in for the real package in the analyzer's
// tests: it declares the names the checks match, with the v2 signatures,
// and nothing behind them.
package envelope

import (
	"net/http"
	"time"
)

// Code is a machine-readable error code.
type Code string

// The built-in codes.
const (
	CodeInvalidRequest       Code = "invalid_request"
	CodeValidation           Code = "validation_failed"
	CodeUnauthorized         Code = "unauthorized"
	CodePaymentRequired      Code = "payment_required"
	CodeForbidden            Code = "forbidden"
	CodeNotFound             Code = "not_found"
	CodeMethodNotAllowed     Code = "method_not_allowed"
	CodeNotAcceptable        Code = "not_acceptable"
	CodeConflict             Code = "conflict"
	CodeGone                 Code = "gone"
	CodePreconditionFailed   Code = "precondition_failed"
	CodePayloadTooLarge      Code = "payload_too_large"
	CodeUnsupportedMediaType Code = "unsupported_media_type"
	CodeUnprocessable        Code = "unprocessable_entity"
	CodeRateLimited          Code = "rate_limited"
	CodeCanceled             Code = "canceled"
	CodeInternal             Code = "internal"
	CodeNotImplemented       Code = "not_implemented"
	CodeBadGateway           Code = "bad_gateway"
	CodeUnavailable          Code = "service_unavailable"
	CodeTimeout              Code = "timeout"
)

// APIError is an immutable error response.
type APIError struct {
	code    Code
	message string
	cause   error
}

// FieldError is one field's problem.
type FieldError struct {
	Field, Code, Message string
	Args                 []any
	Attrs                map[string]string
}

// Bucket is one rate-limit bucket.
type Bucket struct{}

// New returns an error with code and message.
func New(code Code, message string) *APIError { return &APIError{code: code, message: message} }

// Wrap returns an error with code and message caused by cause.
func Wrap(cause error, code Code, message string) *APIError {
	return &APIError{code: code, message: message, cause: cause}
}

// CodeOf returns err's code.
func CodeOf(err error) Code { return "" }

func (e *APIError) Error() string   { return string(e.code) + ": " + e.message }
func (e *APIError) Unwrap() error   { return e.cause }
func (e *APIError) Code() Code      { return e.code }
func (e *APIError) Status() int     { return 500 }
func (e *APIError) Message() string { return e.message }

func (e *APIError) WithMessage(message string) *APIError           { return e }
func (e *APIError) WithStatus(status int) *APIError                { return e }
func (e *APIError) WithCause(cause error) *APIError                { return e }
func (e *APIError) WithDetails(details any) *APIError              { return e }
func (e *APIError) WithField(field, message string) *APIError      { return e }
func (e *APIError) WithFields(fields ...FieldError) *APIError      { return e }
func (e *APIError) WithHeader(key, value string) *APIError         { return e }
func (e *APIError) WithExtension(name string, value any) *APIError { return e }
func (e *APIError) WithArgs(args ...any) *APIError                 { return e }
func (e *APIError) WithRateLimit(buckets ...Bucket) *APIError      { return e }
func (e *APIError) WithRetryAfter(d time.Duration) *APIError       { return e }

// Within is not a With* method of the kind the checks look for: it does not
// return an *APIError.
func (e *APIError) Within(d time.Duration) bool { return false }

// CodeInfo declares a code.
type CodeInfo struct {
	Code                 Code
	Status               int
	Message, Description string
	Attrs                map[string]string
}

// Codes is a table of codes.
type Codes struct{}

// NewCodes builds a table of codes.
func NewCodes(domain ...CodeInfo) (*Codes, error) { return &Codes{}, nil }

// Writer renders errors.
type Writer struct{}

// Write renders err.
func (*Writer) Write(w http.ResponseWriter, r *http.Request, err error) {}

// Write renders err with the request's writer.
func Write(w http.ResponseWriter, r *http.Request, err error) {}

// HandlerFunc is a handler that returns an error.
type HandlerFunc func(http.ResponseWriter, *http.Request) error

// ServeHTTP calls f and writes its error.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f(w, r); err != nil {
		Write(w, r, err)
	}
}

// The constructors, one per built-in code.
func InvalidRequest(message string) *APIError       { return New(CodeInvalidRequest, message) }
func Validation(message string) *APIError           { return New(CodeValidation, message) }
func Unauthorized(message string) *APIError         { return New(CodeUnauthorized, message) }
func PaymentRequired(message string) *APIError      { return New(CodePaymentRequired, message) }
func Forbidden(message string) *APIError            { return New(CodeForbidden, message) }
func NotFound(message string) *APIError             { return New(CodeNotFound, message) }
func NotAcceptable(message string) *APIError        { return New(CodeNotAcceptable, message) }
func Conflict(message string) *APIError             { return New(CodeConflict, message) }
func Gone(message string) *APIError                 { return New(CodeGone, message) }
func PreconditionFailed(message string) *APIError   { return New(CodePreconditionFailed, message) }
func PayloadTooLarge(message string) *APIError      { return New(CodePayloadTooLarge, message) }
func UnsupportedMediaType(message string) *APIError { return New(CodeUnsupportedMediaType, message) }
func Unprocessable(message string) *APIError        { return New(CodeUnprocessable, message) }
func RateLimited(message string) *APIError          { return New(CodeRateLimited, message) }
func Canceled(message string) *APIError             { return New(CodeCanceled, message) }
func Internal(message string) *APIError             { return New(CodeInternal, message) }
func NotImplemented(message string) *APIError       { return New(CodeNotImplemented, message) }
func BadGateway(message string) *APIError           { return New(CodeBadGateway, message) }
func Unavailable(message string) *APIError          { return New(CodeUnavailable, message) }
func Timeout(message string) *APIError              { return New(CodeTimeout, message) }

// MethodNotAllowed returns a 405 error listing the allowed methods.
func MethodNotAllowed(message string, allowed ...string) *APIError {
	return New(CodeMethodNotAllowed, message)
}
