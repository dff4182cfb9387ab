package envelope_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"

	"github.com/apienvelope/envelope"
)

// printRateLimitHeaders prints the rate-limit headers of h in a fixed order.
func printRateLimitHeaders(h http.Header) {
	keys := []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy", "RateLimit", "Retry-After"}
	for _, k := range keys {
		if v := h.Values(k); len(v) > 0 {
			fmt.Printf("%s: %s\n", k, v[0])
		}
	}
}

// A request gated by a per-key and a per-organisation bucket. The legacy
// headers describe the more restrictive one (fewer remaining); the IETF
// fields list both.
func ExampleWriter_SetRateLimit() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		RateLimit: envelope.RateLimitOptions{
			Now: func() time.Time { return now }, // a fixed clock for the example
		},
	})
	if err != nil {
		panic(err)
	}
	h := http.Header{}
	ew.SetRateLimit(h,
		envelope.Bucket{Policy: "per-key", Limit: 100, Window: time.Minute, Remaining: 7, Reset: now.Add(45 * time.Second)},
		envelope.Bucket{Policy: "per-org", Limit: 5000, Window: time.Hour, Remaining: 1200, Reset: now.Add(20 * time.Minute)},
	)
	printRateLimitHeaders(h)
	// Output:
	// X-RateLimit-Limit: 100
	// X-RateLimit-Remaining: 7
	// X-RateLimit-Reset: 45
	// RateLimit-Policy: "per-key";q=100;w=60, "per-org";q=5000;w=3600
	// RateLimit: "per-key";r=7;t=45, "per-org";r=1200;t=1200
}

// A 429 that carries the state of the bucket that refused the request:
// Write sets the rate-limit headers and Retry-After along with the body.
// Here the legacy reset is in Unix epoch milliseconds, and the IETF fields
// are omitted, for an API whose clients know only the legacy headers.
func ExampleAPIError_WithRateLimit() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		RateLimit: envelope.RateLimitOptions{
			Reset: envelope.ResetEpochMillis,
			Omit:  []string{"RateLimit-Policy", "RateLimit"},
			Now:   func() time.Time { return now },
		},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org := envelope.Bucket{Policy: "per-org", Limit: 600, Remaining: 0, Reset: now.Add(12500 * time.Millisecond), Denied: true}
		key := envelope.Bucket{Policy: "per-key", Limit: 60, Remaining: 30, Reset: now.Add(30 * time.Second)}
		ew.Write(w, r, envelope.RateLimited("").WithRateLimit(key, org))
	}))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/v1/flags")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	printRateLimitHeaders(resp.Header)
	fmt.Println(string(body))
	// Output:
	// 429
	// X-RateLimit-Limit: 600
	// X-RateLimit-Remaining: 0
	// X-RateLimit-Reset: 1767268812500
	// Retry-After: 13
	// {"code":"rate_limited","message":"Too many requests. Try again later."}
}

// Retry-After as an HTTP-date, which http.ParseTime reads back, with waits
// capped at one hour: a bucket that will not refill for a week still gets a
// sensible answer.
func ExampleRateLimitOptions_retryAfterDate() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		RateLimit: envelope.RateLimitOptions{
			RetryAfterDate: true,
			MaxRetryAfter:  time.Hour,
			Now:            func() time.Time { return now },
		},
	})
	if err != nil {
		panic(err)
	}
	for _, wait := range []time.Duration{-time.Second, 1500 * time.Millisecond, 7 * 24 * time.Hour} {
		h := http.Header{}
		ew.SetRateLimit(h, envelope.Bucket{Policy: "weekly", Limit: 10, Reset: now.Add(wait), Denied: true})
		at, err := http.ParseTime(h.Get("Retry-After"))
		fmt.Println(h.Get("Retry-After"), at.Sub(now), err)
	}
	// Output:
	// Thu, 01 Jan 2026 12:00:01 GMT 1s <nil>
	// Thu, 01 Jan 2026 12:00:02 GMT 2s <nil>
	// Thu, 01 Jan 2026 13:00:00 GMT 1h0m0s <nil>
}

// Which headers are written is a setting: the zero value writes all of
// them, Omit leaves out those it names, such as the legacy trio for an API
// that has moved to the IETF fields. An unknown name is refused.
func ExampleRateLimitOptions_omit() {
	for _, omit := range [][]string{nil, {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}, {"X-RateLimit-Used"}} {
		ew, err := envelope.NewWriter(envelope.WriterOptions{RateLimit: envelope.RateLimitOptions{Omit: omit}})
		if err != nil {
			fmt.Println(err)
			continue
		}
		h := http.Header{}
		ew.SetRateLimit(h, envelope.Bucket{Limit: 1, Denied: true})
		keys := make([]string, 0, len(h))
		for k := range h {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Println(keys)
	}
	// Output:
	// [Ratelimit Ratelimit-Policy Retry-After X-Ratelimit-Limit X-Ratelimit-Remaining X-Ratelimit-Reset]
	// [Ratelimit Ratelimit-Policy Retry-After]
	// envelope: cannot omit "X-RateLimit-Used": not a rate-limit header
}
