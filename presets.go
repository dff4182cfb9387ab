package envelope

// Presets for the wire shapes that published API error contracts use, each
// named by its shape and written as the contract's own example with
// placeholders (see [Format.Body]). Every function returns a fresh Format
// that the caller may modify (add Codes entries for domain codes, change
// the request ID header) before passing it to [NewWriter].

// FlatFormat returns the default format, a flat envelope:
//
//	{"code":"invalid_request","message":"email is required",
//	 "fields":{"email":"must be a valid email address"},"requestId":"..."}
//
// Details and fields are left out when empty; several messages for one
// field are joined with "; ". The request ID also goes in the X-Request-Id
// header.
func FlatFormat() Format {
	return Format{
		Name: "flat",
		Body: `{"code": "{{code}}", "message": "{{message}}", "details": {{details}},
			"fields": {"{{field}}": "{{field.message}}"}, "requestId": "{{requestId}}"}`,
	}
}

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
		Body: `{"code": "{{code}}", "message": "{{message}}",
			"details": {"{{field}}": "{{field.message}}"} | {{details}} | null}`,
		Codes: map[Code]FormatCode{
			CodeInternal:   {Wire: "internal_error"},
			CodeValidation: {Wire: "validation_error"},
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
		Body: `{"errors": {"{{field}}": ["{{field.message}}"]}}
			| {"error": "ERROR_CODE_{{code | upper}}", "message": "{{message}}"}`,
		Codes: map[Code]FormatCode{
			CodeInvalidRequest: {Wire: "INVALID_PARAM"},
			CodeValidation:     {Status: 422},
		},
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
		Body: `{"error": {"code": "{{code}}", "message": "{{message}}",
			"details": {"{{field}}": ["{{field.message}}"]} | {{details}} | null,
			"request_id": "{{requestId}}"}}`,
		Codes: map[Code]FormatCode{
			CodeValidation:   {Wire: "validation_error", Status: 422},
			CodeUnauthorized: {Wire: "authentication_failed"},
			CodeForbidden:    {Wire: "permission_denied"},
		},
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
		Body: `{"error": "{{message}}", "code": "{{code | upper}}",
			"details": {"{{field}}": "{{field.message}}"} | {{details}}}`,
		Codes: map[Code]FormatCode{
			CodeValidation: {Wire: "VALIDATION_ERROR"},
			CodeInternal:   {Wire: "INTERNAL_ERROR"},
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
// type is the code's "type" attribute (set it per code with
// [CodeInfo.Attrs] or [FormatCode.Attrs], spelled as its owner spells it:
// "https://example.com/probs/out-of-credit"), else about:blank, and title
// the code's "title" attribute, or else the status's reason phrase (RFC
// 9457 §4.2.1). status always equals the response status (§3.1.2), detail
// is the public message (§3.1.4) and instance the request path (§3.1.5).
// Two extension members (§3.2) let clients branch and report: "code", the
// stable code, and "requestId". Field errors go in "errors" as a list of
// objects with a JSON Pointer in URI fragment form, the convention of RFC
// 9457 §3's validation example:
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
		Body: `{"type": "{{attr type}}" | "about:blank", "title": "{{title}}", "status": {{status}},
			"detail": "{{message}}", "instance": "{{instance}}", "code": "{{code}}",
			"errors": [{"detail": "{{field.message}}", "pointer": "#{{field.pointer}}", "code": "{{field.code}}"}],
			"details": {{details}}, "requestId": "{{requestId}}"}`,
	}
}

// Presets returns every built-in format, the default ([FlatFormat]) first.
// Each call returns fresh Formats. A [Parser] built without formats
// recognizes exactly these.
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
