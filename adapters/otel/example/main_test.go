package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestExampleServer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path       string
		status     int
		code       string
		spanStatus codes.Code
	}{
		{"/flags/nope", 404, "not_found", codes.Unset},
		{"/billing", 503, "service_unavailable", codes.Error},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			var logs bytes.Buffer
			h, err := newServer(tp, slog.New(slog.NewJSONHandler(&logs, nil)))
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

			spans := rec.Ended()
			require.Len(t, spans, 1)
			assert.Equal(t, tc.spanStatus, spans[0].Status().Code)
			assert.Equal(t, spans[0].SpanContext().TraceID().String(), body["requestId"], "the body's ID finds the trace")
			if tc.status >= 500 {
				assert.Contains(t, logs.String(), "connection refused", "the cause is in the log")
			}
		})
	}
}
