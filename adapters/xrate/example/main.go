// Command example serves a rate-limited endpoint whose limiter is
// golang.org/x/time/rate, with envelope's rate-limit headers on every
// response and a 429 envelope when a bucket refuses. From the repository
// root:
//
//	go run ./adapters/xrate/example
//	for i in 1 2 3 4 5 6; do curl -si localhost:8086/quote | grep -iE '^(HTTP|x-ratelimit|ratelimit|retry-after)'; done
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/apienvelope/envelope/adapters/xrate"
	"golang.org/x/time/rate"
)

// newServer returns the handler: a per-client bucket of 5 requests that
// refills one every 2 seconds, and a shared bucket for the whole server.
func newServer(now func() time.Time) (http.Handler, error) {
	ew, err := envelope.NewWriter(envelope.WriterOptions{RateLimit: envelope.RateLimitOptions{Now: now}})
	if err != nil {
		return nil, err
	}
	global := rate.NewLimiter(rate.Every(100*time.Millisecond), 100)
	var mu sync.Mutex
	perClient := map[string]*rate.Limiter{}
	limiterFor := func(key string) *rate.Limiter {
		mu.Lock()
		defer mu.Unlock()
		l, ok := perClient[key]
		if !ok {
			l = rate.NewLimiter(rate.Every(2*time.Second), 5)
			perClient[key] = l
		}
		return l
	}
	quote := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buckets, ok := xrate.AllowAll(now(),
			xrate.Policy{Name: "per-client", Limiter: limiterFor(r.Header.Get("X-Api-Key"))},
			xrate.Policy{Name: "global", Limiter: global},
		)
		if !ok {
			ew.Write(w, r, envelope.RateLimited("").WithRateLimit(buckets...))
			return
		}
		ew.SetRateLimit(w.Header(), buckets...)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"quote":"Errors should never pass silently."}`)
	})
	mux := http.NewServeMux()
	mux.Handle("GET /quote", quote)
	return envelope.Protect(mux), nil
}

func main() {
	addr := flag.String("addr", "localhost:8086", "listen address")
	flag.Parse()
	h, err := newServer(time.Now)
	if err != nil {
		slog.Error("configuration", "error", err)
		os.Exit(1)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	slog.Info("listening", "addr", "http://"+*addr+"/quote")
	if err := srv.ListenAndServe(); err != nil {
		slog.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
