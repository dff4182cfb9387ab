package envelope_test

import (
	"errors"
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

// silentWriter is a Writer in the flat format that logs nowhere, so the
// examples print only what the client sees.
func silentWriter() *envelope.Writer {
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	return ew
}

func ExampleMiddleware() {
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{
		Writer:   silentWriter(),
		Security: envelope.SecurityOptions{ReferrerPolicy: "strict-origin-when-cross-origin"},
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

// The request ID can come from a W3C traceparent, so logs and traces share
// one key; an unsafe incoming ID is replaced by a fresh UUIDv4, never
// cleaned.
func ExampleMiddleware_requestID() {
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{
		Writer:    silentWriter(),
		RequestID: envelope.RequestIDOptions{Traceparent: true},
	})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := envelope.RequestIDFrom(r.Context())
		fmt.Fprintln(w, "handler sees", len(id), "bytes:", envelope.ValidRequestID(id) && !strings.Contains(id, "<"))
	})))
	defer srv.Close()

	get(srv, http.MethodGet, "/", map[string]string{
		"Traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	}, nil, "X-Request-Id")
	get(srv, http.MethodGet, "/", map[string]string{"X-Request-Id": "<script>alert(1)</script>"}, nil)
	// Output:
	// 200 OK
	// X-Request-Id: 4bf92f3577b34da6a3ce929d0e0e4736
	// handler sees 32 bytes: true
	// 200 OK
	// handler sees 36 bytes: true
}

// The format's RequestIDHeader names the header the chain reads and echoes
// the ID in.
func ExampleMiddleware_requestIDHeader() {
	f := envelope.FlatFormat()
	f.RequestIDHeader = "X-Correlation-Id"
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: f, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(envelope.HandlerFunc(func(http.ResponseWriter, *http.Request) error {
		return envelope.Conflict("Already exists.")
	})))
	defer srv.Close()

	get(srv, http.MethodPut, "/", map[string]string{"X-Correlation-Id": "corr-7"}, nil, "X-Correlation-Id", "X-Request-Id")
	// Output:
	// 409 Conflict
	// X-Correlation-Id: corr-7
	// X-Request-Id: (absent)
	// {"code":"conflict","message":"Already exists.","requestId":"corr-7"}
}

func ExampleMiddleware_security() {
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{
		Writer: silentWriter(),
		Security: envelope.SecurityOptions{
			FrameOptions: "SAMEORIGIN",
			HSTSAlways:   true,
			Omit:         []string{"Cross-Origin-Resource-Policy"},
		},
	})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})))
	defer srv.Close()

	get(srv, http.MethodGet, "/", nil, nil, "X-Frame-Options", "Strict-Transport-Security", "Cross-Origin-Resource-Policy")

	_, err = envelope.Middleware(envelope.MiddlewareOptions{
		Security: envelope.SecurityOptions{ReferrerPolicy: "sometimes"},
	})
	fmt.Println(err)
	// Output:
	// 204 No Content
	// X-Frame-Options: SAMEORIGIN
	// Strict-Transport-Security: max-age=31536000; includeSubDomains
	// Cross-Origin-Resource-Policy: (absent)
	// envelope: Referrer-Policy value "sometimes": unknown policy "sometimes"
}

// A panic before the response started becomes a clean 500: no panic value,
// no stack, no header the handler had set for its own body.
func ExampleMiddleware_recover() {
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: silentWriter()})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=half-done")
		panic("nil map: the database password is hunter2")
	})))
	defer srv.Close()

	get(srv, http.MethodGet, "/", map[string]string{"X-Request-Id": "req-6"}, nil, "Set-Cookie", "Cache-Control")
	// Output:
	// 500 Internal Server Error
	// Set-Cookie: (absent)
	// Cache-Control: no-store
	// {"code":"internal","message":"An internal error occurred.","requestId":"req-6"}
}

// An OnError hook of the chain's Writer can report a recovered panic: the
// 500's cause is a *PanicError with the panic value and the stack.
func ExampleMiddleware_panicReport() {
	reported := make(chan string, 1)
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Logger: slog.New(slog.DiscardHandler),
		OnError: []func(*http.Request, int, *envelope.APIError){
			func(r *http.Request, status int, e *envelope.APIError) {
				var pe *envelope.PanicError
				if errors.As(e, &pe) {
					reported <- fmt.Sprintf("%d %v (stack: %t)", status, pe.Value, len(pe.Stack) > 0)
				}
			},
		},
	})
	if err != nil {
		panic(err)
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("index out of range")
	})))
	defer srv.Close()

	get(srv, http.MethodGet, "/", map[string]string{"X-Request-Id": "req-8"}, nil)
	fmt.Println("reported:", <-reported)
	// Output:
	// 500 Internal Server Error
	// {"code":"internal","message":"An internal error occurred.","requestId":"req-8"}
	// reported: 500 index out of range (stack: true)
}

// The router's plain-text 404 and 405 pages become envelopes; the 405 keeps
// the router's Allow header.
func ExampleMiddleware_routerErrors() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "item", r.PathValue("id"))
	})
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: silentWriter()})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(mux))
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

// PlainRouterPages leaves the router's pages as they are.
func ExampleMiddleware_plainRouterPages() {
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: silentWriter(), PlainRouterPages: true})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(http.NewServeMux()))
	defer srv.Close()

	get(srv, http.MethodGet, "/nowhere", map[string]string{"X-Request-Id": "req-5"}, nil, "Content-Type", "X-Request-Id")
	// Output:
	// 404 Not Found
	// Content-Type: text/plain; charset=utf-8
	// X-Request-Id: req-5
	// 404 page not found
}

func ExampleMiddleware_maxBodyBytes() {
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: silentWriter(), MaxBodyBytes: 16})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v map[string]any
		if err := envelope.DecodeRequest(r, &v); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})))
	defer srv.Close()

	hdr := map[string]string{"X-Request-Id": "req-5", "Content-Type": "application/json"}
	get(srv, http.MethodPost, "/", hdr, strings.NewReader(`{"a":1}`))
	get(srv, http.MethodPost, "/", hdr, strings.NewReader(`{"a":"far too long for the limit"}`))
	// Output:
	// 204 No Content
	// 413 Request Entity Too Large
	// {"code":"payload_too_large","message":"The request body must not exceed 16 bytes.","requestId":"req-5"}
}

func ExampleNewRequestID() {
	id := envelope.NewRequestID()
	fmt.Println(len(id), id[14:15], envelope.ValidRequestID(id))
	fmt.Println(id == envelope.NewRequestID())
	// Output:
	// 36 4 true
	// false
}

func ExampleValidRequestID() {
	for _, id := range []string{"req-42", "4bf92f3577b34da6a3ce929d0e0e4736", "a b", "<script>", strings.Repeat("x", 129)} {
		fmt.Println(envelope.ValidRequestID(id))
	}
	// Output:
	// true
	// true
	// false
	// false
	// false
}
