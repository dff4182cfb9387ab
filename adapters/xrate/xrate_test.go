package xrate

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

var t0 = time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)

func TestState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		limiter   func() *rate.Limiter
		at        time.Duration // when State is read, after t0
		remaining int64
		limit     int64
		window    time.Duration
		reset     time.Duration // after t0
	}{
		{"full", func() *rate.Limiter { return rate.NewLimiter(rate.Every(time.Second), 10) }, 0, 10, 10, 10 * time.Second, 0},
		{"three taken", func() *rate.Limiter { return taken(rate.NewLimiter(rate.Every(time.Second), 10), 3) }, 0, 7, 10, 10 * time.Second, 3 * time.Second},
		{"empty", func() *rate.Limiter { return taken(rate.NewLimiter(rate.Every(time.Second), 10), 10) }, 0, 0, 10, 10 * time.Second, 10 * time.Second},
		{"partly refilled", func() *rate.Limiter { return taken(rate.NewLimiter(rate.Every(time.Second), 10), 10) }, 1500 * time.Millisecond, 1, 10, 10 * time.Second, 10 * time.Second},
		{"refilled past full", func() *rate.Limiter { return taken(rate.NewLimiter(rate.Every(time.Second), 10), 10) }, time.Hour, 10, 10, 10 * time.Second, time.Hour},
		{"fast rate", func() *rate.Limiter { return taken(rate.NewLimiter(rate.Limit(1000), 100), 1) }, 0, 99, 100, 100 * time.Millisecond, time.Millisecond},
		{"infinite rate", func() *rate.Limiter { return taken(rate.NewLimiter(rate.Inf, 5), 3) }, 0, 5, 5, 0, 0},
		{"nil limiter", func() *rate.Limiter { return nil }, 0, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := State(tt.limiter(), "p", t0.Add(tt.at))
			assert.Equal(t, "p", b.Policy)
			assert.Equal(t, tt.limit, b.Limit)
			assert.Equal(t, tt.remaining, b.Remaining)
			assert.Equal(t, tt.window, b.Window)
			assert.Equal(t, tt.reset, b.Reset.Sub(t0))
			assert.False(t, b.Denied)
			assert.GreaterOrEqual(t, b.Remaining, int64(0))
			assert.LessOrEqual(t, b.Remaining, b.Limit)
		})
	}
}

// taken takes n tokens from l at t0.
func taken(l *rate.Limiter, n int) *rate.Limiter {
	for range n {
		l.AllowN(t0, 1)
	}
	return l
}

func TestStateNeverRefills(t *testing.T) {
	t.Parallel()
	l := taken(rate.NewLimiter(0, 2), 1)
	b := State(l, "fixed", t0)
	assert.Equal(t, int64(1), b.Remaining)
	assert.Greater(t, b.Reset.Sub(t0), 100*365*24*time.Hour, "effectively never")

	// Rendered, the endless wait is capped rather than overflowing.
	ew, err := envelope.NewWriter(envelope.WriterOptions{RateLimit: envelope.RateLimitOptions{Now: func() time.Time { return t0 }}})
	require.NoError(t, err)
	b = Allow(taken(l, 1), "fixed", t0)
	require.True(t, b.Denied)
	h := http.Header{}
	ew.SetRateLimit(h, b)
	assert.Equal(t, "86400", h.Get("Retry-After"))
	reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	require.NoError(t, err)
	assert.Greater(t, reset, int64(100*365*24*3600))
}

func TestAllow(t *testing.T) {
	t.Parallel()
	l := rate.NewLimiter(rate.Every(time.Second), 2)
	b := Allow(l, "k", t0)
	assert.False(t, b.Denied)
	assert.Equal(t, int64(1), b.Remaining)
	b = Allow(l, "k", t0)
	assert.False(t, b.Denied)
	assert.Equal(t, int64(0), b.Remaining)
	b = Allow(l, "k", t0)
	assert.True(t, b.Denied)
	assert.Equal(t, int64(0), b.Remaining)
	assert.Equal(t, 2*time.Second, b.Reset.Sub(t0))
	b = Allow(l, "k", t0.Add(time.Second))
	assert.False(t, b.Denied, "a token came back after a second")

	assert.False(t, Allow(nil, "none", t0).Denied)
}

func TestAllowAllGivesBack(t *testing.T) {
	t.Parallel()
	key := rate.NewLimiter(rate.Every(time.Second), 3)
	org := rate.NewLimiter(rate.Every(10*time.Second), 1)
	ps := []Policy{{"per-key", key}, {"per-org", org}, {"none", nil}}

	bs, ok := AllowAll(t0, ps...)
	require.True(t, ok)
	require.Len(t, bs, 2, "the policy without a limiter is left out")
	assert.Equal(t, "per-org", bs[1].Policy)
	assert.Equal(t, int64(2), bs[0].Remaining)
	assert.Equal(t, int64(0), bs[1].Remaining)
	assert.False(t, bs[0].Denied || bs[1].Denied)

	bs, ok = AllowAll(t0, ps...)
	require.False(t, ok)
	require.Len(t, bs, 2)
	assert.False(t, bs[0].Denied)
	assert.True(t, bs[1].Denied)
	assert.Equal(t, int64(2), bs[0].Remaining, "the per-key token is given back")
	assert.Equal(t, int64(0), bs[1].Remaining)
	assert.Equal(t, 10*time.Second, bs[1].Reset.Sub(t0))
	assert.InDelta(t, 2, State(key, "per-key", t0).Remaining, 0)

	// A request larger than the burst can never pass.
	tiny := rate.NewLimiter(rate.Every(time.Second), 0)
	bs, ok = AllowAll(t0, Policy{"tiny", tiny}, Policy{"per-key", key})
	assert.False(t, ok)
	assert.True(t, bs[0].Denied)
	assert.Equal(t, int64(2), bs[1].Remaining)
}

// TestOverHTTP drives a real server whose middleware gates requests with
// two x/time/rate limiters and lets envelope write the headers.
func TestOverHTTP(t *testing.T) {
	t.Parallel()
	now := t0
	clock := func() time.Time { return now } // read only by the one client goroutine's requests
	ew, err := envelope.NewWriter(envelope.WriterOptions{RateLimit: envelope.RateLimitOptions{Now: clock}})
	require.NoError(t, err)
	ps := []Policy{
		{"per-key", rate.NewLimiter(rate.Every(time.Second), 5)},
		{"per-org", rate.NewLimiter(rate.Every(30*time.Second), 2)},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bs, ok := AllowAll(clock(), ps...)
		if !ok {
			ew.Write(w, r, envelope.RateLimited("").WithRateLimit(bs...))
			return
		}
		ew.SetRateLimit(w.Header(), bs...)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)

	var codes []int
	var last *http.Response
	for range 3 {
		resp, err := srv.Client().Get(srv.URL)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		codes = append(codes, resp.StatusCode)
		last = resp
	}
	assert.Equal(t, []int{http.StatusNoContent, http.StatusNoContent, http.StatusTooManyRequests}, codes)
	assert.Equal(t, "2", last.Header.Get("X-RateLimit-Limit"), "the per-org bucket denied")
	assert.Equal(t, "0", last.Header.Get("X-RateLimit-Remaining"))
	assert.Equal(t, "60", last.Header.Get("X-RateLimit-Reset"))
	assert.Equal(t, "30", last.Header.Get("Retry-After"), "per-org gets its next token in 30s, well before it is full")
	assert.Equal(t, `"per-key";q=5;w=5, "per-org";q=2;w=60`, last.Header.Get("RateLimit-Policy"))
	assert.Equal(t, `"per-key";r=3;t=2, "per-org";r=0;t=60`, last.Header.Get("RateLimit"))
}

// TestStateRetryAt: an empty bucket can serve again when one token is
// back; a bucket with a token left has nothing to wait for.
func TestStateRetryAt(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := rate.NewLimiter(rate.Every(4*time.Second), 3)
	require.True(t, l.AllowN(t0, 2))
	b := State(l, "p", t0)
	assert.True(t, b.RetryAt.IsZero(), "one token left")
	require.True(t, l.AllowN(t0, 1))
	b = State(l, "p", t0)
	assert.Equal(t, 4*time.Second, b.RetryAt.Sub(t0))
	assert.Equal(t, 12*time.Second, b.Reset.Sub(t0))
}
