// Command example is a small chi API whose errors are envelope responses.
// Run it from the repository root (the go.work workspace finds the module):
//
//	go run ./adapters/chi/example
//
// and try, in another terminal:
//
//	curl -i localhost:8083/flags/dark-mode
//	curl -i localhost:8083/flags/nope          # handler's 404
//	curl -i localhost:8083/nowhere             # router's 404
//	curl -i -X DELETE localhost:8083/flags/x   # router's 405 with Allow
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
)

type flagDef struct {
	Key     string `json:"key"`
	Enabled bool   `json:"enabled"`
}

// newServer returns the API: chi with envelope's 404 and 405 handlers and
// envelope.HandlerFunc handlers.
func newServer() http.Handler {
	flags := map[string]flagDef{"dark-mode": {Key: "dark-mode", Enabled: true}}

	r := chi.NewRouter()
	r.NotFound(envelopechi.NotFound)
	r.MethodNotAllowed(envelopechi.MethodNotAllowed(r))
	r.Method(http.MethodGet, "/flags/{key}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		f, ok := flags[chi.URLParam(r, "key")]
		if !ok {
			return envelope.NotFound("Flag not found")
		}
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(f)
	}))
	return r
}

func main() {
	addr := flag.String("addr", "localhost:8083", "listen address")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	srv := &http.Server{Addr: *addr, Handler: newServer(), ReadHeaderTimeout: 5 * time.Second}
	slog.Info("listening", "addr", "http://"+*addr)
	if err := srv.ListenAndServe(); err != nil {
		slog.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
