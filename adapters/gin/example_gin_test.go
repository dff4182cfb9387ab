package envelopegin_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
	envelopegin "github.com/apienvelope/envelope/adapters/gin"
	"github.com/gin-gonic/gin"
)

// Handlers return envelope errors; the router's own 404 and 405 come out in
// the same shape, the 405 with its Allow header.
func Example() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(envelopegin.Recovery(), envelopegin.Errors())
	r.NoRoute(envelopegin.NoRoute)
	r.NoMethod(envelopegin.NoMethod)
	r.GET("/flags/:key", envelopegin.Handler(func(c *gin.Context) error {
		return envelope.NotFound("Flag not found")
	}))
	r.GET("/legacy", func(c *gin.Context) {
		_ = c.Error(envelope.Gone("Use /flags instead."))
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	for _, req := range []struct{ method, path string }{
		{"GET", "/flags/nope"}, {"GET", "/legacy"}, {"GET", "/nowhere"}, {"DELETE", "/flags/x"},
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
	// 410  {"code":"gone","message":"Use /flags instead."}
	// 404  {"code":"not_found","message":"The requested resource was not found."}
	// 405 GET {"code":"method_not_allowed","message":"The request method is not supported for this resource."}
}
