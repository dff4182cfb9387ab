// Command example is an API whose rate limits live in Redis, so that
// every replica shares them, and whose rate-limit headers and 429s come
// from envelope. It needs a running Redis; start one and run two replicas
// from the repository root:
//
//	redis-server --port 6379 --save '' --appendonly no &
//	go run ./adapters/redisrate/example -addr localhost:8087 -redis localhost:6379 &
//	go run ./adapters/redisrate/example -addr localhost:8081 -redis localhost:6379 &
//
// then alternate between them and watch one shared quota run out:
//
//	for p in 8080 8081 8080 8081 8080 8081; do curl -si -H 'X-Api-Key: k1' localhost:$p/hello | grep -iE '^(HTTP|x-ratelimit-remaining|ratelimit|retry-after)'; done
//
// Each API key may make -per-key requests per minute, each organisation
// (here: the key's prefix before the first '-') -per-org.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/apienvelope/envelope/adapters/redisrate"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// limits are the two policies every request passes.
type limits struct {
	perKey, perOrg redis_rate.Limit
	prefix         string // of the Redis keys
}

// newServer returns the API: the envelope middleware, then the limiter,
// then the handler. A request without an API key is a 401; a Redis that
// does not answer makes a 503 (fail closed).
func newServer(rdb *redis.Client, l limits, logger *slog.Logger) (http.Handler, error) {
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: logger})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-Api-Key")
		if key == "" {
			envelope.Write(w, r, envelope.Unauthorized("Send your API key in X-Api-Key."))
			return
		}
		org, _, _ := strings.Cut(key, "-")
		buckets, ok, err := redisrate.AllowAll(r.Context(), rdb, time.Now(),
			redisrate.Policy{Name: "per-key", Key: l.prefix + "key:" + key, Limit: l.perKey},
			redisrate.Policy{Name: "per-org", Key: l.prefix + "org:" + org, Limit: l.perOrg},
		)
		switch {
		case err != nil:
			envelope.Write(w, r, envelope.Unavailable("").WithCause(err))
		case !ok:
			envelope.Write(w, r, envelope.RateLimited("").WithRateLimit(buckets...))
		default:
			ew.SetRateLimit(w.Header(), buckets...)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintf(w, "hello, %s\n", key)
		}
	})
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	if err != nil {
		return nil, err
	}
	return mw(mux), nil
}

func main() {
	addr := flag.String("addr", "localhost:8087", "listen address")
	redisAddr := flag.String("redis", "localhost:6379", "address of the Redis server that holds the limits (must be running)")
	perKey := flag.Int("per-key", 5, "requests per minute per API key")
	perOrg := flag.Int("per-org", 8, "requests per minute per organisation")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	rdb := redis.NewClient(&redis.Options{Addr: *redisAddr})
	defer rdb.Close()
	h, err := newServer(rdb, limits{perKey: redis_rate.PerMinute(*perKey), perOrg: redis_rate.PerMinute(*perOrg), prefix: "example:"}, logger)
	if err != nil {
		logger.Error("configuration", "error", err)
		os.Exit(1)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	logger.Info("listening", "addr", "http://"+*addr, "redis", *redisAddr)
	if err := srv.ListenAndServe(); err != nil {
		logger.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
