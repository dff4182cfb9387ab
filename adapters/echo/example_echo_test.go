package envelopeecho_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echo"
	"github.com/labstack/echo/v4"
)

// echo sits behind envelope's middleware. Handlers return envelope errors;
// bind errors read like envelope.DecodeRequest's; the router's own 404 and
// 405 come out in the same shape, the 405 with its Allow header.
func Example() {
	e := echo.New()
	e.HTTPErrorHandler = envelopeecho.ErrorHandler
	e.GET("/flags/:key", func(c echo.Context) error {
		return envelope.NotFound("Flag not found")
	})
	e.POST("/flags", func(c echo.Context) error {
		var f struct {
			Key  string   `json:"key"`
			Tags []string `json:"tags"`
		}
		if err := c.Bind(&f); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, f)
	})
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(mw(e))
	defer srv.Close()

	for _, req := range []struct{ method, path, body string }{
		{"GET", "/flags/nope", ""}, {"POST", "/flags", `{"key":"beta","tags":"new"}`},
		{"GET", "/nowhere", ""}, {"DELETE", "/flags/x", ""},
	} {
		r, _ := http.NewRequest(req.method, srv.URL+req.path, strings.NewReader(req.body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Request-Id", "req-1")
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(res.StatusCode, res.Header.Get("Allow"), string(body))
	}
	// Output:
	// 404  {"code":"not_found","message":"Flag not found","requestId":"req-1"}
	// 400  {"code":"invalid_request","message":"A field of the request body has the wrong type.","fields":{"tags":"must be an array"},"requestId":"req-1"}
	// 404  {"code":"not_found","message":"The requested resource was not found.","requestId":"req-1"}
	// 405 OPTIONS, GET {"code":"method_not_allowed","message":"The request method is not supported for this resource.","requestId":"req-1"}
}

// FromHTTPError maps echo's errors to envelope codes by status; a string
// message other than the status text is kept as the public message.
func ExampleFromHTTPError() {
	for _, he := range []*echo.HTTPError{
		echo.ErrNotFound,
		echo.NewHTTPError(http.StatusBadRequest, "key must be lowercase"),
		echo.ErrTooManyRequests,
	} {
		e := envelopeecho.FromHTTPError(he)
		fmt.Println(e.Status(), e.Code(), e.Message())
	}
	// Output:
	// 404 not_found The requested resource was not found.
	// 400 invalid_request key must be lowercase
	// 429 rate_limited Too many requests. Try again later.
}
