package envelopeotel_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apienvelope/envelope"
	envelopeotel "github.com/apienvelope/envelope/adapters/otel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

const secret = "dial tcp: postgres://app:hunter2@db"

// serve runs one request through a real server whose middleware starts a
// span, as HTTP instrumentation does, and returns the ended span.
func serve(t *testing.T, opts envelopeotel.Options, id string, handlerErr error) (sdktrace.ReadOnlySpan, string) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	tracer := tp.Tracer("test")

	ew, err := envelope.NewErrorWriter(envelope.Config{
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnError: envelopeotel.OnError(opts),
	})
	require.NoError(t, err)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), "GET /x")
		defer span.End()
		if id != "" {
			ctx = envelope.ContextWithRequestID(ctx, id)
		}
		ew.Write(w, r.WithContext(ctx), handlerErr)
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	res, err := srv.Client().Get(srv.URL + "/x")
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	spans := rec.Ended()
	require.Len(t, spans, 1)
	return spans[0], string(body)
}

func attrs(kvs []attribute.KeyValue) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.AsInterface()
	}
	return m
}

func TestOnError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		opts        envelopeotel.Options
		id          string
		err         error
		status      int64
		wantStatus  codes.Code
		wantErrType any
		fields      any
		causeType   any
	}{
		{"4xx leaves the span status unset", envelopeotel.Options{}, "req-1",
			envelope.Validation("").WithField("email", "is required"), 400, codes.Unset, nil, int64(1), nil},
		{"5xx sets Error and error.type", envelopeotel.Options{}, "req-2",
			envelope.Wrap(errors.New(secret), envelope.CodeUnavailable, ""), 503, codes.Error, "service_unavailable", nil, "*errors.errorString"},
		{"unknown error is internal, no cause", envelopeotel.Options{}, "",
			errors.New(secret), 500, codes.Error, "internal", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			span, body := serve(t, tt.opts, tt.id, tt.err)
			assert.NotContains(t, body, "hunter2")

			got := attrs(span.Attributes())
			assert.Equal(t, tt.status, got["http.response.status_code"])
			assert.Equal(t, string(envelope.CodeOf(tt.err)), got["envelope.error.code"])
			assert.Equal(t, tt.wantErrType, got["error.type"])
			if tt.id != "" {
				assert.Equal(t, tt.id, got["envelope.request_id"])
			} else {
				assert.NotContains(t, got, "envelope.request_id")
			}
			assert.Equal(t, tt.wantStatus, span.Status().Code)

			require.Len(t, span.Events(), 1, "one event, no exception event without RecordCause")
			ev := span.Events()[0]
			assert.Equal(t, envelopeotel.EventName, ev.Name)
			ea := attrs(ev.Attributes)
			assert.Equal(t, string(envelope.CodeOf(tt.err)), ea["envelope.error.code"])
			assert.Equal(t, tt.fields, ea["envelope.error.fields"])
			assert.Equal(t, tt.causeType, ea["envelope.error.cause_type"])
			for _, kv := range ev.Attributes {
				assert.NotContains(t, kv.Value.Emit(), "hunter2", "no cause text by default")
			}
		})
	}
}

func TestRecordCauseOptIn(t *testing.T) {
	t.Parallel()
	span, body := serve(t, envelopeotel.Options{RecordCause: true}, "",
		envelope.Wrap(errors.New(secret), envelope.CodeBadGateway, ""))
	assert.NotContains(t, body, "hunter2", "never on the wire")
	require.Len(t, span.Events(), 2)
	ex := span.Events()[1]
	assert.Equal(t, "exception", ex.Name)
	assert.Equal(t, secret, attrs(ex.Attributes)["exception.message"], "the operator asked for it")
}

func TestNoSpanNoPanic(t *testing.T) {
	t.Parallel()
	hook := envelopeotel.OnError(envelopeotel.Options{RecordCause: true})
	assert.NotPanics(t, func() {
		hook(httptest.NewRequest(http.MethodGet, "/", nil), 500, envelope.ErrInternal)
		hook(nil, 500, nil)
		hook(httptest.NewRequest(http.MethodGet, "/", nil), 500, nil)
	})
}
