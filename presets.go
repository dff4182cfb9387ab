package envelope

import "strings"

// Presets for the wire shapes that published API error contracts use. Each
// is named by its shape. Every function returns a fresh Format that the
// caller may modify (add CodeNames for domain codes, change the request ID
// header) before passing it to [NewErrorWriter].

// NullDetailsFormat returns a flat format whose details member is always
// present, null when there is nothing to carry:
//
//	{"code":"not_found","message":"Flag not found","details":null}
//
// Field errors travel in details as an object from field path to message,
// {"details":{"name":"is required"}}, so details stays an object or null as
// the shape promises. The built-in internal and validation_failed codes are
// spelled internal_error and validation_error; validation errors keep
// status 400. The request ID is sent in the X-Request-Id header only.
func NullDetailsFormat() Format {
	return Format{
		Name: "null-details",
		Members: []Member{
			{Kind: MemberCode, Name: "code"},
			{Kind: MemberMessage, Name: "message"},
			{Kind: MemberDetails, Name: "details", CarriesFields: true, Fields: FieldsMessage, Empty: EmptyNull},
		},
		CodeNames: map[Code]string{
			CodeInternal:   "internal_error",
			CodeValidation: "validation_error",
		},
	}
}

// PrefixedUpperFormat returns a flat format whose code member is named
// "error" and spelled in upper case behind the prefix "ERROR_CODE_":
//
//	{"error":"ERROR_CODE_NOT_FOUND","message":"Post not found."}
//
// Errors with field errors are rendered as the field errors alone, each
// field with a list of messages, at status 422 for validation errors:
//
//	{"errors":{"title":["can't be blank"]}}
//
// The built-in invalid_request code is spelled ERROR_CODE_INVALID_PARAM.
// The request ID is sent in the X-Request-Id header only.
func PrefixedUpperFormat() Format {
	return Format{
		Name: "prefixed-upper",
		Members: []Member{
			{Kind: MemberCode, Name: "error", OmitWithFields: true},
			{Kind: MemberMessage, Name: "message", OmitWithFields: true},
			{Kind: MemberFields, Name: "errors", Fields: FieldsMessages},
		},
		CodeCase:         CodeUpper,
		CodePrefix:       "ERROR_CODE_",
		CodeNames:        map[Code]string{CodeInvalidRequest: "ERROR_CODE_INVALID_PARAM"},
		ValidationStatus: 422,
	}
}

// NestedFormat returns a format that nests its members under "error", with
// snake_case member names:
//
//	{"error":{"code":"validation_error","message":"Validation failed.",
//	 "details":{"email":["Already in use."]},"request_id":"..."}}
//
// details carries the field errors, each field with a list of messages,
// and is null when there is nothing to carry. Validation errors have
// status 422. The built-in validation_failed, unauthorized and forbidden
// codes are spelled validation_error, authentication_failed and
// permission_denied. The request ID goes in the body and in the
// X-Request-Id header.
func NestedFormat() Format {
	return Format{
		Name: "nested",
		Wrap: "error",
		Members: []Member{
			{Kind: MemberCode, Name: "code"},
			{Kind: MemberMessage, Name: "message"},
			{Kind: MemberDetails, Name: "details", CarriesFields: true, Fields: FieldsMessages, Empty: EmptyNull},
			{Kind: MemberRequestID, Name: "request_id"},
		},
		CodeNames: map[Code]string{
			CodeValidation:   "validation_error",
			CodeUnauthorized: "authentication_failed",
			CodeForbidden:    "permission_denied",
		},
		ValidationStatus: 422,
	}
}

// MessageFirstFormat returns a flat format whose first member, "error",
// holds the message, followed by the code in upper case:
//
//	{"error":"Version conflict","code":"CONFLICT","details":{"current_version":3}}
//
// details is left out when empty and carries the field errors (an object
// from field path to message) when there are any. The built-in
// validation_failed and internal codes are spelled VALIDATION_ERROR and
// INTERNAL_ERROR; validation errors keep status 400. The request ID is
// sent in the X-Request-Id header only.
func MessageFirstFormat() Format {
	return Format{
		Name: "message-first",
		Members: []Member{
			{Kind: MemberMessage, Name: "error"},
			{Kind: MemberCode, Name: "code"},
			{Kind: MemberDetails, Name: "details", CarriesFields: true, Fields: FieldsMessage},
		},
		CodeCase: CodeUpper,
		CodeNames: map[Code]string{
			CodeValidation: "VALIDATION_ERROR",
			CodeInternal:   "INTERNAL_ERROR",
		},
	}
}

// ProblemMediaType is the media type of RFC 9457 problem details in JSON
// (RFC 9457 §3).
const ProblemMediaType = "application/problem+json"

// ProblemFormat returns RFC 9457 problem details, served as
// application/problem+json:
//
//	{"type":"about:blank","title":"Not Found","status":404,
//	 "detail":"Flag not found","instance":"/flags/x","code":"not_found",
//	 "requestId":"..."}
//
// type is about:blank and title the status's reason phrase (RFC 9457
// §4.2.1); set TypeBase to give each code its own type URI. status always
// equals the response status (§3.1.2), detail is the public message
// (§3.1.4) and instance the request path (§3.1.5). Two extension members
// (§3.2) let clients branch and report: "code", the stable code, and
// "requestId". Field errors go in "errors" as a list of objects with a
// JSON Pointer in URI fragment form, the convention of RFC 9457 §3's
// validation example:
//
//	"errors":[{"detail":"must be positive","pointer":"#/age"}]
//
// Details go in "details". An error's extension members follow at the top
// level; one named like any of these members is left out, so extensions can
// never override the core members. The request ID is also sent in the
// X-Request-Id header.
func ProblemFormat() Format {
	return Format{
		Name:      "problem",
		MediaType: ProblemMediaType,
		Members: []Member{
			{Kind: MemberType, Name: "type"},
			{Kind: MemberTitle, Name: "title"},
			{Kind: MemberStatus, Name: "status"},
			{Kind: MemberMessage, Name: "detail"},
			{Kind: MemberInstance, Name: "instance"},
			{Kind: MemberCode, Name: "code"},
			{Kind: MemberFields, Name: "errors", Fields: FieldsPointers},
			{Kind: MemberDetails, Name: "details"},
			{Kind: MemberRequestID, Name: "requestId"},
		},
	}
}

// Presets returns every built-in format, the default ([FlatFormat]) first.
// Each call returns fresh Formats. Documents generated from the catalog
// describe exactly these.
func Presets() []Format {
	return []Format{
		FlatFormat(),
		NullDetailsFormat(),
		PrefixedUpperFormat(),
		NestedFormat(),
		MessageFirstFormat(),
		ProblemFormat(),
	}
}

// WireCode returns how f spells code on the wire: its CodeNames entry, or
// the code cased by CodeCase behind CodePrefix. It is what error bodies in
// f carry and what the generated documents list.
func (f *Format) WireCode(code Code) string {
	if name, ok := f.CodeNames[code]; ok {
		return name
	}
	s := string(code)
	if f.CodeCase == CodeUpper {
		s = strings.ToUpper(s)
	}
	return f.CodePrefix + s
}
