package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apienvelope/envelope"
	"github.com/apienvelope/envelope/envelopetest"
)

// api reads this server's error responses as its clients do: in the two
// formats its writer serves, with its own codes.
func api(t *testing.T) envelopetest.Options {
	t.Helper()
	table, err := envelope.NewCodes(codes...)
	if err != nil {
		t.Fatal(err)
	}
	return envelopetest.Options{
		Formats: []envelope.Format{envelope.FlatFormat(), envelope.ProblemFormat()},
		Codes:   table,
	}
}

// send makes one request to srv.
func send(t *testing.T, srv *httptest.Server, method, path, body string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestErrorsWithEnvelopetest checks the API's error responses the way a
// user of envelope tests their own handlers: one line per response.
func TestErrorsWithEnvelopetest(t *testing.T) {
	t.Parallel()
	h, err := newServer(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	api := api(t)

	api.Expect(t, send(t, srv, "GET", "/flags/nope", "", "X-Request-Id", "test-1")).
		Status(http.StatusNotFound).Code(envelope.CodeNotFound).RequestID("test-1")

	api.Expect(t, send(t, srv, "POST", "/flags", `{"key":"BAD KEY!"}`)).
		Status(http.StatusBadRequest).Code(envelope.CodeValidation).
		Fields("key", "enabled").Field("key", "has an invalid format").Field("enabled", "is required").
		HasRequestID()

	api.Expect(t, send(t, srv, "POST", "/flags", `{"key":"beta","enabled":"yes"}`)).
		Code(envelope.CodeInvalidRequest).Field("enabled", "must be a boolean")

	api.Expect(t, send(t, srv, "DELETE", "/flags/dark-mode", "")).
		Status(http.StatusConflict).Code(codeInUse).
		Message("The flag is still referenced by new-nav.").Field("dependents", "flag.new-nav")

	api.Expect(t, send(t, srv, "PATCH", "/flags/dark-mode", "")).
		Status(http.StatusMethodNotAllowed).Code(envelope.CodeMethodNotAllowed).
		Header("Allow", "DELETE, GET, HEAD")

	api.Expect(t, send(t, srv, "GET", "/boom", "")).
		Status(http.StatusInternalServerError).Code(envelope.CodeInternal).
		Message("An internal error occurred.").HasRequestID().Header("Cache-Control", "no-store")

	api.Expect(t, send(t, srv, "POST", "/flags", `{"key":"`+strings.Repeat("x", 1<<20)+`"}`)).
		Status(http.StatusRequestEntityTooLarge).Code(envelope.CodePayloadTooLarge)

	// RFC 9457 by content negotiation, in German: the same checks.
	api.Expect(t, send(t, srv, "POST", "/flags", `{}`, "Accept", envelope.ProblemMediaType, "Accept-Language", "de")).
		Status(http.StatusBadRequest).Code(envelope.CodeValidation).
		Header("Content-Type", envelope.ProblemMediaType).Header("Content-Language", "de").
		Field("key", "ist erforderlich").Field("enabled", "ist erforderlich")

	// A ResponseRecorder reads the same way.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/billing", nil))
	api.Expect(t, rec).Status(http.StatusInternalServerError).Code(envelope.CodeInternal).
		Message("billing provider returned an unexpected error").HasRequestID()
}
