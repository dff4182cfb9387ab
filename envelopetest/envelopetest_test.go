package envelopetest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apienvelope/envelope"
	"github.com/apienvelope/envelope/envelopetest"
)

// recordingTB is a testing.TB that records what the package reports. Only
// Helper and Errorf are implemented: the package must need nothing else
// (the embedded nil TB panics on any other method).
type recordingTB struct {
	testing.TB
	errors  []string
	helpers int
}

func (r *recordingTB) Helper() { r.helpers++ }
func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// only returns the one failure reported, failing t when there is not
// exactly one.
func (r *recordingTB) only(t *testing.T) string {
	t.Helper()
	if len(r.errors) != 1 {
		t.Fatalf("want exactly one failure, got %d: %q", len(r.errors), r.errors)
	}
	return r.errors[0]
}

func (r *recordingTB) none(t *testing.T) {
	t.Helper()
	if len(r.errors) != 0 {
		t.Fatalf("want no failure, got %d:\n%s", len(r.errors), strings.Join(r.errors, "\n---\n"))
	}
}

// serve starts a real server for h, behind the envelope chain with w's
// writer when ew is not nil.
func serve(t *testing.T, ew *envelope.Writer, h http.Handler) *httptest.Server {
	t.Helper()
	if ew != nil {
		mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
		if err != nil {
			t.Fatal(err)
		}
		h = mw(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, method, path string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func quietWriter(t *testing.T, opts envelope.WriterOptions) *envelope.Writer {
	t.Helper()
	opts.Logger = discardLogger
	ew, err := envelope.NewWriter(opts)
	if err != nil {
		t.Fatal(err)
	}
	return ew
}

// validationHandler fails with two field errors.
var validationHandler = envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
	return envelope.Validation("").
		WithField("email", "must be a valid email address").
		WithField("email", "is already taken").
		WithField("items[2].sku", "is required")
})

func TestPassingChecksReportNothing(t *testing.T) {
	t.Parallel()
	srv := serve(t, quietWriter(t, envelope.WriterOptions{}), validationHandler)
	tb := &recordingTB{}
	envelopetest.Expect(tb, get(t, srv, "GET", "/", http.Header{"X-Request-Id": {"req-1"}})).
		Status(http.StatusBadRequest).
		Code(envelope.CodeValidation).
		Message("One or more fields are invalid.").
		Field("email").
		Field("email", "is already taken", "must be a valid email address").
		Field("items[2].sku", "is required").
		Fields("items[2].sku", "email").
		RequestID("req-1").
		HasRequestID().
		Header("X-Content-Type-Options", "nosniff").
		Header("content-type", "application/json").
		NoHeader("Set-Cookie")
	tb.none(t)
	if tb.helpers == 0 {
		t.Error("Helper not called: failures would point into the package")
	}
}

// A failed check says what it found and wanted, then shows the response:
// status, Content-Type, body and the error read from it.
func TestFailureMessageExplainsItself(t *testing.T) {
	t.Parallel()
	srv := serve(t, quietWriter(t, envelope.WriterOptions{}), envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.NotFound("Flag not found")
	}))
	tb := &recordingTB{}
	envelopetest.Expect(tb, get(t, srv, "GET", "/", http.Header{"X-Request-Id": {"req-1"}})).Code(envelope.CodeConflict)
	want := `envelopetest: code is "not_found", want "conflict"
    response: 404 Not Found, Content-Type: application/json
    body:     {"code":"not_found","message":"Flag not found","requestId":"req-1"}
    parsed:   code=not_found status=404 message="Flag not found" requestId="req-1"`
	if got := tb.only(t); got != want {
		t.Errorf("failure message:\n%s\nwant:\n%s", got, want)
	}
}

// Every check fails on its own mismatch, with a first line naming it.
func TestEachCheckFails(t *testing.T) {
	t.Parallel()
	srv := serve(t, quietWriter(t, envelope.WriterOptions{}), validationHandler)
	tests := []struct {
		name  string
		check func(*envelopetest.Response)
		want  string
	}{
		{"status", func(r *envelopetest.Response) { r.Status(422) }, `envelopetest: status is 400 Bad Request, want 422 Unprocessable Entity`},
		{"code", func(r *envelopetest.Response) { r.Code(envelope.CodeInvalidRequest) }, `envelopetest: code is "validation_failed", want "invalid_request"`},
		{"message", func(r *envelopetest.Response) { r.Message("Invalid.") }, `envelopetest: message is "One or more fields are invalid.", want "Invalid."`},
		{"missing field", func(r *envelopetest.Response) { r.Field("name") }, `envelopetest: no field error for "name"; fields: "email", "items[2].sku"`},
		{"field message", func(r *envelopetest.Response) { r.Field("email", "is required") },
			`envelopetest: field "email" has message "must be a valid email address; is already taken", want "is required"`},
		{"fields", func(r *envelopetest.Response) { r.Fields("email") }, `envelopetest: fields are "email", "items[2].sku", want "email"`},
		{"no fields", func(r *envelopetest.Response) { r.Fields() }, `envelopetest: fields are "email", "items[2].sku", want none`},
		{"request ID", func(r *envelopetest.Response) { r.RequestID("req-2") }, `envelopetest: request ID is "req-1", want "req-2"`},
		{"header", func(r *envelopetest.Response) { r.Header("Cache-Control", "no-cache") }, `envelopetest: Cache-Control header is "no-store", want "no-cache"`},
		{"missing header", func(r *envelopetest.Response) { r.Header("allow", "GET") }, `envelopetest: no Allow header, want "GET"`},
		{"present header", func(r *envelopetest.Response) { r.NoHeader("x-request-id") }, `envelopetest: X-Request-Id header is "req-1", want none`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := &recordingTB{}
			tt.check(envelopetest.Expect(tb, get(t, srv, "GET", "/", http.Header{"X-Request-Id": {"req-1"}})))
			got := tb.only(t)
			first, rest, _ := strings.Cut(got, "\n")
			if first != tt.want {
				t.Errorf("first line:\n%s\nwant:\n%s", first, tt.want)
			}
			for _, part := range []string{"response: 400 Bad Request", `"code":"validation_failed"`, "parsed:   code=validation_failed", `email: "must be a valid email address; is already taken"`} {
				if !strings.Contains(rest, part) {
					t.Errorf("failure message lacks %q:\n%s", part, got)
				}
			}
		})
	}
}

// The request ID in the body must agree with the request ID header.
func TestRequestIDChecksTheHeaderToo(t *testing.T) {
	t.Parallel()
	h := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "other")
		w.WriteHeader(404)
		io.WriteString(w, `{"code":"not_found","message":"x","requestId":"req-1"}`)
	}
	srv := serve(t, nil, http.HandlerFunc(h))
	tb := &recordingTB{}
	envelopetest.Expect(tb, get(t, srv, "GET", "/", nil)).RequestID("req-1")
	if got := tb.only(t); !strings.HasPrefix(got, `envelopetest: X-Request-Id header is "other", want "req-1"`) {
		t.Errorf("got %s", got)
	}

	tb = &recordingTB{}
	envelopetest.Expect(tb, get(t, srv, "GET", "/", nil)).HasRequestID()
	if got := tb.only(t); !strings.HasPrefix(got, `envelopetest: X-Request-Id header is "other", want "req-1"`) {
		t.Errorf("got %s", got)
	}
}

func TestHasRequestIDFailsWithoutOne(t *testing.T) {
	t.Parallel()
	ew := quietWriter(t, envelope.WriterOptions{})
	srv := serve(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ew.Write(w, r, envelope.Conflict("")) // no chain: no request ID
	}))
	tb := &recordingTB{}
	envelopetest.Expect(tb, get(t, srv, "GET", "/", nil)).HasRequestID()
	if got := tb.only(t); !strings.HasPrefix(got, `envelopetest: request ID is "", want a valid request ID`) {
		t.Errorf("got %s", got)
	}
}

// A recorder works like a response from a real server.
func TestRecorder(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	ew := quietWriter(t, envelope.WriterOptions{})
	ew.Write(rec, httptest.NewRequest("DELETE", "/flags/x", nil), envelope.MethodNotAllowed("", "GET", "PUT"))
	tb := &recordingTB{}
	envelopetest.Expect(tb, rec).Status(405).Code(envelope.CodeMethodNotAllowed).Header("Allow", "GET, PUT").Fields()
	tb.none(t)
}

// Expect fails once, and the checks after it stay silent, when there is
// no error response to check.
func TestExpectFailsOnWhatIsNotAnErrorEnvelope(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"ok":true}`) })
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "404 page not found", 404) })
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		io.WriteString(w, "<html><body>Bad gateway</body></html>")
	})
	srv := serve(t, nil, mux)
	tests := []struct{ path, want, body string }{
		{"/ok", "envelopetest: status 200 OK is not an error status", `{"ok":true}`},
		{"/plain", "envelopetest: the body is not an error envelope of the expected formats (404 response (text/plain; charset=utf-8, 19 bytes) is not an error envelope)", "404 page not found"},
		{"/empty", "envelopetest: the body is not an error envelope of the expected formats (500 response has an empty body)", "(empty)"},
		{"/html", "envelopetest: the body is not an error envelope of the expected formats (502 response (text/html, 37 bytes) is not an error envelope)", "<html><body>Bad gateway</body></html>"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			tb := &recordingTB{}
			r := envelopetest.Expect(tb, get(t, srv, "GET", tt.path, nil)).Status(404).Code(envelope.CodeNotFound).Field("x").RequestID("y").Header("X", "y")
			got := tb.only(t)
			first, rest, _ := strings.Cut(got, "\n")
			if first != tt.want {
				t.Errorf("first line:\n%s\nwant:\n%s", first, tt.want)
			}
			if !strings.Contains(rest, "body:     "+tt.body) {
				t.Errorf("failure message does not show the body %s:\n%s", tt.body, got)
			}
			if strings.Contains(rest, "parsed:") {
				t.Errorf("a body that is not an envelope has no parsed line:\n%s", got)
			}
			if r.Err() != nil {
				t.Errorf("Err() = %v, want nil after a failed Expect", r.Err())
			}
		})
	}
}

func TestExpectMisuse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    any
		want string
	}{
		{"nil", nil, "envelopetest: Expect needs an *http.Response or an *httptest.ResponseRecorder, not <nil>"},
		{"string", "404", "envelopetest: Expect needs an *http.Response or an *httptest.ResponseRecorder, not string"},
		{"request", httptest.NewRequest("GET", "/", nil), "envelopetest: Expect needs an *http.Response or an *httptest.ResponseRecorder, not *http.Request"},
		{"nil response", (*http.Response)(nil), "envelopetest: Expect was given a nil *http.Response"},
		{"nil recorder", (*httptest.ResponseRecorder)(nil), "envelopetest: Expect was given a nil *httptest.ResponseRecorder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := &recordingTB{}
			envelopetest.Expect(tb, tt.r).Status(404).Code("x").Message("m").Fields().HasRequestID().NoHeader("y")
			if got := tb.only(t); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}

	tb := &recordingTB{}
	envelopetest.Options{Formats: []envelope.Format{{Name: "broken"}}}.Expect(tb, httptest.NewRecorder())
	if got := tb.only(t); !strings.HasPrefix(got, "envelopetest: invalid Options: ") {
		t.Errorf("got %q", got)
	}
}

// Options read an API's own formats and domain codes: a problem-details
// body with a domain code and JSON Pointers reads back as declared.
func TestOptionsFormatsAndCodes(t *testing.T) {
	t.Parallel()
	codes, err := envelope.NewCodes(envelope.CodeInfo{Code: "in_use", Status: 409, Message: "The resource is still referenced."})
	if err != nil {
		t.Fatal(err)
	}
	problem := envelope.ProblemFormat()
	ew := quietWriter(t, envelope.WriterOptions{Format: problem, Codes: codes})
	srv := serve(t, ew, envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.New("in_use", "").
			WithFields(envelope.FieldError{Field: "labels[a.b]", Code: "referenced", Message: "is referenced"}).
			WithField("items[2].sku", "is required")
	}))
	api := envelopetest.Options{Formats: []envelope.Format{problem}, Codes: codes}
	tb := &recordingTB{}
	resp := api.Expect(tb, get(t, srv, "GET", "/", http.Header{"X-Request-Id": {"req-9"}})).
		Status(409).
		Code("in_use").
		Message("The resource is still referenced.").
		Field("labels[a.b]", "is referenced").
		Field("items[2].sku", "is required").
		RequestID("req-9").
		Header("Content-Type", envelope.ProblemMediaType)
	tb.none(t)
	if e := resp.Err(); e == nil || e.Category() != envelope.CodeConflict {
		t.Errorf("Err() = %v, want an error of category conflict", e)
	}

	// Read with the default options, the flat format's Content-Type is
	// not what the problem body was served with, but it is one of the
	// presets': no complaint. Read as flat only, it is.
	tb = &recordingTB{}
	envelopetest.Options{Formats: []envelope.Format{envelope.FlatFormat()}}.Expect(tb, get(t, srv, "GET", "/", nil))
	if got := tb.only(t); !strings.HasPrefix(got, `envelopetest: Content-Type is "application/problem+json", want the media type of a format: application/json`) {
		t.Errorf("got %s", got)
	}
}

// The response to a HEAD request has no body: status and headers are
// checked, and a check that needs the body says why it cannot run.
func TestHEAD(t *testing.T) {
	t.Parallel()
	srv := serve(t, quietWriter(t, envelope.WriterOptions{}), envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.NotFound("")
	}))
	tb := &recordingTB{}
	r := envelopetest.Expect(tb, get(t, srv, "HEAD", "/", http.Header{"X-Request-Id": {"req-h"}})).
		Status(404).
		Header("Content-Type", "application/json").
		RequestID("req-h").
		HasRequestID()
	tb.none(t)
	r.Code(envelope.CodeNotFound)
	if got := tb.only(t); !strings.HasPrefix(got, "envelopetest: cannot check the code: the response to a HEAD request has no body") {
		t.Errorf("got %s", got)
	}
}

// A long body is cut in the failure message, a binary one quoted.
func TestBodiesInMessages(t *testing.T) {
	t.Parallel()
	long := `{"code":"not_found","message":"` + strings.Repeat("é", 3000) + `"}`
	srv := serve(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		if r.URL.Path == "/long" {
			io.WriteString(w, long)
			return
		}
		w.Write([]byte("\x00\xffnot json"))
	}))
	tb := &recordingTB{}
	envelopetest.Expect(tb, get(t, srv, "GET", "/long", nil)).Code("x")
	got := tb.only(t)
	if !strings.Contains(got, fmt.Sprintf("… (%d bytes in all)", len(long))) || len(got) > 3<<10 {
		t.Errorf("long body not cut (%d bytes):\n%.300s", len(got), got)
	}
	tb = &recordingTB{}
	envelopetest.Expect(tb, get(t, srv, "GET", "/bin", nil))
	if got := tb.only(t); !strings.Contains(got, `body:     "\x00\xffnot json"`) {
		t.Errorf("binary body not quoted:\n%s", got)
	}
}

// Expect works with *testing.T and *testing.B alike.
func TestWithTestingT(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	quietWriter(t, envelope.WriterOptions{}).Write(rec, httptest.NewRequest("GET", "/", nil), envelope.Gone(""))
	envelopetest.Expect(t, rec).Status(410).Code(envelope.CodeGone)
}

func BenchmarkExpect(b *testing.B) {
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: discardLogger})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		ew.Write(rec, req, envelope.NotFound(""))
		envelopetest.Expect(b, rec).Status(404).Code(envelope.CodeNotFound)
	}
}
