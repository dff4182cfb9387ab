package envelopechi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
	envelopechi "github.com/apienvelope/envelope/adapters/chi"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// chi routes plain net/http handlers, so envelope.HandlerFunc plugs in
// directly. Behind envelope's middleware (in place of chi's RequestID and
// Recoverer), errors carry the request ID, panics are JSON 500s, and the
// router's own 404 and 405 (with Allow) have the same shape.
func Example() {
	r := chi.NewRouter()
	r.Method(http.MethodGet, "/flags/{key}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.NotFound("Flag not found")
	}))
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) { panic("a bug") })
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(r))
	defer srv.Close()

	for _, req := range []struct{ method, path string }{
		{"GET", "/flags/nope"}, {"GET", "/panic"}, {"GET", "/nowhere"}, {"DELETE", "/flags/x"},
	} {
		rq, _ := http.NewRequest(req.method, srv.URL+req.path, nil)
		rq.Header.Set("X-Request-Id", "req-1")
		res, err := http.DefaultClient.Do(rq)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(res.StatusCode, res.Header.Get("Allow"), string(body))
	}
	// Output:
	// 404  {"code":"not_found","message":"Flag not found","requestId":"req-1"}
	// 500  {"code":"internal","message":"An internal error occurred.","requestId":"req-1"}
	// 404  {"code":"not_found","message":"The requested resource was not found.","requestId":"req-1"}
	// 405 GET {"code":"method_not_allowed","message":"The request method is not supported for this resource.","requestId":"req-1"}
}

// A router that keeps chi's own request ID middleware bridges its ID into
// envelope, and takes envelope's recoverer in place of chi's, whose 500 has
// no body.
func ExampleRequestID() {
	ew, err := envelope.NewWriter(envelope.WriterOptions{})
	if err != nil {
		panic(err)
	}
	r := chi.NewRouter()
	r.Use(envelopechi.WithWriter(ew), middleware.RequestID, envelopechi.RequestID, envelopechi.Recoverer)
	r.NotFound(envelopechi.NotFound)
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) { panic("a bug") })
	srv := httptest.NewServer(r)
	defer srv.Close()

	for _, path := range []string{"/nowhere", "/panic"} {
		rq, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		rq.Header.Set("X-Request-Id", "req-2") // chi's middleware reads it; the bridge checks it
		res, err := http.DefaultClient.Do(rq)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(res.StatusCode, res.Header.Get("X-Request-Id"), string(body))
	}
	// Output:
	// 404 req-2 {"code":"not_found","message":"The requested resource was not found.","requestId":"req-2"}
	// 500 req-2 {"code":"internal","message":"An internal error occurred.","requestId":"req-2"}
}
