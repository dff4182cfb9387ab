package envelopeecho_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echov5"
	"github.com/labstack/echo/v5"
)

// The echo instance runs inside the envelope chain. Handlers return
// envelope errors; the router's 404 and 405 and echo's bind errors come out
// in the same shape, the 405 with its Allow header, a bad query value as a
// field error.
func Example() {
	e := echo.New()
	e.HTTPErrorHandler = envelopeecho.ErrorHandler
	e.GET("/flags/:key", func(c *echo.Context) error {
		var q struct {
			Limit int `query:"limit"`
		}
		if err := c.Bind(&q); err != nil {
			return err
		}
		return envelope.NotFound("Flag not found")
	})
	srv := httptest.NewServer(envelope.Protect(e))
	defer srv.Close()

	for _, req := range []struct{ method, path string }{
		{"GET", "/flags/nope"}, {"GET", "/nowhere"}, {"DELETE", "/flags/x"}, {"GET", "/flags/x?limit=ten"},
	} {
		r, _ := http.NewRequest(req.method, srv.URL+req.path, nil)
		r.Header.Set("X-Request-Id", "req-1")
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(res.StatusCode, res.Header.Get("Allow"), strings.TrimSpace(string(body)))
	}
	// Output:
	// 404  {"code":"not_found","message":"Flag not found","requestId":"req-1"}
	// 404  {"code":"not_found","message":"The requested resource was not found.","requestId":"req-1"}
	// 405 OPTIONS, GET {"code":"method_not_allowed","message":"The request method is not supported for this resource.","requestId":"req-1"}
	// 400  {"code":"invalid_request","message":"The request is malformed.","fields":{"limit":"must be an integer"},"requestId":"req-1"}
}

// FromError maps echo's errors to envelope errors by status; a message
// written for the client is kept.
func ExampleFromError() {
	for _, err := range []error{
		echo.ErrNotFound,
		echo.NewHTTPError(http.StatusBadRequest, "key must be lowercase"),
		echo.ErrTooManyRequests,
	} {
		e := envelopeecho.FromError(err).(*envelope.APIError)
		fmt.Println(e.Status(), e.Code(), e.Message())
	}
	// Output:
	// 404 not_found The requested resource was not found.
	// 400 invalid_request key must be lowercase
	// 429 rate_limited Too many requests. Try again later.
}
