package envelopechi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
	envelopechi "github.com/apienvelope/envelope/adapters/chi"
	"github.com/go-chi/chi/v5"
)

// chi routes plain net/http handlers, so envelope.HandlerFunc plugs in
// directly; NotFound and MethodNotAllowed give the router's own errors the
// same shape.
func Example() {
	r := chi.NewRouter()
	r.NotFound(envelopechi.NotFound)
	r.MethodNotAllowed(envelopechi.MethodNotAllowed(r))
	r.Method(http.MethodGet, "/flags/{key}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.NotFound("Flag not found")
	}))
	srv := httptest.NewServer(r)
	defer srv.Close()

	for _, req := range []struct{ method, path string }{
		{"GET", "/flags/nope"}, {"GET", "/nowhere"}, {"DELETE", "/flags/x"},
	} {
		rq, _ := http.NewRequest(req.method, srv.URL+req.path, nil)
		res, err := http.DefaultClient.Do(rq)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(res.StatusCode, res.Header.Get("Allow"), string(body))
	}
	// Output:
	// 404  {"code":"not_found","message":"Flag not found"}
	// 404  {"code":"not_found","message":"The requested resource was not found."}
	// 405 GET {"code":"method_not_allowed","message":"The request method is not supported for this resource."}
}
