package envelope

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// Code is a stable, machine-readable error code, such as "not_found".
//
// Codes are API: clients branch on them, so a code's spelling never changes
// once shipped. Built-in codes are lowercase snake_case; a [Format] may spell
// them differently on the wire (NOT_FOUND, ERROR_CODE_NOT_FOUND) or rename
// them, but the Go value stays the same.
//
// The zero Code is the empty string and means "no code".
type Code string

// Built-in codes. Each is documented with its status and how it differs from
// its neighbours; [StatusFor] holds the one mapping from code to status.
const (
	// CodeInvalidRequest (400) means the request could not be understood:
	// malformed JSON, a wrong type, a missing or unparsable parameter. Use
	// [CodeValidation] instead when the request parsed but its values break
	// field rules, and [CodeUnprocessable] when the values are individually
	// fine but the operation cannot apply them.
	CodeInvalidRequest Code = "invalid_request"

	// CodeValidation (400) means the request parsed but one or more fields
	// failed validation; the error carries field errors. A [Format] may
	// render it with status 422 instead (see [Format.ValidationStatus]).
	CodeValidation Code = "validation_failed"

	// CodeUnauthorized (401) means the request carries no valid credentials:
	// missing, expired, revoked or malformed. Retrying with fresh credentials
	// may succeed. RFC 9110 §15.5.2 requires a WWW-Authenticate challenge,
	// which [Write] supplies when the error has none. Compare
	// [CodeForbidden].
	CodeUnauthorized Code = "unauthorized"

	// CodePaymentRequired (402) means the action needs a paid plan or an
	// active subscription.
	CodePaymentRequired Code = "payment_required"

	// CodeForbidden (403) means the credentials are valid but do not grant
	// this action. Retrying with the same credentials will not help. When
	// revealing that a resource exists would itself leak information, use
	// [CodeNotFound] instead.
	CodeForbidden Code = "forbidden"

	// CodeNotFound (404) means the resource does not exist, or the caller
	// may not know that it does.
	CodeNotFound Code = "not_found"

	// CodeMethodNotAllowed (405) means the resource exists but does not
	// support the request method. RFC 9110 §15.5.6 requires an Allow header;
	// [MethodNotAllowed] takes the allowed methods.
	CodeMethodNotAllowed Code = "method_not_allowed"

	// CodeNotAcceptable (406) means no representation matches the request's
	// Accept header.
	CodeNotAcceptable Code = "not_acceptable"

	// CodeConflict (409) means the request conflicts with the current state
	// of the resource: a duplicate unique key, a concurrent edit. Compare
	// [CodePreconditionFailed], which is for failed If-Match style checks.
	CodeConflict Code = "conflict"

	// CodeGone (410) means the resource existed but is permanently gone: an
	// expired invitation, a used one-shot link. Compare [CodeNotFound].
	CodeGone Code = "gone"

	// CodePreconditionFailed (412) means a conditional request header
	// (If-Match, If-Unmodified-Since) did not hold (RFC 9110 §15.5.13).
	CodePreconditionFailed Code = "precondition_failed"

	// CodePayloadTooLarge (413) means the request body is larger than the
	// server accepts (RFC 9110 §15.5.14). [Write] maps [*http.MaxBytesError]
	// to this code.
	CodePayloadTooLarge Code = "payload_too_large"

	// CodeUnsupportedMediaType (415) means the request body's Content-Type
	// is not one the endpoint accepts.
	CodeUnsupportedMediaType Code = "unsupported_media_type"

	// CodeUnprocessable (422) means the request is well-formed and its fields
	// are individually valid, but the operation cannot be applied (a business
	// rule). Compare [CodeValidation], which names the offending fields.
	CodeUnprocessable Code = "unprocessable_entity"

	// CodeRateLimited (429) means the caller sent too many requests. The
	// response carries Retry-After when the wait is known (RFC 6585 §4).
	CodeRateLimited Code = "rate_limited"

	// CodeCanceled (499) means the client went away before the server
	// answered (context.Canceled). The status is the non-standard 499 that
	// proxies use for this; the client will usually never read it, but it
	// keeps such requests out of 5xx error rates.
	CodeCanceled Code = "canceled"

	// CodeInternal (500) means an unexpected server-side failure. Any error
	// that is not an [*APIError] renders as this code with a fixed generic
	// message; its text is logged, never sent.
	CodeInternal Code = "internal"

	// CodeNotImplemented (501) means the server does not support the
	// functionality required, on any resource. Compare
	// [CodeMethodNotAllowed].
	CodeNotImplemented Code = "not_implemented"

	// CodeBadGateway (502) means an upstream service answered with something
	// the server could not use.
	CodeBadGateway Code = "bad_gateway"

	// CodeUnavailable (503) means the server cannot handle the request now
	// (overload, maintenance, a dependency down) and a retry later may
	// succeed; Retry-After may say when (RFC 9110 §15.6.4).
	CodeUnavailable Code = "service_unavailable"

	// CodeTimeout (504) means the server, or a service it depends on, did
	// not finish in time (context.DeadlineExceeded).
	CodeTimeout Code = "timeout"
)

// builtinCodes lists every built-in code in catalog order.
var builtinCodes = [...]Code{
	CodeInvalidRequest, CodeValidation, CodeUnauthorized, CodePaymentRequired,
	CodeForbidden, CodeNotFound, CodeMethodNotAllowed, CodeNotAcceptable,
	CodeConflict, CodeGone, CodePreconditionFailed, CodePayloadTooLarge,
	CodeUnsupportedMediaType, CodeUnprocessable, CodeRateLimited, CodeCanceled,
	CodeInternal, CodeNotImplemented, CodeBadGateway, CodeUnavailable,
	CodeTimeout,
}

// String returns the code as it is spelled in Go.
func (c Code) String() string { return string(c) }

// MarshalText implements [encoding.TextMarshaler]. Every code, registered or
// not, round-trips through MarshalText and UnmarshalText unchanged.
func (c Code) MarshalText() ([]byte, error) { return []byte(c), nil }

// UnmarshalText implements [encoding.TextUnmarshaler]. It accepts any text,
// so that a client can decode codes it does not know.
func (c *Code) UnmarshalText(b []byte) error {
	*c = Code(b)
	return nil
}

// CodeInfo describes a code: its status, its default public message and,
// for the generated catalog, when it is used.
type CodeInfo struct {
	// Code is the code itself: lowercase snake_case, at most 64 bytes.
	Code Code
	// Status is the HTTP status the code renders with, 400 to 599.
	Status int
	// Message is the default public message, used when an error of this
	// code is built with an empty message. It must be safe to show to any
	// client.
	Message string
	// Description tells API clients when the code is used. It appears in
	// the generated catalog and never on the wire. Optional.
	Description string
}

// domain holds the registered domain codes. Registration replaces the map
// (copy on write), so lookups are a lock-free atomic load.
var (
	domainMu sync.Mutex
	domain   atomic.Pointer[map[Code]CodeInfo]
)

// ErrInvalidCode is returned (wrapped) by [Register] for a code or status
// that cannot be registered.
var ErrInvalidCode = errors.New("envelope: invalid code registration")

// Register adds a domain code, such as "in_use" (409) or "token_rate_limit"
// (429), and returns its sentinel error: match it with [errors.Is] and derive
// response errors from it with [APIError.WithMessage] and friends.
//
// Register is meant for program start-up. It is safe for concurrent use, and
// lookups of registered codes stay lock-free. It returns an error wrapping
// [ErrInvalidCode] when the code is not lowercase snake_case of at most 64
// bytes, the status is outside 400–599, the message is empty, or the code is
// already registered or built in.
func Register(info CodeInfo) (*APIError, error) {
	if !validCodeName(string(info.Code)) {
		return nil, fmt.Errorf("%w: code %q is not lowercase snake_case of at most 64 bytes", ErrInvalidCode, info.Code)
	}
	if !isErrorStatus(info.Status) {
		return nil, fmt.Errorf("%w: code %q: status %d is not a 4xx or 5xx status", ErrInvalidCode, info.Code, info.Status)
	}
	if info.Message == "" {
		return nil, fmt.Errorf("%w: code %q: a default message is required", ErrInvalidCode, info.Code)
	}
	if isBuiltin(info.Code) {
		return nil, fmt.Errorf("%w: code %q is built in", ErrInvalidCode, info.Code)
	}
	domainMu.Lock()
	defer domainMu.Unlock()
	old := domain.Load()
	if old != nil {
		if _, dup := (*old)[info.Code]; dup {
			return nil, fmt.Errorf("%w: code %q is already registered", ErrInvalidCode, info.Code)
		}
	}
	next := make(map[Code]CodeInfo, 1+lenMap(old))
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	next[info.Code] = info
	domain.Store(&next)
	// The sentinel leaves its message unset, so that the registered message
	// serves as the code's default and a Localizer may replace it.
	return &APIError{code: info.Code, status: info.Status}, nil
}

// MustRegister is like [Register] but panics when registration fails. It
// suits package-level variables:
//
//	var ErrInUse = envelope.MustRegister(envelope.CodeInfo{
//		Code: "in_use", Status: http.StatusConflict,
//		Message: "The resource is still referenced.",
//	})
func MustRegister(info CodeInfo) *APIError {
	e, err := Register(info)
	if err != nil {
		panic(err)
	}
	return e
}

func lenMap(m *map[Code]CodeInfo) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// Lookup returns what is known about a built-in or registered code.
// It is safe for concurrent use.
func Lookup(code Code) (CodeInfo, bool) {
	if s := builtinStatus(code); s != 0 {
		return CodeInfo{Code: code, Status: s, Message: builtinMessage(code), Description: builtinDescription(code)}, true
	}
	if m := domain.Load(); m != nil {
		info, ok := (*m)[code]
		return info, ok
	}
	return CodeInfo{}, false
}

// Codes returns every built-in code, in catalog order, followed by the
// registered domain codes sorted by name. The result is a fresh slice.
func Codes() []CodeInfo {
	out := make([]CodeInfo, 0, len(builtinCodes)+8)
	for _, c := range builtinCodes {
		info, _ := Lookup(c)
		out = append(out, info)
	}
	if m := domain.Load(); m != nil {
		start := len(out)
		for _, info := range *m {
			out = append(out, info)
		}
		slices.SortFunc(out[start:], func(a, b CodeInfo) int {
			switch {
			case a.Code < b.Code:
				return -1
			case a.Code > b.Code:
				return 1
			}
			return 0
		})
	}
	return out
}

func isBuiltin(c Code) bool { return builtinStatus(c) != 0 }

// validCodeName reports whether s is lowercase snake_case: a letter, then
// letters, digits and single underscores, not ending in one.
func validCodeName(s string) bool {
	if len(s) == 0 || len(s) > 64 || s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == '_' {
		return false
	}
	prevUnderscore := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			prevUnderscore = false
		case c == '_':
			if prevUnderscore {
				return false
			}
			prevUnderscore = true
		default:
			return false
		}
	}
	return true
}

func builtinMessage(c Code) string {
	switch c {
	case CodeInvalidRequest:
		return "The request is malformed."
	case CodeValidation:
		return "One or more fields are invalid."
	case CodeUnauthorized:
		return "Authentication is required."
	case CodePaymentRequired:
		return "An active subscription is required."
	case CodeForbidden:
		return "You do not have permission to perform this action."
	case CodeNotFound:
		return "The requested resource was not found."
	case CodeMethodNotAllowed:
		return "The request method is not supported for this resource."
	case CodeNotAcceptable:
		return "No acceptable representation is available."
	case CodeConflict:
		return "The request conflicts with the current state of the resource."
	case CodeGone:
		return "The requested resource is no longer available."
	case CodePreconditionFailed:
		return "A precondition of the request was not met."
	case CodePayloadTooLarge:
		return "The request body is too large."
	case CodeUnsupportedMediaType:
		return "The request body's media type is not supported."
	case CodeUnprocessable:
		return "The request could not be processed."
	case CodeRateLimited:
		return "Too many requests. Try again later."
	case CodeCanceled:
		return "The request was canceled."
	case CodeInternal:
		return "An internal error occurred."
	case CodeNotImplemented:
		return "This functionality is not implemented."
	case CodeBadGateway:
		return "An upstream service returned an invalid response."
	case CodeUnavailable:
		return "The service is temporarily unavailable. Try again later."
	case CodeTimeout:
		return "The request timed out."
	}
	return ""
}

func builtinDescription(c Code) string {
	switch c {
	case CodeInvalidRequest:
		return "The request could not be understood: malformed JSON, a wrong type, a missing or unparsable parameter."
	case CodeValidation:
		return "The request parsed but fields failed validation; field errors name each one."
	case CodeUnauthorized:
		return "Credentials are missing, expired, revoked or malformed. Retry with fresh credentials."
	case CodePaymentRequired:
		return "The action needs a paid plan or an active subscription."
	case CodeForbidden:
		return "Credentials are valid but do not grant this action."
	case CodeNotFound:
		return "The resource does not exist, or the caller may not know that it does."
	case CodeMethodNotAllowed:
		return "The resource does not support the request method; Allow lists the methods it does."
	case CodeNotAcceptable:
		return "No representation matches the request's Accept header."
	case CodeConflict:
		return "The request conflicts with the resource's current state, such as a duplicate key."
	case CodeGone:
		return "The resource existed but is permanently gone."
	case CodePreconditionFailed:
		return "A conditional header such as If-Match did not hold."
	case CodePayloadTooLarge:
		return "The request body is larger than the server accepts."
	case CodeUnsupportedMediaType:
		return "The request body's Content-Type is not accepted by the endpoint."
	case CodeUnprocessable:
		return "The request is well-formed and valid field by field, but cannot be applied."
	case CodeRateLimited:
		return "Too many requests; honour Retry-After."
	case CodeCanceled:
		return "The client closed the request before the server answered."
	case CodeInternal:
		return "An unexpected server-side failure. Report the request ID."
	case CodeNotImplemented:
		return "The server does not support the functionality required."
	case CodeBadGateway:
		return "An upstream service returned a response the server could not use."
	case CodeUnavailable:
		return "The service cannot handle the request now; retry later, after Retry-After when present."
	case CodeTimeout:
		return "The server or a service it depends on did not finish in time."
	}
	return ""
}
