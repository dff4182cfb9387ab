// Command example is a small echo v5 API whose errors are envelope
// responses. The echo instance runs inside the envelope chain, which gives
// every request its ID and security headers, caps request bodies and
// recovers panics; the adapter's error handler renders echo's own errors.
// Run it from the repository root (the go.work workspace finds the module):
//
//	go run ./adapters/echov5/example
//
// and try, in another terminal:
//
//	curl -i localhost:8089/flags/dark-mode
//	curl -i localhost:8089/flags/nope                  # handler's 404
//	curl -i localhost:8089/nowhere                     # router's 404
//	curl -i -X DELETE localhost:8089/flags/x           # router's 405 with Allow
//	curl -i 'localhost:8089/flags?limit=ten'           # query bind error: a field error
//	curl -i -X POST localhost:8089/flags -H 'Content-Type: application/json' -d '{"key":7}'
//	curl -i localhost:8089/panic                       # recovered panic, generic 500
//	curl -i -H 'Accept: application/problem+json' localhost:8089/flags/nope
package main

import (
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"sort"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echov5"
	"github.com/labstack/echo/v5"
)

type flagDef struct {
	Key     string `json:"key"`
	Enabled bool   `json:"enabled"`
}

// newServer returns the API: echo with the adapter's error handler,
// wrapped in the envelope chain with a Writer that serves the flat format
// and, to clients that ask for it, RFC 9457 problem details.
func newServer(logger *slog.Logger) (http.Handler, error) {
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Alternates: []envelope.Format{envelope.ProblemFormat()},
		Logger:     logger,
	})
	if err != nil {
		return nil, err
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew, MaxBodyBytes: 64 << 10})
	if err != nil {
		return nil, err
	}

	flags := map[string]flagDef{"dark-mode": {Key: "dark-mode", Enabled: true}}

	e := echo.New()
	e.Logger = logger
	e.HTTPErrorHandler = envelopeecho.ErrorHandler

	e.GET("/flags", func(c *echo.Context) error {
		var q struct {
			Limit int `query:"limit"`
		}
		if err := c.Bind(&q); err != nil {
			return err // ?limit=ten: 400 with {"fields":{"limit":"must be an integer"}}
		}
		keys := make([]string, 0, len(flags))
		for k := range flags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if q.Limit > 0 && q.Limit < len(keys) {
			keys = keys[:q.Limit]
		}
		return c.JSON(http.StatusOK, keys)
	})
	e.GET("/flags/:key", func(c *echo.Context) error {
		f, ok := flags[c.Param("key")]
		if !ok {
			return envelope.NotFound("Flag not found")
		}
		return c.JSON(http.StatusOK, f)
	})
	e.POST("/flags", func(c *echo.Context) error {
		var f flagDef
		if err := c.Bind(&f); err != nil {
			return err // a body of the wrong shape reads like envelope.DecodeRequest's error
		}
		if f.Key == "" {
			return envelope.Validation("").WithField("key", "is required")
		}
		if _, taken := flags[f.Key]; taken {
			return envelope.Conflict("A flag with this key exists.")
		}
		return c.JSON(http.StatusCreated, f)
	})
	e.GET("/panic", func(c *echo.Context) error {
		// A bug: the client sees a generic 500, the log the panic.
		panic(errors.New("inventory index out of range"))
	})
	return mw(e), nil
}

func main() {
	addr := flag.String("addr", "localhost:8089", "listen address")
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := newServer(logger)
	if err != nil {
		logger.Error("configuration", "error", err)
		os.Exit(1)
	}
	logger.Info("listening", "addr", *addr)
	srv := &http.Server{Addr: *addr, Handler: h}
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
