package envelope_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
)

// render writes err with format f, for a request with the ID req_9f7a32b5,
// and prints the status, the content type and the body.
func render(f envelope.Format, err error) {
	ew, e := envelope.NewWriter(envelope.WriterOptions{Format: f, Logger: slog.New(slog.DiscardHandler)})
	if e != nil {
		fmt.Println(e)
		return
	}
	r := httptest.NewRequest(http.MethodPost, "/flags", nil)
	r = r.WithContext(envelope.ContextWithRequestID(r.Context(), "req_9f7a32b5"))
	w := httptest.NewRecorder()
	ew.Write(w, r, err)
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Println(w.Body.String())
}

// The same validation error in three formats: the default flat envelope,
// the nested one (validation at 422, codes renamed) and RFC 9457 problem
// details.
func Example_formats() {
	err := envelope.Validation("email is required").
		WithField("email", "must be a valid email address")

	render(envelope.FlatFormat(), err)
	render(envelope.NestedFormat(), err)
	render(envelope.ProblemFormat(), err)
	// Output:
	// 400 application/json
	// {"code":"validation_failed","message":"email is required","fields":{"email":"must be a valid email address"},"requestId":"req_9f7a32b5"}
	// 422 application/json
	// {"error":{"code":"validation_error","message":"email is required","details":{"email":["must be a valid email address"]},"request_id":"req_9f7a32b5"}}
	// 400 application/problem+json
	// {"type":"about:blank","title":"Bad Request","status":400,"detail":"email is required","instance":"/flags","code":"validation_failed","errors":[{"detail":"must be a valid email address","pointer":"#/email"}],"requestId":"req_9f7a32b5"}
}

// A format declared from scratch: members nested under "failure", codes
// in upper case, validation_failed spelled BAD_INPUT at 422, field errors
// as a list of objects, details null when empty and the request ID in a
// header of its own. A Body that is not a valid template is refused when
// the writer is built.
func ExampleFormat_custom() {
	f := envelope.Format{
		Name: "custom",
		Body: `{"failure": {"kind": "{{code | upper}}", "text": "{{message}}",
			"problems": [{"field": "{{field}}", "code": "{{field.code}}", "message": "{{field.message}}"}],
			"extra": {{details}} | null, "trace": "{{requestId}}"}}`,
		Codes:           map[envelope.Code]envelope.FormatCode{envelope.CodeValidation: {Wire: "BAD_INPUT", Status: 422}},
		RequestIDHeader: "X-Trace-Id",
	}
	render(f, envelope.Validation("").WithFields(envelope.FieldError{Field: "email", Code: "required"}))

	f.Body = strings.Replace(f.Body, `"text"`, `"kind"`, 1)
	render(f, envelope.NotFound(""))
	// Output:
	// 422 application/json
	// {"failure":{"kind":"BAD_INPUT","text":"One or more fields are invalid.","problems":[{"field":"email","code":"required","message":"is required"}],"extra":null,"trace":"req_9f7a32b5"}}
	// envelope: format custom: body template at byte 41: member "kind" appears twice in one object
}

// A contract that documents indented bodies is reproduced exactly with
// Indent.
func ExampleNullDetailsFormat() {
	f := envelope.NullDetailsFormat()
	f.Indent = "  "
	render(f, envelope.NotFound("Flag not found"))
	// Output:
	// 404 application/json
	// {
	//   "code": "not_found",
	//   "message": "Flag not found",
	//   "details": null
	// }
}

// Field errors are rendered alone, each field with its messages, at 422;
// other errors carry the prefixed code.
func ExamplePrefixedUpperFormat() {
	render(envelope.PrefixedUpperFormat(), envelope.Validation("").
		WithField("title", "can't be blank").WithField("title", "is too short"))
	render(envelope.PrefixedUpperFormat(), envelope.NotFound("Post not found."))
	render(envelope.PrefixedUpperFormat(), envelope.InvalidRequest("Bad page size."))
	// Output:
	// 422 application/json
	// {"errors":{"title":["can't be blank","is too short"]}}
	// 404 application/json
	// {"error":"ERROR_CODE_NOT_FOUND","message":"Post not found."}
	// 400 application/json
	// {"error":"ERROR_CODE_INVALID_PARAM","message":"Bad page size."}
}

// The message comes first, under "error"; details carry the field errors
// when there are any.
func ExampleMessageFirstFormat() {
	render(envelope.MessageFirstFormat(), envelope.Conflict("Version conflict").WithDetails(map[string]int{"current_version": 3}))
	render(envelope.MessageFirstFormat(), envelope.Validation("Invalid input.").WithField("name", "is required"))
	// Output:
	// 409 application/json
	// {"error":"Version conflict","code":"CONFLICT","details":{"current_version":3}}
	// 400 application/json
	// {"error":"Invalid input.","code":"VALIDATION_ERROR","details":{"name":"is required"}}
}

// A code's "type" and "title" attributes make it a problem type of its own
// (RFC 9457 §3.1.1); extension members join the top level.
func ExampleProblemFormat() {
	codes, err := envelope.NewCodes(envelope.CodeInfo{
		Code: "out_of_credit", Status: http.StatusForbidden, Message: "Your current balance is 30, but that costs 50.",
		Attrs: map[string]string{"type": "https://example.com/probs/out-of-credit", "title": "You do not have enough credit."},
	})
	if err != nil {
		panic(err)
	}
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: envelope.ProblemFormat(), Codes: codes, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/account/12345/msgs/abc", nil)
	status, body := ew.Render(nil, r, envelope.New("out_of_credit", "").WithExtension("balance", 30))
	fmt.Println(status, string(body))
	// Output:
	// 403 {"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","status":403,"detail":"Your current balance is 30, but that costs 50.","instance":"/account/12345/msgs/abc","code":"out_of_credit","balance":30}
}

// With Alternates, a client that asks for problem+json gets it, and every
// error response varies on Accept.
func ExampleWriterOptions_alternates() {
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Alternates: []envelope.Format{envelope.ProblemFormat()},
		Logger:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	for _, accept := range []string{"application/json", "application/problem+json"} {
		r := httptest.NewRequest(http.MethodGet, "/flags/x", nil)
		r.Header.Set("Accept", accept)
		w := httptest.NewRecorder()
		ew.Write(w, r, envelope.NotFound("Flag not found"))
		fmt.Println(w.Header().Get("Content-Type"), w.Header().Get("Vary"))
	}
	// Output:
	// application/json Accept
	// application/problem+json Accept
}

// A client turns any error response back into an *APIError, whatever its
// format. Codes it does not know keep their spelling, and Category gives
// the built-in code they fall under.
func ExampleParseResponse() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":{"code":"burst_exceeded","message":"Too many requests.","details":null,"request_id":"9f2c5b4d"}}`)
	}))
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		panic(err)
	}
	e := envelope.ParseResponse(resp) // reads (bounded) and closes the body
	wait, _ := e.RetryAfter()
	fmt.Println(e.Status(), e.Code(), e.Category(), e.Message(), e.RequestID(), wait)
	// Output:
	// 429 burst_exceeded rate_limited Too many requests. 9f2c5b4d 30s
}

// A proxy's HTML error page still parses to a useful error.
func ExampleParse() {
	e := envelope.Parse(http.StatusBadGateway, http.Header{"Content-Type": {"text/html"}},
		[]byte("<html><body>502 Bad Gateway</body></html>"))
	fmt.Println(e.Code(), e.Status(), strings.Contains(e.Unwrap().Error(), "not an error envelope"))
	// Output:
	// bad_gateway 502 true
}
