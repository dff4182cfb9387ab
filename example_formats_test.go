package envelope_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
)

// render writes err with format f and prints the status, content type and
// body.
func render(f envelope.Format, err error) {
	ew, e := envelope.NewErrorWriter(envelope.Config{Format: &f, Logger: slog.New(slog.DiscardHandler)})
	if e != nil {
		panic(e)
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
// in upper case, field errors as a list of objects, details null when
// empty, validation at 422 and the request ID in a header of its own.
func ExampleFormat_custom() {
	f := envelope.Format{
		Name: "custom",
		Wrap: "failure",
		Members: []envelope.Member{
			{Kind: envelope.MemberCode, Name: "kind"},
			{Kind: envelope.MemberMessage, Name: "text"},
			{Kind: envelope.MemberFields, Name: "problems", Fields: envelope.FieldsObjects},
			{Kind: envelope.MemberDetails, Name: "extra", Empty: envelope.EmptyNull},
			{Kind: envelope.MemberRequestID, Name: "trace"},
		},
		CodeCase:         envelope.CodeUpper,
		CodeNames:        map[envelope.Code]string{envelope.CodeValidation: "BAD_INPUT"},
		ValidationStatus: 422,
		RequestIDHeader:  "X-Trace-Id",
	}
	if err := f.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	render(f, envelope.Validation("").WithFieldCode("email", "required", "is required"))

	f.Members[1].Name = "kind"
	fmt.Println(f.Validate())
	// Output:
	// 422 application/json
	// {"failure":{"kind":"BAD_INPUT","text":"One or more fields are invalid.","problems":[{"field":"email","code":"required","message":"is required"}],"extra":null,"trace":"req_9f7a32b5"}}
	// envelope: format has two members named "kind"
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

// With Alternates, a client that asks for problem+json gets it, and every
// error response varies on Accept.
func ExampleConfig_alternates() {
	ew, err := envelope.NewErrorWriter(envelope.Config{
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
func ExampleFromResponse() {
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
	e := envelope.FromResponse(resp) // reads (bounded) and closes the body
	wait, _ := envelope.RetryAfterOf(e)
	fmt.Println(e.Status(), e.Code(), e.Category(), e.Message(), e.RequestID(), wait)
	// Output:
	// 429 burst_exceeded rate_limited Too many requests. 9f2c5b4d 30s
}

// A proxy's HTML error page still decodes to a useful error.
func ExampleDecode() {
	e := envelope.Decode(http.StatusBadGateway, http.Header{"Content-Type": {"text/html"}},
		[]byte("<html><body>502 Bad Gateway</body></html>"))
	fmt.Println(e.Code(), e.Status(), strings.Contains(e.Unwrap().Error(), "not an error envelope"))
	// Output:
	// bad_gateway 502 true
}
