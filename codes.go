package envelope

import (
	"fmt"
	"slices"
	"strings"
)

// Code is a stable, machine-readable error code, such as "not_found".
//
// Codes are API: clients branch on them, so a code's spelling never changes
// once shipped. Built-in codes are lowercase snake_case; a [Format] may spell
// them differently on the wire (NOT_FOUND, ERROR_CODE_NOT_FOUND, NotFound,
// 5) but the Go value stays the same.
//
// The zero Code is the empty string and means "no code".
type Code string

// Built-in codes. Each is documented with its status and how it differs from
// its neighbours; the table in this file holds the one mapping from code to
// status, default message and description.
const (
	// CodeInvalidRequest (400) means the request could not be understood:
	// malformed JSON, a wrong type, a missing or unparsable parameter. Use
	// [CodeValidation] instead when the request parsed but its values break
	// field rules, and [CodeUnprocessable] when the values are individually
	// fine but the operation cannot apply them.
	CodeInvalidRequest Code = "invalid_request"

	// CodeValidation (400) means the request parsed but one or more fields
	// failed validation; the error carries field errors. A [Format] may
	// give it another status, such as 422 (see [FormatCode.Status]).
	CodeValidation Code = "validation_failed"

	// CodeUnauthorized (401) means the request carries no valid credentials:
	// missing, expired, revoked or malformed. Retrying with fresh credentials
	// may succeed. RFC 9110 §15.5.2 requires a WWW-Authenticate challenge,
	// which [Writer.Write] supplies when the error has none. Compare
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
	// server accepts (RFC 9110 §15.5.14). [*http.MaxBytesError] renders as
	// this code.
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

// builtins is the table of built-in codes, in catalog order: status,
// default public message (English; [Localizer] translates it) and the
// description the generated catalog shows. Everything else about a
// built-in code (its constructor's status, [CodeForStatus], the messages
// of the English catalog, the documents) is derived from it. The statuses
// are literal numbers, so that the table can be checked against RFC 9110
// §15 by eye.
var builtins = [...]CodeInfo{
	{CodeInvalidRequest, 400, "The request is malformed.",
		"The request could not be understood: malformed JSON, a wrong type, a missing or unparsable parameter.", nil},
	{CodeValidation, 400, "One or more fields are invalid.",
		"The request parsed but fields failed validation; field errors name each one.", nil},
	{CodeUnauthorized, 401, "Authentication is required.",
		"Credentials are missing, expired, revoked or malformed. Retry with fresh credentials.", nil},
	{CodePaymentRequired, 402, "An active subscription is required.",
		"The action needs a paid plan or an active subscription.", nil},
	{CodeForbidden, 403, "You do not have permission to perform this action.",
		"Credentials are valid but do not grant this action.", nil},
	{CodeNotFound, 404, "The requested resource was not found.",
		"The resource does not exist, or the caller may not know that it does.", nil},
	{CodeMethodNotAllowed, 405, "The request method is not supported for this resource.",
		"The resource does not support the request method; Allow lists the methods it does.", nil},
	{CodeNotAcceptable, 406, "No acceptable representation is available.",
		"No representation matches the request's Accept header.", nil},
	{CodeConflict, 409, "The request conflicts with the current state of the resource.",
		"The request conflicts with the resource's current state, such as a duplicate key.", nil},
	{CodeGone, 410, "The requested resource is no longer available.",
		"The resource existed but is permanently gone.", nil},
	{CodePreconditionFailed, 412, "A precondition of the request was not met.",
		"A conditional header such as If-Match did not hold.", nil},
	{CodePayloadTooLarge, 413, "The request body is too large.",
		"The request body is larger than the server accepts.", nil},
	{CodeUnsupportedMediaType, 415, "The request body's media type is not supported.",
		"The request body's Content-Type is not accepted by the endpoint.", nil},
	{CodeUnprocessable, 422, "The request could not be processed.",
		"The request is well-formed and valid field by field, but cannot be applied.", nil},
	{CodeRateLimited, 429, "Too many requests. Try again later.",
		"Too many requests; honour Retry-After.", nil},
	{CodeCanceled, 499, "The request was canceled.",
		"The client closed the request before the server answered.", nil},
	{CodeInternal, 500, "An internal error occurred.",
		"An unexpected server-side failure. Report the request ID.", nil},
	{CodeNotImplemented, 501, "This functionality is not implemented.",
		"The server does not support the functionality required.", nil},
	{CodeBadGateway, 502, "An upstream service returned an invalid response.",
		"An upstream service returned a response the server could not use.", nil},
	{CodeUnavailable, 503, "The service is temporarily unavailable. Try again later.",
		"The service cannot handle the request now; retry later, after Retry-After when present.", nil},
	{CodeTimeout, 504, "The request timed out.",
		"The server or a service it depends on did not finish in time.", nil},
}

// builtin returns the table entry of a built-in code, or nil.
func builtin(c Code) *CodeInfo {
	for i := range builtins {
		if builtins[i].Code == c {
			return &builtins[i]
		}
	}
	return nil
}

// CodeForStatus returns the built-in code that stands for an error status:
// the first code of the table with that status (invalid_request for 400),
// invalid_request for another 4xx status and internal for anything else.
// It is what a client falls back to when a response carries only a status,
// and what [APIError.Category] returns for a code it does not know.
func CodeForStatus(status int) Code {
	for i := range builtins {
		if builtins[i].Status == status {
			return builtins[i].Code
		}
	}
	if status >= 400 && status < 500 {
		return CodeInvalidRequest
	}
	return CodeInternal
}

// CodeInfo declares a code: its status, its default public message and, for
// the generated catalog, when it is used. An API declares its own codes
// with CodeInfo values and [NewCodes].
type CodeInfo struct {
	// Code is the code itself: lowercase snake_case, at most 64 bytes.
	Code Code
	// Status is the HTTP status the code renders with, 400 to 599.
	Status int
	// Message is the default public message, used when an error of this
	// code carries none. It must be safe to show to any client. A
	// [Localizer]'s catalogs may translate it.
	Message string
	// Description tells API clients when the code is used. It appears in
	// the generated catalog and never on the wire. Optional.
	Description string
	// Attrs are values that belong to the code in every format, such as
	// "doc_url" or "type" (a problem type URI). A format renders them where
	// its body says {{attr NAME}}; a [FormatCode] of the format may
	// override them. Optional.
	Attrs map[string]string
}

// Codes is the table of codes an API uses: the built-in codes and the
// API's own domain codes. Build it once with [NewCodes] and give the same
// value to the [Writer], the [Parser] and the documents, so that all of them
// know the same codes. A Codes is immutable and safe for concurrent use. A
// nil *Codes holds the built-in codes only.
type Codes struct {
	list   []CodeInfo // built-ins first, in catalog order, then domain codes by name
	byCode map[Code]int
}

// NewCodes returns the table of the built-in codes and the given domain
// codes. It fails, naming the code, when a code is not lowercase snake_case
// of at most 64 bytes, its status is outside 400–599, its message is empty,
// or it is built in or declared twice.
func NewCodes(domain ...CodeInfo) (*Codes, error) {
	c := &Codes{list: make([]CodeInfo, 0, len(builtins)+len(domain)), byCode: make(map[Code]int, len(builtins)+len(domain))}
	c.list = append(c.list, builtins[:]...)
	sorted := slices.Clone(domain)
	slices.SortStableFunc(sorted, func(a, b CodeInfo) int { return strings.Compare(string(a.Code), string(b.Code)) })
	for i, info := range sorted {
		switch {
		case !validCodeName(string(info.Code)):
			return nil, fmt.Errorf("envelope: code %q is not lowercase snake_case of at most 64 bytes", info.Code)
		case !isErrorStatus(info.Status):
			return nil, fmt.Errorf("envelope: code %q: status %d is not a 4xx or 5xx status", info.Code, info.Status)
		case strings.TrimSpace(info.Message) == "":
			return nil, fmt.Errorf("envelope: code %q: a default message is required", info.Code)
		case builtin(info.Code) != nil:
			return nil, fmt.Errorf("envelope: code %q is built in", info.Code)
		case i > 0 && sorted[i-1].Code == info.Code:
			return nil, fmt.Errorf("envelope: code %q is declared twice", info.Code)
		}
		for k := range info.Attrs {
			if !validAttrName(k) {
				return nil, fmt.Errorf("envelope: code %q: attribute name %q is not made of ASCII letters, digits, '_', '-' and '.'", info.Code, k)
			}
		}
		info.Attrs = cloneMap(info.Attrs)
		c.list = append(c.list, info)
	}
	for i, info := range c.list {
		c.byCode[info.Code] = i
	}
	return c, nil
}

// defaultCodes is the table of built-in codes that a nil *Codes stands for.
var defaultCodes = func() *Codes {
	c, err := NewCodes()
	if err != nil {
		panic(err) // the built-in table is covered by tests
	}
	return c
}()

// or returns c, or the built-in table for a nil c.
func (c *Codes) or() *Codes {
	if c == nil {
		return defaultCodes
	}
	return c
}

// Lookup returns what the table knows about code.
func (c *Codes) Lookup(code Code) (CodeInfo, bool) {
	info := c.lookup(code)
	if info == nil {
		return CodeInfo{}, false
	}
	out := *info
	out.Attrs = cloneMap(out.Attrs)
	return out, true
}

// lookup returns the table's entry for code, or nil; not to be modified.
func (c *Codes) lookup(code Code) *CodeInfo {
	c = c.or()
	if i, ok := c.byCode[code]; ok {
		return &c.list[i]
	}
	return nil
}

// List returns every code of the table: the built-in codes in catalog
// order, then the domain codes sorted by name. The result is a fresh copy.
func (c *Codes) List() []CodeInfo {
	c = c.or()
	out := make([]CodeInfo, len(c.list))
	for i, info := range c.list {
		out[i] = info
		out[i].Attrs = cloneMap(info.Attrs)
	}
	return out
}

// status returns the status of code in the table, or 0 for a code it does
// not know.
func (c *Codes) status(code Code) int {
	if info := c.lookup(code); info != nil {
		return info.Status
	}
	return 0
}

// isErrorStatus reports whether s is a status an error response may carry:
// 400 to 599. Anything else (0, 99, 204, 304, 1000) would either make
// net/http panic (golang/go#22880) or produce a response without content
// (RFC 9110 §6.4.1), so it renders as 500.
func isErrorStatus(s int) bool { return s >= 400 && s <= 599 }

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

// validAttrName reports whether s may name an attribute (and a catalog key):
// 1 to 64 ASCII letters, digits, '_', '-' and '.'.
func validAttrName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
