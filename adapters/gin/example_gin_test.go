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

// The engine sits behind envelope's middleware; handlers return envelope
// errors, bind errors name the parameter, and gin's own 404 and 405 come
// out in the same shape, the 405 with its Allow header.
func Example() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(envelopegin.Errors())
	r.GET("/flags", envelopegin.Handler(func(c *gin.Context) error {
		var q struct {
			Limit int `form:"limit" binding:"omitempty,max=100"`
		}
		if err := envelopegin.BindQuery(c, &q); err != nil {
			return err
		}
		c.JSON(http.StatusOK, gin.H{"limit": q.Limit})
		return nil
	}))
	r.GET("/flags/:key", envelopegin.Handler(func(c *gin.Context) error {
		return envelope.NotFound("Flag not found")
	}))
	r.GET("/legacy", func(c *gin.Context) {
		_ = c.Error(envelope.Gone("Use /flags instead."))
	})
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(r))
	defer srv.Close()

	for _, req := range []struct{ method, path string }{
		{"GET", "/flags/nope"}, {"GET", "/flags?limit=abc"}, {"GET", "/flags?limit=500"},
		{"GET", "/legacy"}, {"GET", "/nowhere"}, {"DELETE", "/flags/x"},
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
	// 400  {"code":"invalid_request","message":"The request is malformed.","fields":{"limit":"must be an integer"},"requestId":"req-1"}
	// 400  {"code":"validation_failed","message":"One or more fields are invalid.","fields":{"limit":"must be at most 100"},"requestId":"req-1"}
	// 410  {"code":"gone","message":"Use /flags instead.","requestId":"req-1"}
	// 404  {"code":"not_found","message":"The requested resource was not found.","requestId":"req-1"}
	// 405 GET {"code":"method_not_allowed","message":"The request method is not supported for this resource.","requestId":"req-1"}
}
