package envelope

import "strings"

// Sentinels, one per built-in code, for errors.Is matching and as bases for
// With methods: errors.Is(err, envelope.ErrNotFound) holds for any not_found
// error. They are immutable, like every [*APIError].
var (
	// ErrInvalidRequest matches any InvalidRequest error; see [CodeInvalidRequest].
	ErrInvalidRequest = &APIError{code: CodeInvalidRequest, status: builtinStatus(CodeInvalidRequest)}
	// ErrValidation matches any Validation error; see [CodeValidation].
	ErrValidation = &APIError{code: CodeValidation, status: builtinStatus(CodeValidation)}
	// ErrUnauthorized matches any Unauthorized error; see [CodeUnauthorized].
	ErrUnauthorized = &APIError{code: CodeUnauthorized, status: builtinStatus(CodeUnauthorized)}
	// ErrPaymentRequired matches any PaymentRequired error; see [CodePaymentRequired].
	ErrPaymentRequired = &APIError{code: CodePaymentRequired, status: builtinStatus(CodePaymentRequired)}
	// ErrForbidden matches any Forbidden error; see [CodeForbidden].
	ErrForbidden = &APIError{code: CodeForbidden, status: builtinStatus(CodeForbidden)}
	// ErrNotFound matches any NotFound error; see [CodeNotFound].
	ErrNotFound = &APIError{code: CodeNotFound, status: builtinStatus(CodeNotFound)}
	// ErrNotAcceptable matches any NotAcceptable error; see [CodeNotAcceptable].
	ErrNotAcceptable = &APIError{code: CodeNotAcceptable, status: builtinStatus(CodeNotAcceptable)}
	// ErrConflict matches any Conflict error; see [CodeConflict].
	ErrConflict = &APIError{code: CodeConflict, status: builtinStatus(CodeConflict)}
	// ErrGone matches any Gone error; see [CodeGone].
	ErrGone = &APIError{code: CodeGone, status: builtinStatus(CodeGone)}
	// ErrPreconditionFailed matches any PreconditionFailed error; see [CodePreconditionFailed].
	ErrPreconditionFailed = &APIError{code: CodePreconditionFailed, status: builtinStatus(CodePreconditionFailed)}
	// ErrPayloadTooLarge matches any PayloadTooLarge error; see [CodePayloadTooLarge].
	ErrPayloadTooLarge = &APIError{code: CodePayloadTooLarge, status: builtinStatus(CodePayloadTooLarge)}
	// ErrUnsupportedMediaType matches any UnsupportedMediaType error; see [CodeUnsupportedMediaType].
	ErrUnsupportedMediaType = &APIError{code: CodeUnsupportedMediaType, status: builtinStatus(CodeUnsupportedMediaType)}
	// ErrUnprocessable matches any Unprocessable error; see [CodeUnprocessable].
	ErrUnprocessable = &APIError{code: CodeUnprocessable, status: builtinStatus(CodeUnprocessable)}
	// ErrRateLimited matches any RateLimited error; see [CodeRateLimited].
	ErrRateLimited = &APIError{code: CodeRateLimited, status: builtinStatus(CodeRateLimited)}
	// ErrCanceled matches any Canceled error; see [CodeCanceled].
	ErrCanceled = &APIError{code: CodeCanceled, status: builtinStatus(CodeCanceled)}
	// ErrInternal matches any Internal error; see [CodeInternal].
	ErrInternal = &APIError{code: CodeInternal, status: builtinStatus(CodeInternal)}
	// ErrNotImplemented matches any NotImplemented error; see [CodeNotImplemented].
	ErrNotImplemented = &APIError{code: CodeNotImplemented, status: builtinStatus(CodeNotImplemented)}
	// ErrBadGateway matches any BadGateway error; see [CodeBadGateway].
	ErrBadGateway = &APIError{code: CodeBadGateway, status: builtinStatus(CodeBadGateway)}
	// ErrUnavailable matches any Unavailable error; see [CodeUnavailable].
	ErrUnavailable = &APIError{code: CodeUnavailable, status: builtinStatus(CodeUnavailable)}
	// ErrTimeout matches any Timeout error; see [CodeTimeout].
	ErrTimeout = &APIError{code: CodeTimeout, status: builtinStatus(CodeTimeout)}
	// ErrMethodNotAllowed matches any method_not_allowed error; see [CodeMethodNotAllowed].
	ErrMethodNotAllowed = &APIError{code: CodeMethodNotAllowed, status: builtinStatus(CodeMethodNotAllowed)}
)

// InvalidRequest returns a 400 invalid_request error: the request is malformed.
// An empty message means the code's default message.
func InvalidRequest(message string) *APIError { return New(CodeInvalidRequest, message) }

// Validation returns a 400 validation_failed error; add field errors with [APIError.WithField].
// An empty message means the code's default message.
func Validation(message string) *APIError { return New(CodeValidation, message) }

// Unauthorized returns a 401 unauthorized error. [Write] adds a WWW-Authenticate challenge (RFC 9110 §15.5.2) when the error and the response have none; set a specific one with WithHeader("WWW-Authenticate", ...).
// An empty message means the code's default message.
func Unauthorized(message string) *APIError { return New(CodeUnauthorized, message) }

// PaymentRequired returns a 402 payment_required error.
// An empty message means the code's default message.
func PaymentRequired(message string) *APIError { return New(CodePaymentRequired, message) }

// Forbidden returns a 403 forbidden error.
// An empty message means the code's default message.
func Forbidden(message string) *APIError { return New(CodeForbidden, message) }

// NotFound returns a 404 not_found error.
// An empty message means the code's default message.
func NotFound(message string) *APIError { return New(CodeNotFound, message) }

// NotAcceptable returns a 406 not_acceptable error.
// An empty message means the code's default message.
func NotAcceptable(message string) *APIError { return New(CodeNotAcceptable, message) }

// Conflict returns a 409 conflict error.
// An empty message means the code's default message.
func Conflict(message string) *APIError { return New(CodeConflict, message) }

// Gone returns a 410 gone error.
// An empty message means the code's default message.
func Gone(message string) *APIError { return New(CodeGone, message) }

// PreconditionFailed returns a 412 precondition_failed error.
// An empty message means the code's default message.
func PreconditionFailed(message string) *APIError { return New(CodePreconditionFailed, message) }

// PayloadTooLarge returns a 413 payload_too_large error. When the condition is temporary, RFC 9110 §15.5.14 asks for a Retry-After header.
// An empty message means the code's default message.
func PayloadTooLarge(message string) *APIError { return New(CodePayloadTooLarge, message) }

// UnsupportedMediaType returns a 415 unsupported_media_type error.
// An empty message means the code's default message.
func UnsupportedMediaType(message string) *APIError { return New(CodeUnsupportedMediaType, message) }

// Unprocessable returns a 422 unprocessable_entity error.
// An empty message means the code's default message.
func Unprocessable(message string) *APIError { return New(CodeUnprocessable, message) }

// RateLimited returns a 429 rate_limited error. Say when to retry with a Retry-After header (RFC 6585 §4).
// An empty message means the code's default message.
func RateLimited(message string) *APIError { return New(CodeRateLimited, message) }

// Canceled returns a 499 canceled error.
// An empty message means the code's default message.
func Canceled(message string) *APIError { return New(CodeCanceled, message) }

// Internal returns a 500 internal error with an explicit public message, such as "billing provider returned an unexpected error". Use [Wrap] to attach the cause.
// An empty message means the code's default message.
func Internal(message string) *APIError { return New(CodeInternal, message) }

// NotImplemented returns a 501 not_implemented error.
// An empty message means the code's default message.
func NotImplemented(message string) *APIError { return New(CodeNotImplemented, message) }

// BadGateway returns a 502 bad_gateway error.
// An empty message means the code's default message.
func BadGateway(message string) *APIError { return New(CodeBadGateway, message) }

// Unavailable returns a 503 service_unavailable error. Retry-After may say when to retry (RFC 9110 §15.6.4).
// An empty message means the code's default message.
func Unavailable(message string) *APIError { return New(CodeUnavailable, message) }

// Timeout returns a 504 timeout error.
// An empty message means the code's default message.
func Timeout(message string) *APIError { return New(CodeTimeout, message) }

// MethodNotAllowed returns a 405 method_not_allowed error whose Allow header
// lists the allowed methods, as RFC 9110 §15.5.6 requires. An empty message
// means the code's default message.
func MethodNotAllowed(message string, allowed ...string) *APIError {
	return New(CodeMethodNotAllowed, message).WithHeader("Allow", strings.Join(allowed, ", "))
}
