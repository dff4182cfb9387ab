package redisrate_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/apienvelope/envelope/adapters/redisrate"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Middleware that gates every request by a per-key and a per-organisation
// limit kept in Redis, so that every replica of the server shares them,
// takes from both or from neither in one atomic step, writes the
// rate-limit headers on success, and answers a refusal with a 429
// envelope. redisAddr is the test's redis-server; a server would use
// its own.
func Example() {
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
	defer rdb.Close()
	ew, err := envelope.NewWriter(envelope.WriterOptions{})
	if err != nil {
		panic(err)
	}
	limit := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key, org := r.Header.Get("X-Api-Key"), "org-of-"+r.Header.Get("X-Api-Key")
			buckets, ok, err := redisrate.AllowAll(r.Context(), rdb, time.Now(),
				redisrate.Policy{Name: "per-key", Key: "example:key:" + key, Limit: redis_rate.PerHour(2)},
				redisrate.Policy{Name: "per-org", Key: "example:org:" + org, Limit: redis_rate.PerHour(100)},
			)
			switch {
			case err != nil: // Redis is down: here, fail closed
				ew.Write(w, r, envelope.Unavailable("").WithCause(err))
			case !ok: // nothing was taken from any bucket
				ew.Write(w, r, envelope.RateLimited("").WithRateLimit(buckets...))
			default:
				ew.SetRateLimit(w.Header(), buckets...)
				next.ServeHTTP(w, r)
			}
		})
	}
	h := limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	}))

	for range 3 {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-Api-Key", "k-123")
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code, "remaining", rec.Header().Get("X-RateLimit-Remaining"),
			"policy", rec.Header().Get("RateLimit-Policy"))
	}
	// redis_rate's own Limiter works on the same buckets.
	_ = redis_rate.NewLimiter(rdb).Reset(context.Background(), "example:key:k-123")
	_ = redis_rate.NewLimiter(rdb).Reset(context.Background(), "example:org:org-of-k-123")
	// Output:
	// 200 remaining 1 policy "per-key";q=2;w=3600, "per-org";q=100;w=3600
	// 200 remaining 0 policy "per-key";q=2;w=3600, "per-org";q=100;w=3600
	// 429 remaining 0 policy "per-key";q=2;w=3600, "per-org";q=100;w=3600
}

// The bucket of one redis_rate result.
func ExampleState() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	res := &redis_rate.Result{
		Limit:      redis_rate.PerMinute(60),
		Allowed:    1,
		Remaining:  57,
		RetryAfter: -1,
		ResetAfter: 3 * time.Second,
	}
	b := redisrate.State(res, "per-key", now)
	fmt.Println(b.Policy, b.Limit, b.Window, b.Remaining, b.Reset.Sub(now), b.Denied)
	// Output:
	// per-key 60 1m0s 57 3s false
}
