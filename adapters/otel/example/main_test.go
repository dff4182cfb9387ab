package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// spanDone hands over each span as it ends.
type spanDone chan sdktrace.ReadOnlySpan

func (p spanDone) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (p spanDone) OnEnd(s sdktrace.ReadOnlySpan)                   { p <- s }
func (p spanDone) Shutdown(context.Context) error                  { return nil }
func (p spanDone) ForceFlush(context.Context) error                { return nil }

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestExampleServer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path       string
		status     int
		code       string
		spanStatus codes.Code
		cause      string
	}{
		{"/flags/nope", 404, "not_found", codes.Unset, ""},
		{"/billing", 503, "service_unavailable", codes.Error, "connection refused"},
		{"/report", 500, "internal", codes.Error, "nil pointer"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			spans := make(spanDone, 1)
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
			reader := sdkmetric.NewManualReader()
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
			var logs syncBuffer
			h, err := newServer(tp, mp, slog.New(slog.NewJSONHandler(&logs, nil)))
			require.NoError(t, err)
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)

			res, err := srv.Client().Get(srv.URL + tc.path)
			require.NoError(t, err)
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.NoError(t, res.Body.Close())
			assert.Equal(t, tc.status, res.StatusCode)
			var body map[string]any
			require.NoError(t, json.Unmarshal(b, &body), "%s", b)
			assert.Equal(t, tc.code, body["code"])
			assert.NotContains(t, string(b), "password")
			assert.NotContains(t, string(b), "nil pointer")

			var span sdktrace.ReadOnlySpan
			select {
			case span = <-spans:
			case <-time.After(10 * time.Second):
				t.Fatal("no span ended")
			}
			assert.Equal(t, tc.spanStatus, span.Status().Code)
			assert.Equal(t, res.Header.Get("X-Request-Id"), body["requestId"])
			if tc.cause != "" {
				assert.Contains(t, logs.String(), tc.cause, "the cause is in the log")
			}

			// The span ends after the writer's hooks ran: the count is in.
			var rm metricdata.ResourceMetrics
			require.NoError(t, reader.Collect(context.Background(), &rm))
			require.Len(t, rm.ScopeMetrics, 1)
			dps := rm.ScopeMetrics[0].Metrics[0].Data.(metricdata.Sum[int64]).DataPoints
			require.Len(t, dps, 1)
			et, _ := dps[0].Attributes.Value("error.type")
			assert.Equal(t, tc.code, et.AsString())
			assert.Equal(t, int64(1), dps[0].Value)
		})
	}
}
