package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuotaRunsOut drives one client past its 5-request bucket at a fixed
// clock: five 200s counting down, then a 429 envelope with Retry-After.
func TestQuotaRunsOut(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h, err := newServer(func() time.Time { return now })
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	get := func() *http.Response {
		req, err := http.NewRequest("GET", srv.URL+"/quote", nil)
		require.NoError(t, err)
		req.Header.Set("X-Api-Key", "k1")
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for want := 4; want >= 0; want-- {
		resp := get()
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, []string{"5", itoa(want)}, []string{resp.Header.Get("X-RateLimit-Limit"), resp.Header.Get("X-RateLimit-Remaining")})
	}
	resp := get()
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, "2", resp.Header.Get("Retry-After"), "one token refills in 2s")
	assert.Equal(t, `"per-client";q=5;w=10, "global";q=100;w=10`, resp.Header.Get("RateLimit-Policy"))
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, "rate_limited", body["code"])
	assert.Equal(t, resp.Header.Get("X-Request-Id"), body["requestId"])
}

func itoa(i int) string { return string(rune('0' + i)) }
