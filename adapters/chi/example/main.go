// Command example is a small chi API whose errors are envelope responses.
// Run it from the repository root (the go.work workspace finds the module):
//
//	go run ./adapters/chi/example
//
// and try, in another terminal:
//
//	curl -i localhost:8083/flags/dark-mode
//	curl -i localhost:8083/flags/nope          # handler's 404, with the request ID
//	curl -i localhost:8083/nowhere             # router's 404
//	curl -i -X DELETE localhost:8083/flags/x   # router's 405 with Allow
//	curl -i localhost:8083/panic               # recovered panic, JSON 500
package main

import (
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/apienvelope/envelope"
	envelopechi "github.com/apienvelope/envelope/adapters/chi"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

type flagDef struct {
	Key     string `json:"key"`
	Enabled bool   `json:"enabled"`
}

// newServer returns the API: a chi router behind envelope's middleware,
// which takes the place of chi's middleware.RequestID and Recoverer:
// request IDs a client cannot abuse, JSON 500s on panics, security headers,
// and chi's own 404 and 405 as envelopes. chi's other middleware works as
// before; chi's RequestID is kept here only for chi's logger, and
// envelopechi.RequestID makes it report envelope's ID.
func newServer() (http.Handler, error) {
	flags := map[string]flagDef{"dark-mode": {Key: "dark-mode", Enabled: true}}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{})
	if err != nil {
		return nil, err
	}

	r := chi.NewRouter()
	r.Use(middleware.RequestID, envelopechi.RequestID, middleware.Logger)
	r.Method(http.MethodGet, "/flags/{key}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		f, ok := flags[chi.URLParam(r, "key")]
		if !ok {
			return envelope.NotFound("Flag not found")
		}
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(f)
	}))
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) {
		panic("inventory index out of range") // the client sees a generic 500
	})
	return mw(r), nil
}

func main() {
	addr := flag.String("addr", "localhost:8083", "listen address")
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
