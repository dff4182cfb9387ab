// Command example is a small echo API whose errors are envelope responses.
// Run it from the repository root (the go.work workspace finds the module):
//
//	go run ./adapters/echo/example
//
// and try, in another terminal:
//
//	curl -i localhost:8081/flags/dark-mode
//	curl -i localhost:8081/flags/nope          # handler's 404
//	curl -i localhost:8081/nowhere             # router's 404
//	curl -i -X DELETE localhost:8081/flags/x   # router's 405 with Allow
//	curl -i localhost:8081/panic               # recovered panic, generic 500
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"os"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echo"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

type flagDef struct {
	Key     string `json:"key"`
	Enabled bool   `json:"enabled"`
}

// newServer returns the API: echo with envelope's error handler, echo's
// request ID shared with envelope, and echo's panic recovery.
func newServer() *echo.Echo {
	flags := map[string]flagDef{"dark-mode": {Key: "dark-mode", Enabled: true}}

	e := echo.New()
	e.HideBanner = true
	e.HTTPErrorHandler = envelopeecho.ErrorHandler
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		RequestIDHandler: envelopeecho.ShareRequestID,
	}))
	e.Use(middleware.Recover())

	e.GET("/flags/:key", func(c echo.Context) error {
		f, ok := flags[c.Param("key")]
		if !ok {
			return envelope.NotFound("Flag not found")
		}
		return c.JSON(http.StatusOK, f)
	})
	e.GET("/panic", func(c echo.Context) error {
		// A bug: the client sees a generic 500, the log the panic.
		panic("inventory index out of range")
	})
	return e
}

func main() {
	addr := flag.String("addr", "localhost:8081", "listen address")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	e := newServer()
	if err := e.Start(*addr); err != nil && err != http.ErrServerClosed {
		slog.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
