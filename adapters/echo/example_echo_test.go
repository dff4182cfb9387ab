package envelopeecho_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echo"
	"github.com/labstack/echo/v4"
)

// Handlers return envelope errors; the router's own 404 and 405 come out in
// the same shape, the 405 with its Allow header.
func Example() {
	e := echo.New()
	e.HTTPErrorHandler = envelopeecho.ErrorHandler
	e.GET("/flags/:key", func(c echo.Context) error {
		return envelope.NotFound("Flag not found")
	})
	srv := httptest.NewServer(e)
	defer srv.Close()

	for _, req := range []struct{ method, path string }{
		{"GET", "/flags/nope"}, {"GET", "/nowhere"}, {"DELETE", "/flags/x"},
	} {
		r, _ := http.NewRequest(req.method, srv.URL+req.path, nil)
		res, err := http.DefaultClient.Do(r)
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
	// 405 OPTIONS, GET {"code":"method_not_allowed","message":"The request method is not supported for this resource."}
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
