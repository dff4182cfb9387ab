package envelope_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"

	"github.com/apienvelope/envelope"
)

// show serves one request through h, as a client with the request ID
// req_9f7a32b5 sends it, and prints the status, the content type and the
// body.
func show(h http.Handler, method, target, body string) {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.Header.Set("X-Request-Id", "req_9f7a32b5")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(rec.Body.String())
}

// Behind the middleware ([envelope.Protect] here), a handler writes an
// error with the package-level Write; the body carries the request ID.
func ExampleWrite() {
	h := envelope.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		envelope.Write(w, r, envelope.NotFound("Flag not found"))
	}))
	show(h, "GET", "/flags/dark-mode", "")
	// Output:
	// 404 application/json
	// {"code":"not_found","message":"Flag not found","requestId":"req_9f7a32b5"}
}

// A cause is for logs and errors.Is; the client sees only the public
// message. The writer's log record carries the cause's text.
func ExampleWrap() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // a stable output
			}
			return a
		},
	}))
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: logger})
	if err != nil {
		panic(err)
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	if err != nil {
		panic(err)
	}
	errCard := errors.New("card provider: secret key sk_live_123 rejected")
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := envelope.Wrap(errCard, envelope.CodeInternal, "billing provider returned an unexpected error")
		fmt.Println("is the cause:", errors.Is(err, errCard))
		envelope.Write(w, r, err)
	}))
	show(h, "POST", "/checkout", "")
	// Output:
	// is the cause: true
	// level=ERROR msg="envelope: server error" code=internal status=500 requestId=req_9f7a32b5 method=POST path=/checkout error="card provider: secret key sk_live_123 rejected"
	// 500 application/json
	// {"code":"internal","message":"billing provider returned an unexpected error","requestId":"req_9f7a32b5"}
}

// Field errors name the field as the client sent it; one without a
// message gets the catalog message of its code.
func ExampleAPIError_WithField() {
	err := envelope.InvalidRequest("email is required").
		WithField("email", "must be a valid email address").
		WithFields(envelope.FieldError{Field: "items[2].sku", Code: "required"})
	h := envelope.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { envelope.Write(w, r, err) }))
	show(h, "POST", "/signup", "")
	// Output:
	// 400 application/json
	// {"code":"invalid_request","message":"email is required","fields":{"email":"must be a valid email address","items[2].sku":"is required"},"requestId":"req_9f7a32b5"}
}

func ExampleHandlerFunc() {
	flags := map[string]bool{"dark-mode": true}
	h := envelope.Protect(envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		on, ok := flags[strings.TrimPrefix(r.URL.Path, "/flags/")]
		if !ok {
			return envelope.NotFound("Flag not found")
		}
		_, err := fmt.Fprintf(w, `{"enabled":%t}`, on)
		return err
	}))
	show(h, "GET", "/flags/beta", "")
	// Output:
	// 404 application/json
	// {"code":"not_found","message":"Flag not found","requestId":"req_9f7a32b5"}
}

// An API declares its own codes once, at start-up, and gives the table to
// its writer (and to its clients' parsers). errors.Is matches any error of
// the code.
func ExampleNewCodes() {
	const codeVersionDrift envelope.Code = "version_drift"
	codes, err := envelope.NewCodes(envelope.CodeInfo{
		Code:        codeVersionDrift,
		Status:      http.StatusConflict,
		Message:     "The environment changed since the proposal was made.",
		Description: "Apply attempted after the environment's version moved.",
	})
	if err != nil {
		panic(err)
	}
	ew, err := envelope.NewWriter(envelope.WriterOptions{Codes: codes, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	if err != nil {
		panic(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := fmt.Errorf("applying proposal: %w",
			envelope.New(codeVersionDrift, "").WithExtension("liveVersion", 7).WithExtension("proposedVersion", 5))
		fmt.Println(errors.Is(err, envelope.New(codeVersionDrift, "")), envelope.CodeOf(err))
		envelope.Write(w, r, err)
	}))
	show(h, "POST", "/proposals/1/apply", "")

	_, err = envelope.NewCodes(envelope.CodeInfo{Code: "Version-Drift", Status: 409, Message: "x"})
	fmt.Println(err)
	// Output:
	// true version_drift
	// 409 application/json
	// {"code":"version_drift","message":"The environment changed since the proposal was made.","requestId":"req_9f7a32b5","liveVersion":7,"proposedVersion":5}
	// envelope: code "Version-Drift" is not lowercase snake_case of at most 64 bytes
}

// DecodeRequest's errors are ready to write: a value of the wrong type
// names the field.
func ExampleDecodeRequest() {
	h := envelope.Protect(envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Name string `json:"name"`
			Age  int    `json:"age"`
		}
		if err := envelope.DecodeRequest(r, &in); err != nil {
			return err
		}
		w.WriteHeader(http.StatusCreated)
		return nil
	}))
	show(h, "POST", "/people", `{"name":"Ada","age":"thirty-six"}`)
	show(h, "POST", "/people", `{"name":"Ada","email":"ada@example.com"}`)
	// Output:
	// 400 application/json
	// {"code":"invalid_request","message":"A field of the request body has the wrong type.","fields":{"age":"must be an integer"},"requestId":"req_9f7a32b5"}
	// 400 application/json
	// {"code":"invalid_request","message":"The request body has an unknown field.","fields":{"email":"is not a known field"},"requestId":"req_9f7a32b5"}
}

// A query parameter that does not parse gets the field error a JSON member
// of the wrong type gets, without the parser's text.
func ExampleValueError() {
	h := envelope.Protect(envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil {
			return envelope.InvalidRequest("").WithFields(envelope.ValueError("limit", err))
		}
		fmt.Fprintf(w, "limit %d\n", limit)
		return nil
	}))
	show(h, "GET", "/people?limit=ten", "")
	// Output:
	// 400 application/json
	// {"code":"invalid_request","message":"The request is malformed.","fields":{"limit":"must be an integer"},"requestId":"req_9f7a32b5"}
}

func ExampleCodeOf() {
	fmt.Println(envelope.CodeOf(fmt.Errorf("loading: %w", envelope.NotFound(""))))
	fmt.Println(envelope.CodeOf(errors.New("anything else")))
	fmt.Println(envelope.CodeOf(nil) == "")
	// Output:
	// not_found
	// internal
	// true
}
