package envelope_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
)

// show serves h once and prints the status, a few headers and the body.
func show(h http.Handler, method, target, body string) {
	rec := httptest.NewRecorder()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(rec.Body.String())
}

func ExampleWrite() {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		envelope.Write(w, r, envelope.NotFound("Flag not found"))
	})
	show(h, "GET", "/flags/dark-mode", "")
	// Output:
	// 404 application/json
	// {"code":"not_found","message":"Flag not found"}
}

// A cause is for logs and errors.Is; the client sees only the public message.
func ExampleWrap() {
	errCard := errors.New("card provider: secret key sk_live_123 rejected")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := envelope.Wrap(errCard, envelope.CodeInternal, "billing provider returned an unexpected error")
		fmt.Println("is the cause:", errors.Is(err, errCard))
		envelope.Write(w, r, err)
	})
	show(h, "POST", "/checkout", "")
	// Output:
	// is the cause: true
	// 500 application/json
	// {"code":"internal","message":"billing provider returned an unexpected error"}
}

func ExampleAPIError_WithField() {
	err := envelope.InvalidRequest("email is required").
		WithField("email", "must be a valid email address").
		WithFieldCode("items[2].sku", "required", "is required")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { envelope.Write(w, r, err) })
	show(h, "POST", "/signup", "")
	// Output:
	// 400 application/json
	// {"code":"invalid_request","message":"email is required","fields":{"email":"must be a valid email address","items[2].sku":"is required"}}
}

func ExampleHandlerFunc() {
	flags := map[string]bool{"dark-mode": true}
	h := envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		on, ok := flags[strings.TrimPrefix(r.URL.Path, "/flags/")]
		if !ok {
			return envelope.NotFound("Flag not found")
		}
		_, err := fmt.Fprintf(w, `{"enabled":%t}`, on)
		return err
	})
	show(h, "GET", "/flags/beta", "")
	// Output:
	// 404 application/json
	// {"code":"not_found","message":"Flag not found"}
}

func ExampleMustRegister() {
	// Once, at start-up; the result is the code's sentinel.
	errVersionDrift := envelope.MustRegister(envelope.CodeInfo{
		Code:        "example_version_drift",
		Status:      http.StatusConflict,
		Message:     "The environment changed since the proposal was made.",
		Description: "Apply attempted after the environment's version moved.",
	})
	err := fmt.Errorf("applying proposal: %w",
		errVersionDrift.WithExtension("liveVersion", 7).WithExtension("proposedVersion", 5))
	fmt.Println(errors.Is(err, errVersionDrift), envelope.StatusOf(err))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { envelope.Write(w, r, err) })
	show(h, "POST", "/proposals/1/apply", "")
	// Output:
	// true 409
	// 409 application/json
	// {"code":"example_version_drift","message":"The environment changed since the proposal was made.","liveVersion":7,"proposedVersion":5}
}

func ExampleDecodeJSON() {
	h := envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Name string `json:"name"`
			Age  int    `json:"age"`
		}
		if err := envelope.DecodeJSON(r, &in); err != nil {
			return err
		}
		w.WriteHeader(http.StatusCreated)
		return nil
	})
	show(h, "POST", "/people", `{"name":"Ada","age":"thirty-six"}`)
	// Output:
	// 400 application/json
	// {"code":"invalid_request","message":"A field of the request body has the wrong type.","fields":{"age":"must be an integer"}}
}

func ExampleCodeOf() {
	fmt.Println(envelope.CodeOf(fmt.Errorf("loading: %w", envelope.ErrNotFound)))
	fmt.Println(envelope.CodeOf(errors.New("anything else")))
	fmt.Println(envelope.CodeOf(nil) == "")
	// Output:
	// not_found
	// internal
	// true
}
