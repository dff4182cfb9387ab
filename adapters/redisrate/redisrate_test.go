package redisrate_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/apienvelope/envelope/adapters/redisrate"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		res    *redis_rate.Result
		want   envelope.Bucket
		denied bool
	}{
		{"allowed", &redis_rate.Result{Limit: redis_rate.PerHour(5), Allowed: 1, Remaining: 3, RetryAfter: -1, ResetAfter: 24 * time.Minute},
			envelope.Bucket{Policy: "p", Limit: 5, Window: time.Hour, Remaining: 3, Reset: now.Add(24 * time.Minute)}, false},
		{"denied", &redis_rate.Result{Limit: redis_rate.PerMinute(10), Allowed: 0, Remaining: 0, RetryAfter: 6 * time.Second, ResetAfter: time.Minute},
			envelope.Bucket{Policy: "p", Limit: 10, Window: time.Minute, Remaining: 0, Reset: now.Add(time.Minute), Denied: true, RetryAt: now.Add(6 * time.Second)}, true},
		{"read of an empty bucket", &redis_rate.Result{Limit: redis_rate.PerHour(5), Allowed: 0, Remaining: 0, RetryAfter: -1, ResetAfter: time.Hour},
			envelope.Bucket{Policy: "p", Limit: 5, Window: time.Hour, Remaining: 0, Reset: now.Add(time.Hour), RetryAt: now.Add(12 * time.Minute)}, false},
		{"peek", &redis_rate.Result{Limit: redis_rate.PerSecond(2), Allowed: 0, Remaining: 2, RetryAfter: -1, ResetAfter: 0},
			envelope.Bucket{Policy: "p", Limit: 2, Window: time.Second, Remaining: 2, Reset: now}, false},
		{"burst above rate", &redis_rate.Result{Limit: redis_rate.Limit{Rate: 10, Burst: 20, Period: time.Minute}, Allowed: 1, Remaining: 19, RetryAfter: -1, ResetAfter: 6 * time.Second},
			envelope.Bucket{Policy: "p", Limit: 20, Window: 2 * time.Minute, Remaining: 19, Reset: now.Add(6 * time.Second)}, false},
		{"zero limit", &redis_rate.Result{}, envelope.Bucket{Policy: "p", Reset: now}, false},
		{"nil", nil, envelope.Bucket{Policy: "p", Reset: now}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := redisrate.State(tt.res, "p", now)
			assert.Equal(t, tt.want, b)
			assert.Equal(t, tt.denied, b.Denied)
			assert.GreaterOrEqual(t, b.Remaining, int64(0))
		})
	}
}

var runs atomic.Int64

// uniquePrefix returns a Redis key prefix of the test's own, also when
// tests run more than once (-count) against the one Redis.
func uniquePrefix(t *testing.T) string {
	return t.Name() + ":" + strconv.FormatInt(runs.Add(1), 10) + ":"
}

// newClient returns a client of its own on the test Redis.
func newClient(t *testing.T) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// replica is one instance of a server gated by a per-key and a per-org
// limit kept in the shared Redis. Its clock is the system clock: with
// hourly limits the seconds rendered do not depend on how fast the test
// runs.
func replica(t *testing.T, prefix string, perKey, perOrg redis_rate.Limit) *httptest.Server {
	t.Helper()
	c := newClient(t)
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, org := r.Header.Get("X-Api-Key"), r.Header.Get("X-Org")
		bs, ok, err := redisrate.AllowAll(r.Context(), c, time.Now(),
			redisrate.Policy{Name: "per-key", Key: prefix + "key:" + key, Limit: perKey},
			redisrate.Policy{Name: "per-org", Key: prefix + "org:" + org, Limit: perOrg},
		)
		switch {
		case err != nil:
			ew.Write(w, r, envelope.Unavailable("").WithCause(err))
		case !ok:
			ew.Write(w, r, envelope.RateLimited("").WithRateLimit(bs...))
		default:
			ew.SetRateLimit(w.Header(), bs...)
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// hit is what a client reads from one response.
type hit struct {
	status             int
	remaining, limit   int64
	reset, retryAfter  int64 // seconds; -1 when absent
	policy, rateLimit  string
	body               string
	perKeyR, perOrgR   int64 // r of RateLimit
	perKeyT, perOrgT   int64 // t of RateLimit
	perKeyQW, perOrgQW [2]int64
	servedFrom         string
}

// response is one response as read, by any goroutine.
type response struct {
	srv  *httptest.Server
	resp *http.Response
	body []byte
	err  error
}

// fetch sends one request as the client of key in org; it is safe to call
// from any goroutine (it reports failures in the response, not on t).
func fetch(srv *httptest.Server, key, org string) response {
	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	if err != nil {
		return response{err: err}
	}
	req.Header.Set("X-Api-Key", key)
	req.Header.Set("X-Org", org)
	resp, err := srv.Client().Do(req)
	if err != nil {
		return response{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{srv: srv, resp: resp, body: b, err: err}
}

func get(t *testing.T, srv *httptest.Server, key, org string) hit {
	t.Helper()
	return parse(t, fetch(srv, key, org))
}

// parse reads what a client reads from one response.
func parse(t *testing.T, r response) hit {
	t.Helper()
	require.NoError(t, r.err)
	resp, b, srv := r.resp, r.body, r.srv
	h := hit{status: resp.StatusCode, body: string(b), servedFrom: srv.URL, retryAfter: -1}
	h.remaining = intHeader(t, resp.Header, "X-Ratelimit-Remaining")
	h.limit = intHeader(t, resp.Header, "X-Ratelimit-Limit")
	h.reset = intHeader(t, resp.Header, "X-Ratelimit-Reset")
	if resp.Header.Get("Retry-After") != "" {
		h.retryAfter = intHeader(t, resp.Header, "Retry-After")
	}
	h.policy, h.rateLimit = resp.Header.Get("RateLimit-Policy"), resp.Header.Get("RateLimit")
	pol := parseList(t, h.policy)
	rem := parseList(t, h.rateLimit)
	require.Equal(t, []string{"per-key", "per-org"}, keys(pol), "RateLimit-Policy %q", h.policy)
	require.Equal(t, []string{"per-key", "per-org"}, keys(rem), "RateLimit %q", h.rateLimit)
	h.perKeyQW = [2]int64{pol[0].params["q"], pol[0].params["w"]}
	h.perOrgQW = [2]int64{pol[1].params["q"], pol[1].params["w"]}
	h.perKeyR, h.perKeyT = rem[0].params["r"], rem[0].params["t"]
	h.perOrgR, h.perOrgT = rem[1].params["r"], rem[1].params["t"]
	return h
}

func intHeader(t *testing.T, h http.Header, k string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(h.Get(k), 10, 64)
	require.NoError(t, err, "%s: %q", k, h.Get(k))
	return v
}

type item struct {
	name   string
	params map[string]int64
}

// parseList parses an RFC 9651 list of sf-string items with integer
// parameters, the shape of RateLimit and RateLimit-Policy.
func parseList(t *testing.T, s string) []item {
	t.Helper()
	var out []item
	for _, m := range strings.Split(s, ", ") {
		parts := strings.Split(m, ";")
		name, err := strconv.Unquote(parts[0])
		require.NoError(t, err, "item %q", m)
		it := item{name: name, params: map[string]int64{}}
		for _, p := range parts[1:] {
			k, v, ok := strings.Cut(p, "=")
			require.True(t, ok, "parameter %q", p)
			n, err := strconv.ParseInt(v, 10, 64)
			require.NoError(t, err, "parameter %q", p)
			it.params[k] = n
		}
		out = append(out, it)
	}
	return out
}

func keys(items []item) []string {
	var ks []string
	for _, it := range items {
		ks = append(ks, it.name)
	}
	return ks
}

// TestReplicasShareOneLimit hits three replicas, each with its own Redis
// client, round-robin with one API key: the headers describe one shared
// limit whichever replica answers.
func TestReplicasShareOneLimit(t *testing.T) {
	t.Parallel()
	const quota, orgQuota = 5, 100
	prefix := uniquePrefix(t)
	replicas := []*httptest.Server{
		replica(t, prefix, redis_rate.PerHour(quota), redis_rate.PerHour(orgQuota)),
		replica(t, prefix, redis_rate.PerHour(quota), redis_rate.PerHour(orgQuota)),
		replica(t, prefix, redis_rate.PerHour(quota), redis_rate.PerHour(orgQuota)),
	}
	const requests = quota + 4
	var hits []hit
	for i := range requests {
		hits = append(hits, get(t, replicas[i%len(replicas)], "k1", "o1"))
	}
	for i, h := range hits {
		n := i + 1 // the request's number
		assert.Equal(t, [2]int64{quota, 3600}, h.perKeyQW, "request %d: per-key policy", n)
		assert.Equal(t, [2]int64{orgQuota, 3600}, h.perOrgQW, "request %d: per-org policy", n)
		assert.Equal(t, int64(quota), h.limit, "request %d: the per-key bucket is the most restrictive", n)
		if i > 0 {
			assert.LessOrEqual(t, h.remaining, hits[i-1].remaining, "request %d: remaining never grows, whichever replica answers", n)
		}
		if n <= quota {
			assert.Equal(t, http.StatusNoContent, h.status, "request %d", n)
			assert.Equal(t, int64(quota-n), h.remaining, "request %d", n)
			assert.Equal(t, h.remaining, h.perKeyR, "request %d: X-RateLimit-Remaining agrees with RateLimit", n)
			assert.Equal(t, int64(orgQuota-n), h.perOrgR, "request %d", n)
			// Full again after n emission intervals of 12 minutes, rounded up.
			assert.InDelta(t, float64(n*720), float64(h.perKeyT), 1, "request %d: per-key t", n)
			assert.InDelta(t, float64(n*36), float64(h.perOrgT), 1, "request %d: per-org t", n)
			assert.Equal(t, h.perKeyT, h.reset, "request %d: X-RateLimit-Reset agrees with RateLimit", n)
			assert.Equal(t, int64(-1), h.retryAfter, "request %d: no Retry-After on success", n)
			continue
		}
		assert.Equal(t, http.StatusTooManyRequests, h.status, "request %d", n)
		assert.Equal(t, int64(0), h.remaining, "request %d", n)
		assert.Equal(t, int64(0), h.perKeyR, "request %d", n)
		assert.Equal(t, int64(orgQuota-quota), h.perOrgR, "request %d: a refused request spends no org quota", n)
		// The next request fits after one emission interval (12 minutes),
		// long before the bucket is full again (an hour).
		assert.InDelta(t, 720, float64(h.retryAfter), 1, "request %d: wait for the next request to fit", n)
		assert.GreaterOrEqual(t, h.retryAfter, int64(1), "request %d", n)
		assert.InDelta(t, 3600, float64(h.reset), 1, "request %d: full again in an hour", n)
		assert.Equal(t, h.reset, h.perKeyT, "request %d", n)
		assert.Contains(t, h.body, `"code":"rate_limited"`, "request %d", n)
	}
	// Every replica answered both before and after the limit was reached.
	served := map[string]int{}
	for _, h := range hits {
		served[h.servedFrom]++
	}
	assert.Len(t, served, len(replicas))
}

// TestOrgLimitSparesKeyQuota: when the per-org bucket refuses, the per-key
// bucket of the refused request keeps its quota.
func TestOrgLimitSparesKeyQuota(t *testing.T) {
	t.Parallel()
	prefix := uniquePrefix(t)
	a := replica(t, prefix, redis_rate.PerHour(5), redis_rate.PerHour(6))
	b := replica(t, prefix, redis_rate.PerHour(5), redis_rate.PerHour(6))
	for range 4 {
		require.Equal(t, http.StatusNoContent, get(t, a, "ka", "org").status)
	}
	for range 2 {
		require.Equal(t, http.StatusNoContent, get(t, b, "kb", "org").status)
	}
	h := get(t, a, "kb", "org")
	assert.Equal(t, http.StatusTooManyRequests, h.status)
	assert.Equal(t, int64(3), h.perKeyR, "kb spent 2 of 5 and was not charged for the refusal")
	assert.Equal(t, int64(0), h.perOrgR)
	assert.Equal(t, int64(6), h.limit, "the denying per-org bucket is reported")
	assert.InDelta(t, 600, float64(h.retryAfter), 1, "per-org (6 an hour) fits the next request in 10 minutes")
	assert.Equal(t, `"per-key";q=5;w=3600, "per-org";q=6;w=3600`, h.policy)
}

func TestAllowAllErrors(t *testing.T) {
	t.Parallel()
	_, ok, err := redisrate.AllowAll(context.Background(), nil, time.Now())
	assert.False(t, ok)
	require.Error(t, err)

	// A Redis that does not answer: the error reaches the caller, no buckets.
	down := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { _ = down.Close() })
	bs, ok, err := redisrate.AllowAll(context.Background(), down, time.Now(), redisrate.Policy{Name: "p", Key: "k", Limit: redis_rate.PerHour(1)})
	assert.False(t, ok)
	assert.Nil(t, bs)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "redisrate:")

	// Policies with a zero limit are left out and never refuse.
	bs, ok, err = redisrate.AllowAll(context.Background(), newClient(t), time.Now(), redisrate.Policy{Name: "none", Key: uniquePrefix(t)})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Empty(t, bs)

	// A limit that cannot refill is refused before Redis is asked.
	_, _, err = redisrate.AllowAll(context.Background(), down, time.Now(), redisrate.Policy{Name: "bad", Key: "k", Limit: redis_rate.Limit{Burst: 1}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `policy "bad"`)
}

// TestReplicasConcurrent fires concurrent requests at three replicas: the
// shared limit admits exactly its quota, and the admitted requests see
// every remaining value once.
func TestReplicasConcurrent(t *testing.T) {
	t.Parallel()
	const quota, requests = 5, 24
	prefix := uniquePrefix(t)
	var replicas []*httptest.Server
	for range 3 {
		replicas = append(replicas, replica(t, prefix, redis_rate.PerHour(quota), redis_rate.PerHour(1000)))
	}
	responses := make([]response, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			responses[i] = fetch(replicas[i%len(replicas)], "k", "o")
		}()
	}
	wg.Wait()
	hits := make([]hit, requests)
	for i, r := range responses {
		hits[i] = parse(t, r)
	}
	var remaining []int64
	refused := 0
	for _, h := range hits {
		switch h.status {
		case http.StatusNoContent:
			remaining = append(remaining, h.remaining)
		case http.StatusTooManyRequests:
			refused++
			assert.Equal(t, int64(0), h.perKeyR)
			assert.GreaterOrEqual(t, h.retryAfter, int64(1))
		default:
			t.Errorf("status %d: %s", h.status, h.body)
		}
	}
	slices.Sort(remaining)
	assert.Equal(t, []int64{0, 1, 2, 3, 4}, remaining, "exactly the quota is admitted, each remaining value once")
	assert.Equal(t, requests-quota, refused)
}

// TestAllowAllAtomic is the regression test of concurrent refusals: many
// requests at once on one key must never charge the per-org bucket for a
// request the per-key bucket refused. 60 concurrent requests on one key
// (5 an hour) against an org limit of 100 an hour, through three replicas
// with clients of their own, admit exactly 5 and leave exactly 95 in the
// org bucket, as redis_rate itself reads it.
func TestAllowAllAtomic(t *testing.T) {
	t.Parallel()
	const keyQuota, orgQuota, requests = 5, 100, 60
	prefix := uniquePrefix(t)
	var replicas []*httptest.Server
	for range 3 {
		replicas = append(replicas, replica(t, prefix, redis_rate.PerHour(keyQuota), redis_rate.PerHour(orgQuota)))
	}
	start := make(chan struct{})
	responses := make([]response, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start // all at once
			responses[i] = fetch(replicas[i%len(replicas)], "k", "o")
		}()
	}
	close(start)
	wg.Wait()
	statuses := map[int]int{}
	for _, r := range responses {
		h := parse(t, r)
		statuses[h.status]++
	}
	assert.Equal(t, map[int]int{http.StatusNoContent: keyQuota, http.StatusTooManyRequests: requests - keyQuota}, statuses)

	// Read the buckets as redis_rate does, without taking (n = 0).
	l := redis_rate.NewLimiter(newClient(t))
	org, err := l.AllowN(context.Background(), prefix+"org:o", redis_rate.PerHour(orgQuota), 0)
	require.NoError(t, err)
	assert.Equal(t, orgQuota-keyQuota, org.Remaining, "the org bucket paid only for the admitted requests")
	key, err := l.AllowN(context.Background(), prefix+"key:k", redis_rate.PerHour(keyQuota), 0)
	require.NoError(t, err)
	assert.Equal(t, 0, key.Remaining)
}

// TestSharesRedisRateBuckets: AllowAll and redis_rate's own Limiter take
// from the same buckets, in the same keys.
func TestSharesRedisRateBuckets(t *testing.T) {
	t.Parallel()
	prefix := uniquePrefix(t)
	c := newClient(t)
	l := redis_rate.NewLimiter(c)
	limit := redis_rate.PerMinute(10)
	for range 3 {
		res, err := l.Allow(context.Background(), prefix+"shared", limit)
		require.NoError(t, err)
		require.Equal(t, 1, res.Allowed)
	}
	now := time.Now()
	bs, ok, err := redisrate.AllowAll(context.Background(), c, now, redisrate.Policy{Name: "p", Key: prefix + "shared", Limit: limit})
	require.NoError(t, err)
	require.True(t, ok)
	require.Len(t, bs, 1)
	assert.Equal(t, int64(6), bs[0].Remaining, "3 taken by redis_rate, 1 by AllowAll")
	assert.Equal(t, int64(10), bs[0].Limit)
	assert.Equal(t, time.Minute, bs[0].Window)
	res, err := l.AllowN(context.Background(), prefix+"shared", limit, 0)
	require.NoError(t, err)
	assert.Equal(t, 6, res.Remaining)
	assert.InDelta(t, float64(4*6*time.Second), float64(res.ResetAfter), float64(time.Second))
}
