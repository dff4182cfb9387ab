package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	require.NoError(t, err)
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	return res.StatusCode, string(b)
}

func TestExampleServer(t *testing.T) {
	t.Parallel()
	h, err := newServer(prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	// served says when a request's handler, and so the writer's hooks,
	// returned: the response may reach the client before that.
	served := make(chan string, 3)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		served <- r.URL.Path
	}))
	t.Cleanup(srv.Close)
	wait := func(path string) {
		t.Helper()
		select {
		case p := <-served:
			assert.Equal(t, path, p)
		case <-time.After(10 * time.Second):
			t.Fatalf("%s not served", path)
		}
	}

	status, body := get(t, srv, "/report")
	assert.Equal(t, 500, status)
	assert.Contains(t, body, `"code":"internal"`)
	assert.NotContains(t, body, "nil pointer")
	wait("/report")
	status, _ = get(t, srv, "/flags/x")
	assert.Equal(t, 404, status)
	wait("/flags/x")

	status, metrics := get(t, srv, "/metrics")
	require.Equal(t, 200, status)
	var lines []string
	for _, l := range strings.Split(metrics, "\n") {
		if strings.HasPrefix(l, "envelope_error_responses_total{") {
			lines = append(lines, l)
		}
	}
	assert.Equal(t, []string{
		`envelope_error_responses_total{code="internal",method="GET",route="GET /report",status="500"} 1`,
		`envelope_error_responses_total{code="not_found",method="GET",route="GET /flags/{key}",status="404"} 1`,
	}, lines)
}
