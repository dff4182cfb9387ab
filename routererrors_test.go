package envelope

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func newRouterMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"` + r.PathValue("id") + `"}`))
	})
	mux.HandleFunc("POST /items", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("GET /own-404", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"custom":true}`))
	})
	mux.HandleFunc("GET /not-found", http.NotFound)
	mux.HandleFunc("GET /error-405", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", "PUT")
		w.Header().Add("Allow", "DELETE")
		http.Error(w, "nope", http.StatusMethodNotAllowed)
	})
	mux.HandleFunc("GET /text-500", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "plain failure", http.StatusInternalServerError)
	})
	// A bare 405 with Allow and an empty write, as some routers send.
	mux.HandleFunc("/bare-405", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Allow", "GET")
		w.Header().Add("Allow", "OPTIONS")
		w.WriteHeader(http.StatusMethodNotAllowed)
		_, _ = w.Write(nil)
	})
	mux.HandleFunc("/bare-404", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	})
	mux.HandleFunc("/404-own-body", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("{\"mine\":1}"))
	})
	mux.HandleFunc("/404-flushed", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		w.(http.Flusher).Flush()
	})
	return mux
}

// The router step is on by default: a router's plain-text (or bare) 404
// and 405 become envelopes; every other response passes unchanged.
func TestRouterErrors(t *testing.T) {
	t.Parallel()
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{}, newRouterMux()))
	tests := []struct {
		name, method, path string
		status             int
		code               string // "" means the body is not an envelope
		allow              []string
		body               string // exact body when not an envelope
	}{
		{"mux 404", http.MethodGet, "/nowhere", 404, "not_found", nil, ""},
		{"mux 405 keeps Allow", http.MethodDelete, "/items/1", 405, "method_not_allowed", []string{"GET, HEAD"}, ""},
		{"mux 405 on POST-only", http.MethodGet, "/items", 405, "method_not_allowed", []string{"POST"}, ""},
		{"http.NotFound", http.MethodGet, "/not-found", 404, "not_found", nil, ""},
		{"http.Error 405, two Allow lines", http.MethodGet, "/error-405", 405, "method_not_allowed", []string{"PUT, DELETE"}, ""},
		{"normal response untouched", http.MethodGet, "/items/7", 200, "", nil, `{"id":"7"}`},
		{"created untouched", http.MethodPost, "/items", 201, "", nil, ""},
		{"handler's own JSON 404 untouched", http.MethodGet, "/own-404", 404, "", nil, `{"custom":true}`},
		{"bare 405 keeps Allow", http.MethodPost, "/bare-405", 405, "method_not_allowed", []string{"GET, OPTIONS"}, ""},
		{"bare 404", http.MethodGet, "/bare-404", 404, "not_found", nil, ""},
		{"404 with the handler's own untyped body", http.MethodGet, "/404-own-body", 404, "", nil, `{"mine":1}`},
		{"bare 404 flushed by the handler", http.MethodGet, "/404-flushed", 404, "", nil, ""},
		{"other plain-text statuses untouched", http.MethodGet, "/text-500", 500, "", nil, "plain failure\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := do(t, srv, tt.method, tt.path, nil, nil)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
			assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
			if tt.code == "" {
				assert.Equal(t, tt.body, string(body))
				return
			}
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.Equal(t, int64(len(body)), resp.ContentLength)
			m := decodeBody(t, body)
			assert.Equal(t, tt.code, m["code"])
			assert.Equal(t, resp.Header.Get("X-Request-Id"), m["requestId"])
			assert.Equal(t, tt.allow, resp.Header.Values("Allow"))
		})
	}
}

func TestRouterErrorsHEAD(t *testing.T) {
	t.Parallel()
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{}, newRouterMux()))
	resp, body := do(t, srv, http.MethodHead, "/nowhere", nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Empty(t, body)
}

// A handler that reports its own errors with Write after a router-style
// 404 never produces two bodies.
func TestRouterErrorsSingleBody(t *testing.T) {
	t.Parallel()
	ew, rec := recordingWriter(t)
	srv := serve(t, chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
		Write(w, r, Conflict("")) // refused: the status is already decided
	})))
	resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "not_found", decodeBody(t, body)["code"])
	l := rec.waitMsg(t, "envelope: error after the response started; nothing written")
	assert.Equal(t, "conflict", l.attrs["code"])
}

// The router's 404 goes through the chain's Writer like any error:
// Prepare can change it and OnError sees it.
func TestRouterErrorsThroughPrepareAndOnError(t *testing.T) {
	t.Parallel()
	seen := make(chan Code, 1)
	ew := newWriter(t, WriterOptions{
		Prepare: func(_ *http.Request, e *APIError) *APIError {
			if e.Code() == CodeNotFound {
				return e.WithMessage("No such route.")
			}
			return nil
		},
		OnError: []func(*http.Request, int, *APIError){func(_ *http.Request, _ int, e *APIError) { seen <- e.Code() }},
	})
	srv := serve(t, chainFor(t, ew, MiddlewareOptions{}, newRouterMux()))
	resp, body := do(t, srv, http.MethodGet, "/nowhere", nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "No such route.", decodeBody(t, body)["message"])
	assert.Equal(t, CodeNotFound, receive(t, seen, "the OnError call"))
}

// PlainRouterPages turns the router step off: the router's pages pass
// through as they are, still with the request ID and the security headers
// of the chain. (It replaces v1's opt-in RouterErrors middleware.)
func TestPlainRouterPages(t *testing.T) {
	t.Parallel()
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{PlainRouterPages: true}, newRouterMux()))
	tests := []struct {
		method, path string
		status       int
		body         string
		allow        string
	}{
		{http.MethodGet, "/nowhere", 404, "404 page not found\n", ""},
		{http.MethodDelete, "/items/1", 405, "Method Not Allowed\n", "GET, HEAD"},
		{http.MethodPost, "/bare-405", 405, "", "GET"},
		{http.MethodGet, "/items/7", 200, `{"id":"7"}`, ""},
	}
	for _, tt := range tests {
		resp, body := do(t, srv, tt.method, tt.path, http.Header{"X-Request-Id": {"req-p"}}, nil)
		assert.Equal(t, tt.status, resp.StatusCode, tt.path)
		assert.Equal(t, tt.body, string(body), tt.path)
		assert.Equal(t, tt.allow, resp.Header.Get("Allow"), tt.path)
		assert.Equal(t, "req-p", resp.Header.Get("X-Request-Id"), tt.path)
		assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"), tt.path)
	}
}
