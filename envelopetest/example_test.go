package envelopetest_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apienvelope/envelope"
	"github.com/apienvelope/envelope/envelopetest"
)

var discardLogger = slog.New(slog.DiscardHandler)

// printingTB stands in for the *testing.T of a test, printing what a
// failing check reports.
type printingTB struct{ testing.TB }

func (printingTB) Helper()                           {}
func (printingTB) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// A handler test checks the error response in one line. When a check
// fails, the report shows the response it was made on.
func Example() {
	var t testing.TB = printingTB{} // in a test: the *testing.T

	handler := envelope.Protect(envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.Validation("").WithField("email", "must be a valid email address")
	}))
	req := httptest.NewRequest("POST", "/signup", nil)
	req.Header.Set("X-Request-Id", "req-1")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)

	envelopetest.Expect(t, rec).
		Status(http.StatusBadRequest).
		Code(envelope.CodeValidation).
		Field("email", "must be a valid email address").
		RequestID("req-1")

	envelopetest.Expect(t, rec).Code(envelope.CodeInvalidRequest) // fails
	// Output:
	// envelopetest: code is "validation_failed", want "invalid_request"
	//     response: 400 Bad Request, Content-Type: application/json
	//     body:     {"code":"validation_failed","message":"One or more fields are invalid.","fields":{"email":"must be a valid email address"},"requestId":"req-1"}
	//     parsed:   code=validation_failed status=400 message="One or more fields are invalid." fields=[email: "must be a valid email address"] requestId="req-1"
}

// An API with its own format and codes reads its responses with Options,
// built once and shared by its tests.
func ExampleOptions_Expect() {
	var t testing.TB = printingTB{}

	codes, _ := envelope.NewCodes(envelope.CodeInfo{Code: "in_use", Status: http.StatusConflict, Message: "The resource is still referenced."})
	api := envelopetest.Options{Formats: []envelope.Format{envelope.ProblemFormat()}, Codes: codes}

	ew, _ := envelope.NewWriter(envelope.WriterOptions{Format: envelope.ProblemFormat(), Codes: codes, Logger: discardLogger})
	rec := httptest.NewRecorder()
	ew.Write(rec, httptest.NewRequest("DELETE", "/segments/beta", nil), envelope.New("in_use", "segment beta is used by flag alpha"))

	e := api.Expect(t, rec).Status(http.StatusConflict).Code("in_use").Err()
	fmt.Println(e.Message())
	fmt.Println(e.Category())
	// Output:
	// segment beta is used by flag alpha
	// conflict
}
