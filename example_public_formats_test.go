package envelope_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
)

// The error formats that many public APIs use, each written as the API's
// own documented example with placeholders. public_formats_test.go serves
// each through a real server and checks the documented bytes and the way
// back.

// stripeShaped is a body nested under "error" with a category "type" per
// code, a documentation URL and the one offending parameter.
func stripeShaped() envelope.Format {
	return envelope.Format{
		Name: "stripe-shaped",
		Body: `{"error": {"code": "{{code}}", "doc_url": "https://stripe.com/docs/error-codes/{{code | kebab}}",
			"message": "{{message}}", "param": "{{field}}", "type": "{{attr type}}" | "api_error"}}`,
		Codes: map[envelope.Code]envelope.FormatCode{
			envelope.CodeNotFound:   {Wire: "resource_missing", Attrs: map[string]string{"type": "invalid_request_error"}},
			envelope.CodeValidation: {Wire: "parameter_invalid", Attrs: map[string]string{"type": "invalid_request_error"}},
		},
	}
}

// githubShaped has no code member: a message, field objects with a
// resource, a documentation URL and the status as a string.
func githubShaped() envelope.Format {
	return envelope.Format{
		Name: "github-shaped",
		Body: `{"message": "{{message}}",
			"errors": [{"resource": "{{field.attr resource}}", "field": "{{field}}", "code": "{{field.code}}"}],
			"documentation_url": "{{attr documentation_url}}", "status": "{{status}}"}`,
		Codes: map[envelope.Code]envelope.FormatCode{
			envelope.CodeValidation: {Status: 422, Attrs: map[string]string{"documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue"}},
		},
	}
}

// googleShaped is the JSON form of a google.rpc.Status: the HTTP status as
// a number under "code", the gRPC status name under "status" (several codes
// share one name; the Primary one is what a client reads back) and field
// violations in a BadRequest detail.
func googleShaped() envelope.Format {
	return envelope.Format{
		Name: "google-shaped",
		Body: `{"error": {"code": {{status}}, "message": "{{message}}", "status": "{{code | upper}}",
			"details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
				"fieldViolations": [{"field": "{{field}}", "description": "{{field.message}}"}]}]}}`,
		Codes: map[envelope.Code]envelope.FormatCode{
			envelope.CodeInvalidRequest: {Wire: "INVALID_ARGUMENT", Primary: true},
			envelope.CodeValidation:     {Wire: "INVALID_ARGUMENT"},
			envelope.CodeUnauthorized:   {Wire: "UNAUTHENTICATED"},
			envelope.CodeForbidden:      {Wire: "PERMISSION_DENIED"},
			envelope.CodeConflict:       {Wire: "ALREADY_EXISTS"},
			envelope.CodeRateLimited:    {Wire: "RESOURCE_EXHAUSTED"},
			envelope.CodeCanceled:       {Wire: "CANCELLED"},
			envelope.CodeTimeout:        {Wire: "DEADLINE_EXCEEDED"},
		},
	}
}

// jsonAPIShaped is a JSON:API error document: a list of whole error
// objects, one per field error (or one for an error without any), with the
// status as a string and a JSON Pointer into the document.
func jsonAPIShaped() envelope.Format {
	return envelope.Format{
		Name:      "jsonapi-shaped",
		MediaType: "application/vnd.api+json",
		Body: `{"errors": [{"status": "{{status}}", "code": "{{code}}", "title": "{{title}}",
			"detail": "{{field.message}}" | "{{message}}",
			"source": {"pointer": "/data/attributes{{field.pointer}}"}}]}`,
		Codes: map[envelope.Code]envelope.FormatCode{
			envelope.CodeValidation: {Wire: "invalid_attribute", Status: 422, Attrs: map[string]string{"title": "Invalid Attribute"}},
		},
	}
}

// microsoftShaped follows the Microsoft REST API guidelines: PascalCase
// codes, and the field errors as nested details with code, target and
// message.
func microsoftShaped() envelope.Format {
	return envelope.Format{
		Name: "microsoft-shaped",
		Body: `{"error": {"code": "{{code | pascal}}", "message": "{{message}}",
			"details": [{"code": "{{field.code}}", "target": "{{field}}", "message": "{{field.message}}"}]}}`,
		Codes: map[envelope.Code]envelope.FormatCode{
			envelope.CodeValidation: {Wire: "BadArgument"},
		},
	}
}

// oauthShaped is RFC 6749 §5.2's error response, with RFC 6750 §3's
// challenge built from the error on every 401.
func oauthShaped() envelope.Format {
	return envelope.Format{
		Name:      "oauth2",
		Body:      `{"error": "{{code}}", "error_description": "{{message}}", "error_uri": "{{attr error_uri}}"}`,
		Challenge: `Bearer realm="example", error="{{code}}", error_description="{{message}}"`,
		Codes: map[envelope.Code]envelope.FormatCode{
			envelope.CodeInvalidRequest: {Primary: true},
			envelope.CodeValidation:     {Wire: "invalid_request"},
			envelope.CodeUnauthorized:   {Wire: "invalid_token"},
			envelope.CodeForbidden:      {Wire: "insufficient_scope"},
		},
	}
}

// numberedCodes gives every built-in code a number, as formats with numeric
// codes need: a prefix and the status, and 20003 for authentication.
func numberedCodes(prefix int) map[envelope.Code]envelope.FormatCode {
	m := map[envelope.Code]envelope.FormatCode{}
	var codes *envelope.Codes
	for _, info := range codes.List() {
		m[info.Code] = envelope.FormatCode{Wire: fmt.Sprint(prefix + info.Status)}
	}
	return m
}

// twilioShaped has a numeric code, a documentation URL per code and the
// status as a number.
func twilioShaped() envelope.Format {
	codes := numberedCodes(20000)
	codes[envelope.CodeUnauthorized] = envelope.FormatCode{Wire: "20003"}
	codes[envelope.CodeInvalidRequest] = envelope.FormatCode{Wire: "20400", Primary: true}
	return envelope.Format{
		Name:  "twilio-shaped",
		Body:  `{"code": {{code}}, "message": "{{message}}", "more_info": "https://www.twilio.com/docs/errors/{{code}}", "status": {{status}}}`,
		Codes: codes,
	}
}

// grpcGatewayShaped is grpc-gateway's default error body: the gRPC code as
// a number and details that are always a list.
func grpcGatewayShaped() envelope.Format {
	n := func(wire string, primary bool) envelope.FormatCode {
		return envelope.FormatCode{Wire: wire, Primary: primary}
	}
	return envelope.Format{
		Name: "grpc-gateway-shaped",
		Body: `{"code": {{code}}, "message": "{{message}}",
			"details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
				"fieldViolations": [{"field": "{{field}}", "description": "{{field.message}}"}]}] | []}`,
		Codes: map[envelope.Code]envelope.FormatCode{
			envelope.CodeCanceled: n("1", true), envelope.CodeInvalidRequest: n("3", true),
			envelope.CodeValidation: n("3", false), envelope.CodeNotAcceptable: n("3", false),
			envelope.CodeUnsupportedMediaType: n("3", false), envelope.CodeTimeout: n("4", true),
			envelope.CodeNotFound: n("5", true), envelope.CodeGone: n("5", false),
			envelope.CodeConflict: n("6", true), envelope.CodeForbidden: n("7", true),
			envelope.CodeRateLimited: n("8", true), envelope.CodePreconditionFailed: n("9", true),
			envelope.CodePaymentRequired: n("9", false), envelope.CodeUnprocessable: n("9", false),
			envelope.CodePayloadTooLarge: n("11", true), envelope.CodeNotImplemented: n("12", true),
			envelope.CodeMethodNotAllowed: n("12", false), envelope.CodeInternal: n("13", true),
			envelope.CodeUnavailable: n("14", true), envelope.CodeBadGateway: n("14", false),
			envelope.CodeUnauthorized: n("16", true),
		},
	}
}

// showFormat renders err in f for a request with ID req_1 and prints the status,
// the headers that matter and the body.
func showFormat(f envelope.Format, codes *envelope.Codes, err error) {
	ew, werr := envelope.NewWriter(envelope.WriterOptions{Format: f, Codes: codes})
	if werr != nil {
		panic(werr)
	}
	r := httptest.NewRequest(http.MethodPost, "/v1/customers", nil)
	r = r.WithContext(envelope.ContextWithRequestID(r.Context(), "req_1"))
	h := http.Header{}
	status, body := ew.Render(h, r, err)
	fmt.Println(status, h.Get("Content-Type"))
	if c := h.Get("WWW-Authenticate"); c != "" {
		fmt.Println("WWW-Authenticate:", c)
	}
	fmt.Println(string(body))
}

// A body shaped like Stripe's: a category per code and the one offending
// parameter.
func ExampleFormat_stripe() {
	showFormat(stripeShaped(), nil, envelope.NotFound("No such customer: 'cus_123'").
		WithField("customer", "does not exist"))
	// Output:
	// 404 application/json
	// {"error":{"code":"resource_missing","doc_url":"https://stripe.com/docs/error-codes/resource-missing","message":"No such customer: 'cus_123'","param":"customer","type":"invalid_request_error"}}
}

// A body shaped like GitHub's: no code member, field objects with a
// resource, the status as a string.
func ExampleFormat_github() {
	showFormat(githubShaped(), nil, envelope.Validation("Validation Failed").WithFields(envelope.FieldError{
		Field: "title", Code: "missing_field", Attrs: map[string]string{"resource": "Issue"},
	}))
	// Output:
	// 422 application/json
	// {"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"422"}
}

// Google's JSON errors: the status as a number, the gRPC status name.
func ExampleFormat_google() {
	showFormat(googleShaped(), nil, envelope.Validation("Invalid book.").WithField("book.title", "must not be empty"))
	// Output:
	// 400 application/json
	// {"error":{"code":400,"message":"Invalid book.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"book.title","description":"must not be empty"}]}]}}
}

// JSON:API: one whole error object per problem.
func ExampleFormat_jsonAPI() {
	showFormat(jsonAPIShaped(), nil, envelope.Validation("").
		WithField("firstName", "First name must contain at least two characters."))
	// Output:
	// 422 application/vnd.api+json
	// {"errors":[{"status":"422","code":"invalid_attribute","title":"Invalid Attribute","detail":"First name must contain at least two characters.","source":{"pointer":"/data/attributes/firstName"}}]}
}

// The Microsoft REST API guidelines: PascalCase codes, nested details.
func ExampleFormat_microsoft() {
	showFormat(microsoftShaped(), nil, envelope.Validation("Multiple errors in ContactInfo data").WithFields(
		envelope.FieldError{Field: "PhoneNumber", Code: "NullValue", Message: "Phone number must not be null"},
		envelope.FieldError{Field: "Address", Code: "MalformedValue", Message: "Address is not valid"},
	))
	// Output:
	// 400 application/json
	// {"error":{"code":"BadArgument","message":"Multiple errors in ContactInfo data","details":[{"code":"NullValue","target":"PhoneNumber","message":"Phone number must not be null"},{"code":"MalformedValue","target":"Address","message":"Address is not valid"}]}}
}

// OAuth 2.0: the RFC 6749 body, and the RFC 6750 challenge built from the
// error, quoted.
func ExampleFormat_oauth2() {
	showFormat(oauthShaped(), nil, envelope.Unauthorized(`The access token expired`))
	// Output:
	// 401 application/json
	// WWW-Authenticate: Bearer realm="example", error="invalid_token", error_description="The access token expired"
	// {"error":"invalid_token","error_description":"The access token expired"}
}

// Twilio's numeric codes, with a documentation URL per code.
func ExampleFormat_twilio() {
	showFormat(twilioShaped(), nil, envelope.NotFound("The requested resource /Calls/CA1.json was not found"))
	// Output:
	// 404 application/json
	// {"code":20404,"message":"The requested resource /Calls/CA1.json was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}
}

// grpc-gateway's default body: a numeric gRPC code, details always a list.
func ExampleFormat_grpcGateway() {
	showFormat(grpcGatewayShaped(), nil, envelope.NotFound("book not found"))
	// Output:
	// 404 application/json
	// {"code":5,"message":"book not found","details":[]}
}

// RFC 9457 with a problem type per code, spelled as its owner spells it.
func ExampleFormat_problemTypes() {
	codes, err := envelope.NewCodes(envelope.CodeInfo{
		Code: "out_of_credit", Status: http.StatusForbidden, Message: "You do not have enough credit.",
		Attrs: map[string]string{"type": "https://example.com/probs/out-of-credit"},
	})
	if err != nil {
		panic(err)
	}
	showFormat(envelope.ProblemFormat(), codes, envelope.New("out_of_credit", "Your current balance is 30, but that costs 50.").
		WithExtension("balance", 30))
	// Output:
	// 403 application/problem+json
	// {"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","status":403,"detail":"Your current balance is 30, but that costs 50.","instance":"/v1/customers","code":"out_of_credit","requestId":"req_1","balance":30}
}
