package xrate_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/apienvelope/envelope/adapters/xrate"
	"golang.org/x/time/rate"
)

// Middleware that gates every request by a per-key and a per-organisation
// limiter, writes the rate-limit headers on success, and answers a refusal
// with a 429 envelope carrying the buckets' state.
func Example() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) // a fixed clock for the example
	clock := func() time.Time { return now }
	ew, err := envelope.NewWriter(envelope.WriterOptions{RateLimit: envelope.RateLimitOptions{Now: clock}})
	if err != nil {
		panic(err)
	}
	policies := []xrate.Policy{
		{Name: "per-key", Limiter: rate.NewLimiter(rate.Every(time.Second), 60)},
		{Name: "per-org", Limiter: rate.NewLimiter(rate.Every(100*time.Millisecond), 1)},
	}
	limit := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			buckets, ok := xrate.AllowAll(clock(), policies...)
			if !ok {
				ew.Write(w, r, envelope.RateLimited("").WithRateLimit(buckets...))
				return
			}
			ew.SetRateLimit(w.Header(), buckets...)
			next.ServeHTTP(w, r)
		})
	}
	h := limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	}))

	for range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		fmt.Printf("%d remaining=%s retry-after=%q\n", rec.Code, rec.Header().Get("X-RateLimit-Remaining"), rec.Header().Get("Retry-After"))
		fmt.Println(rec.Header().Get("RateLimit"))
	}
	// Output:
	// 200 remaining=0 retry-after=""
	// "per-key";r=59;t=1, "per-org";r=0;t=1
	// 429 remaining=0 retry-after="1"
	// "per-key";r=59;t=1, "per-org";r=0;t=1
}
