package envelope_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/apienvelope/envelope"
)

// WithRetryAfter announces a wait without bucket state, such as a 503
// during maintenance; with a denying bucket, Retry-After is the longer of
// the two. It applies to a 429, a 503 and a 413 (whose condition may be
// temporary); an error's own Retry-After header works too.
func ExampleAPIError_WithRetryAfter() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		RateLimit: envelope.RateLimitOptions{Now: func() time.Time { return now }},
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	key := envelope.Bucket{Policy: "per-key", Limit: 100, Window: time.Minute, Reset: now.Add(45 * time.Second), Denied: true}
	errs := map[string]error{
		"/maintenance": envelope.Unavailable("Down for maintenance until 12:30 UTC.").WithRetryAfter(30 * time.Minute),
		"/limited":     envelope.RateLimited("").WithRateLimit(key).WithRetryAfter(2 * time.Minute),
		"/upload":      envelope.PayloadTooLarge("").WithRetryAfter(time.Minute),
		"/upload-busy": envelope.PayloadTooLarge("The upload queue is full.").WithHeader("Retry-After", "60"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ew.Write(w, r, errs[r.URL.Path])
	}))
	defer srv.Close()

	for _, path := range []string{"/maintenance", "/limited", "/upload", "/upload-busy"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Printf("%-13s %d Retry-After: %q\n", path, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Output:
	// /maintenance  503 Retry-After: "1800"
	// /limited      429 Retry-After: "120"
	// /upload       413 Retry-After: "60"
	// /upload-busy  413 Retry-After: "60"
}
