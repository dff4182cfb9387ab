package envelope_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
)

// get sends a request to srv and prints the status, the named response
// headers and the body.
func get(srv *httptest.Server, method, path string, reqHeader map[string]string, body io.Reader, show ...string) {
	req, _ := http.NewRequest(method, srv.URL+path, body)
	for k, v := range reqHeader {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status)
	for _, k := range show {
		v := resp.Header.Get(k)
		if v == "" {
			v = "(absent)"
		}
		fmt.Printf("%s: %s\n", k, v)
	}
	if len(b) > 0 {
		fmt.Println(strings.TrimSpace(string(b)))
	}
}

func ExampleMiddleware() {
	ew, err := envelope.NewErrorWriter(envelope.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{
		ErrorWriter:     ew,
		SecurityHeaders: envelope.SecurityHeadersOptions{ReferrerPolicy: "strict-origin-when-cross-origin"},
	})
	if err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /flags/{key}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.NotFound("Flag not found.")
	}))
	srv := httptest.NewServer(mw(mux))
	defer srv.Close()

	get(srv, http.MethodGet, "/flags/beta", map[string]string{"X-Request-Id": "req-1"}, nil,
		"X-Request-Id", "Referrer-Policy", "X-Frame-Options")
	// Output:
	// 404 Not Found
	// X-Request-Id: req-1
	// Referrer-Policy: strict-origin-when-cross-origin
	// X-Frame-Options: DENY
	// {"code":"not_found","message":"Flag not found.","requestId":"req-1"}
}

func ExampleProtect() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "pong")
	})
	srv := httptest.NewServer(envelope.Protect(mux))
	defer srv.Close()

	get(srv, http.MethodGet, "/ping", map[string]string{"X-Request-Id": "req-2"}, nil,
		"X-Request-Id", "X-Content-Type-Options", "Content-Security-Policy")
	// Output:
	// 200 OK
	// X-Request-Id: req-2
	// X-Content-Type-Options: nosniff
	// Content-Security-Policy: default-src 'none'; frame-ancestors 'none'
	// pong
}

func ExampleRequestID() {
	rid, err := envelope.RequestID(envelope.RequestIDOptions{Traceparent: true})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(rid(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "handler sees", envelope.RequestIDFrom(r.Context()))
	})))
	defer srv.Close()

	get(srv, http.MethodGet, "/", map[string]string{
		"Traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	}, nil, "X-Request-Id")
	// An unsafe incoming ID is replaced by a fresh UUIDv4, never cleaned.
	rid2, _ := envelope.RequestID(envelope.RequestIDOptions{})
	srv2 := httptest.NewServer(rid2(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, len(envelope.RequestIDFrom(r.Context())), "bytes")
	})))
	defer srv2.Close()
	get(srv2, http.MethodGet, "/", map[string]string{"X-Request-Id": "<script>alert(1)</script>"}, nil)
	// Output:
	// 200 OK
	// X-Request-Id: 4bf92f3577b34da6a3ce929d0e0e4736
	// handler sees 4bf92f3577b34da6a3ce929d0e0e4736
	// 200 OK
	// 36 bytes
}

func ExampleSecurityHeaders() {
	sec, err := envelope.SecurityHeaders(envelope.SecurityHeadersOptions{
		FrameOptions: "SAMEORIGIN",
		HSTSAlways:   true,
		Omit:         []string{"Cross-Origin-Resource-Policy"},
	})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(sec(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})))
	defer srv.Close()

	get(srv, http.MethodGet, "/", nil, nil, "X-Frame-Options", "Strict-Transport-Security", "Cross-Origin-Resource-Policy")

	_, err = envelope.SecurityHeaders(envelope.SecurityHeadersOptions{ReferrerPolicy: "sometimes"})
	fmt.Println(err)
	// Output:
	// 204 No Content
	// X-Frame-Options: SAMEORIGIN
	// Strict-Transport-Security: max-age=31536000; includeSubDomains
	// Cross-Origin-Resource-Policy: (absent)
	// envelope: Referrer-Policy value "sometimes": unknown policy "sometimes"
}

func ExampleRecover() {
	quiet := slog.New(slog.DiscardHandler)
	ew, _ := envelope.NewErrorWriter(envelope.Config{Logger: quiet})
	rec := envelope.Recover(envelope.RecoverOptions{Logger: quiet, ErrorWriter: ew})
	srv := httptest.NewServer(rec(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=half-done")
		panic("nil map: the database password is hunter2")
	})))
	defer srv.Close()

	get(srv, http.MethodGet, "/", nil, nil, "Set-Cookie", "Cache-Control")
	// Output:
	// 500 Internal Server Error
	// Set-Cookie: (absent)
	// Cache-Control: no-store
	// {"code":"internal","message":"An internal error occurred."}
}

func ExampleRouterErrors() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "item", r.PathValue("id"))
	})
	srv := httptest.NewServer(envelope.Protect(envelope.RouterErrors(mux)))
	defer srv.Close()

	get(srv, http.MethodDelete, "/items/1", map[string]string{"X-Request-Id": "req-3"}, nil, "Allow")
	get(srv, http.MethodGet, "/nowhere", map[string]string{"X-Request-Id": "req-4"}, nil)
	// Output:
	// 405 Method Not Allowed
	// Allow: GET, HEAD
	// {"code":"method_not_allowed","message":"The request method is not supported for this resource.","requestId":"req-3"}
	// 404 Not Found
	// {"code":"not_found","message":"The requested resource was not found.","requestId":"req-4"}
}

func ExampleBodyLimit() {
	h := envelope.BodyLimit(16)(envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v map[string]any
		if err := envelope.DecodeJSON(r, &v); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
	srv := httptest.NewServer(envelope.Protect(h))
	defer srv.Close()

	hdr := map[string]string{"X-Request-Id": "req-5", "Content-Type": "application/json"}
	get(srv, http.MethodPost, "/", hdr, strings.NewReader(`{"a":1}`))
	get(srv, http.MethodPost, "/", hdr, strings.NewReader(`{"a":"far too long for the limit"}`))
	// Output:
	// 204 No Content
	// 413 Request Entity Too Large
	// {"code":"payload_too_large","message":"The request body must not exceed 16 bytes.","requestId":"req-5"}
}
