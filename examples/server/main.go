// Command server is a small feature-flag API that shows envelope's
// middleware in place: every response carries a request ID and the
// security headers, panics become clean 500s, the router's 404/405 pages
// are envelopes and oversized bodies get a 413.
//
//	go run ./examples/server
//	curl -i localhost:8080/flags/beta
//	curl -i -X DELETE localhost:8080/flags/beta
//	curl -i localhost:8080/boom
package main

import (
	"encoding/json"
	"log"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/apienvelope/envelope"
)

type flag struct {
	Key     string `json:"key"`
	Enabled bool   `json:"enabled"`
}

type store struct {
	mu    sync.Mutex
	flags map[string]flag
}

func (s *store) get(w http.ResponseWriter, r *http.Request) error {
	s.mu.Lock()
	f, ok := s.flags[r.PathValue("key")]
	s.mu.Unlock()
	if !ok {
		return envelope.NotFound("No flag has this key.")
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(f)
}

func (s *store) put(w http.ResponseWriter, r *http.Request) error {
	var f flag
	if err := envelope.DecodeJSON(r, &f); err != nil {
		return err
	}
	f.Key = r.PathValue("key")
	s.mu.Lock()
	s.flags[f.Key] = f
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// newHandler builds the whole server: routes, then the router's 404/405
// envelopes and the body limit, then the default chain around it all.
func newHandler(logger *slog.Logger) (http.Handler, error) {
	ew, err := envelope.NewErrorWriter(envelope.Config{Logger: logger})
	if err != nil {
		return nil, err
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{ErrorWriter: ew, Logger: logger})
	if err != nil {
		return nil, err
	}
	s := &store{flags: map[string]flag{"beta": {Key: "beta", Enabled: true}}}
	mux := http.NewServeMux()
	mux.Handle("GET /flags/{key}", envelope.HandlerFunc(s.get))
	mux.Handle("PUT /flags/{key}", envelope.HandlerFunc(s.put))
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) {
		panic("the example server's deliberate panic")
	})
	return mw(envelope.RouterErrors(envelope.BodyLimit(1 << 20)(mux))), nil
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := newHandler(logger)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{
		Addr:              "localhost:8080",
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
	}
	logger.Info("listening", "addr", srv.Addr)
	log.Fatal(srv.ListenAndServe())
}
