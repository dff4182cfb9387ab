package benchmarks

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rateLimitBuckets returns n buckets gating a request at now: a policy
// name, a quota per minute, some remaining, a reset 30 s ahead; none
// denied, so no row writes Retry-After.
func rateLimitBuckets(n int, now time.Time) []envelope.Bucket {
	bs := make([]envelope.Bucket, n)
	for i := range bs {
		bs[i] = envelope.Bucket{
			Policy:    "policy-" + strconv.Itoa(i),
			Limit:     int64(100 * (i + 1)),
			Window:    time.Minute,
			Remaining: int64(42 + i),
			Reset:     now.Add(time.Duration(30+i) * time.Second),
		}
	}
	return bs
}

// rateLimitScenario is one response carrying the state of n buckets,
// written as headers before a 200 with a short body (the same body for
// every row). now is the clock of every row: time.Now in the benchmarks,
// a fixed time in the checks.
func rateLimitScenario(name string, n int, now func() time.Time) scenario {
	buckets := rateLimitBuckets(n, now())
	rl, err := envelope.NewWriter(envelope.WriterOptions{RateLimit: envelope.RateLimitOptions{Now: now}})
	if err != nil {
		panic(err)
	}
	finish := func(w http.ResponseWriter) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(okBody))
	}
	return scenario{
		name:    name,
		request: middlewareRequest(""),
		contenders: []contender{
			{name: "envelope", status: http.StatusOK, serve: func(w http.ResponseWriter, _ *http.Request) {
				rl.SetRateLimit(w.Header(), buckets...)
				finish(w)
			}},
			{name: "strconv", status: http.StatusOK, serve: func(w http.ResponseWriter, _ *http.Request) {
				handRolledRateLimit(w.Header(), now(), buckets, true)
				finish(w)
			}},
			{name: "legacy_only", status: http.StatusOK, serve: func(w http.ResponseWriter, _ *http.Request) {
				handRolledRateLimit(w.Header(), now(), buckets, false)
				finish(w)
			}},
		},
	}
}

// handRolledRateLimit is what a server writes for itself with strconv and
// Header().Set: the legacy trio for the bucket with the least remaining
// (ties to the later reset, as envelope picks), and with ietf the
// RateLimit-Policy and RateLimit lists. Without ietf it is the legacy
// trio alone, as common rate-limit middleware sends.
func handRolledRateLimit(h http.Header, now time.Time, buckets []envelope.Bucket, ietf bool) {
	if len(buckets) == 0 {
		return
	}
	secs := func(d time.Duration) int64 {
		if d <= 0 {
			return 0
		}
		return int64((d + time.Second - 1) / time.Second)
	}
	pick := 0
	for i, b := range buckets {
		p := buckets[pick]
		if b.Remaining < p.Remaining || (b.Remaining == p.Remaining && b.Reset.After(p.Reset)) {
			pick = i
		}
	}
	b := buckets[pick]
	h.Set("X-Ratelimit-Limit", strconv.FormatInt(b.Limit, 10))
	h.Set("X-Ratelimit-Remaining", strconv.FormatInt(b.Remaining, 10))
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(secs(b.Reset.Sub(now)), 10))
	if !ietf {
		return
	}
	var policy, state strings.Builder
	for i, b := range buckets {
		if i > 0 {
			policy.WriteString(", ")
			state.WriteString(", ")
		}
		policy.WriteString(`"` + b.Policy + `";q=` + strconv.FormatInt(b.Limit, 10) + ";w=" + strconv.FormatInt(secs(b.Window), 10))
		state.WriteString(`"` + b.Policy + `";r=` + strconv.FormatInt(b.Remaining, 10) + ";t=" + strconv.FormatInt(secs(b.Reset.Sub(now)), 10))
	}
	h.Set("Ratelimit-Policy", policy.String())
	h.Set("Ratelimit", state.String())
}

// TestRateLimitContenders checks the hand-rolled row sends exactly the
// headers envelope sends (so the ratio compares equal work) and the
// legacy-only row exactly envelope's legacy trio, for every bucket count.
func TestRateLimitContenders(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fixed := func() time.Time { return at }
	for _, n := range []int{1, 3, 10} {
		s := rateLimitScenario("check", n, fixed)
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			serve := func(c contender) http.Header {
				rec := httptest.NewRecorder()
				c.serve(rec, s.request())
				return rec.Header()
			}
			ours, hand, legacy := serve(s.contenders[0]), serve(s.contenders[1]), serve(s.contenders[2])
			require.Len(t, ours, 5, "envelope sends five rate-limit headers")
			assert.Equal(t, ours, hand, "the strconv row sends what envelope sends")
			require.Len(t, legacy, 3, "the legacy row sends the trio only")
			for k, v := range legacy {
				assert.Equal(t, ours[k], v, k)
			}
		})
	}
}

func BenchmarkRateLimit1(b *testing.B)  { rateLimitScenario("RateLimit1", 1, time.Now).run(b) }
func BenchmarkRateLimit3(b *testing.B)  { rateLimitScenario("RateLimit3", 3, time.Now).run(b) }
func BenchmarkRateLimit10(b *testing.B) { rateLimitScenario("RateLimit10", 10, time.Now).run(b) }

// bucketsScenario is a 200 carrying the rate-limit headers of 0, 10 and
// 100 buckets (rows named by the count), set with Writer.SetRateLimit: the
// cost per bucket is a row's time above the 0 row's, over its count.
func bucketsScenario() scenario {
	rl, err := envelope.NewWriter(envelope.WriterOptions{})
	if err != nil {
		panic(err)
	}
	var cs []contender
	for _, n := range []int{0, 10, 100} {
		buckets := rateLimitBuckets(n, time.Now())
		cs = append(cs, contender{name: strconv.Itoa(n), status: http.StatusOK, serve: func(w http.ResponseWriter, _ *http.Request) {
			rl.SetRateLimit(w.Header(), buckets...)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(okBody))
		}})
	}
	return scenario{name: "Buckets", request: middlewareRequest(""), contenders: cs}
}

func BenchmarkBuckets(b *testing.B) { bucketsScenario().run(b) }
