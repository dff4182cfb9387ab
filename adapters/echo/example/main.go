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
//	curl -i -X POST localhost:8081/flags -H 'Content-Type: application/json' \
//	  -d '{"key":"beta","enabled":"yes"}'      # bind error, named member
//	curl -i localhost:8081/panic               # recovered panic, generic 500
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echo"
	"github.com/labstack/echo/v4"
)

type flagDef struct {
	Key     string `json:"key"`
	Enabled bool   `json:"enabled"`
}

// newServer returns the API: echo with envelope's error handler, behind
// envelope's middleware (request IDs, security headers, panics, body
// limit).
func newServer() (http.Handler, error) {
	flags := map[string]flagDef{"dark-mode": {Key: "dark-mode", Enabled: true}}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{MaxBodyBytes: 64 << 10})
	if err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner = true
	e.HTTPErrorHandler = envelopeecho.ErrorHandler

	e.GET("/flags/:key", func(c echo.Context) error {
		f, ok := flags[c.Param("key")]
		if !ok {
			return envelope.NotFound("Flag not found")
		}
		return c.JSON(http.StatusOK, f)
	})
	e.POST("/flags", func(c echo.Context) error {
		var f flagDef
		if err := c.Bind(&f); err != nil {
			return err // a 400 naming the member, in DecodeRequest's words
		}
		if _, dup := flags[f.Key]; dup {
			return envelope.Conflict("Flag already exists")
		}
		return c.JSON(http.StatusCreated, f)
	})
	e.GET("/panic", func(c echo.Context) error {
		// A bug: the client sees a generic 500, the log the panic.
		panic("inventory index out of range")
	})
	return mw(e), nil
}

func main() {
	addr := flag.String("addr", "localhost:8081", "listen address")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	h, err := newServer()
	if err != nil {
		slog.Error("setup", "error", err)
		os.Exit(1)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	slog.Info("listening", "addr", "http://"+*addr)
	if err := srv.ListenAndServe(); err != nil {
		slog.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
