package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apienvelope/envelope/adapters/redisrate/internal/redistest"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTwoReplicas runs two replicas of the example on one real Redis and
// alternates between them.
func TestTwoReplicas(t *testing.T) {
	addr, stop, err := redistest.Start()
	if redistest.MaySkip(err) {
		t.Skip(err)
	}
	require.NoError(t, err)
	t.Cleanup(stop)
	quiet := slog.New(slog.DiscardHandler)
	l := limits{perKey: redis_rate.PerHour(3), perOrg: redis_rate.PerHour(100), prefix: t.Name() + ":"}
	var srvs []*httptest.Server
	for range 2 {
		rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
		t.Cleanup(func() { _ = rdb.Close() })
		h, err := newServer(rdb, l, quiet)
		require.NoError(t, err)
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		srvs = append(srvs, srv)
	}
	get := func(srv *httptest.Server, key string) (*http.Response, string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/hello", nil)
		require.NoError(t, err)
		if key != "" {
			req.Header.Set("X-Api-Key", key)
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		return resp, string(b)
	}
	for i, want := range []string{"2", "1", "0"} {
		resp, body := get(srvs[i%2], "acme-1")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "hello, acme-1\n", body)
		assert.Equal(t, want, resp.Header.Get("X-RateLimit-Remaining"))
	}
	resp, body := get(srvs[1], "acme-1")
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Contains(t, body, `"code":"rate_limited"`)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))

	resp, _ = get(srvs[0], "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// Redis gone: fail closed with a 503, the cause in the logs only.
	stop()
	resp, body = get(srvs[0], "acme-2")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.NotContains(t, body, addr)
}
