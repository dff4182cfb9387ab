package envelopeotel_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopeotel "github.com/apienvelope/envelope/adapters/otel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

const secret = "dial tcp: postgres://app:hunter2@db"

// waitBound bounds every wait for an event, so that a broken test fails
// rather than hangs; nothing waits for time to pass.
const waitBound = 10 * time.Second

// endedSpans is a span processor that hands over each span as it ends.
type endedSpans struct{ ch chan sdktrace.ReadOnlySpan }

func (p endedSpans) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (p endedSpans) OnEnd(s sdktrace.ReadOnlySpan)                   { p.ch <- s }
func (p endedSpans) Shutdown(context.Context) error                  { return nil }
func (p endedSpans) ForceFlush(context.Context) error                { return nil }

// next waits for the next span to end.
func (p endedSpans) next(t *testing.T) sdktrace.ReadOnlySpan {
	t.Helper()
	select {
	case s := <-p.ch:
		return s
	case <-time.After(waitBound):
		t.Fatal("no span ended")
		return nil
	}
}

// traced starts a server span around next, as HTTP instrumentation
// (otelhttp.NewHandler) does, and ends it when next returns.
func traced(tp trace.TracerProvider, next http.Handler) http.Handler {
	tracer := tp.Tracer("test")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), r.Method+" "+r.URL.Path, trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// serveSpan runs one request through a real server: instrumentation, the
// envelope middleware, a ServeMux whose handler fails with handlerErr (or
// panics with it, when panicking). It returns the ended span and the body.
func serveSpan(t *testing.T, opts envelopeotel.Options, id string, handlerErr error, panicking bool) (sdktrace.ReadOnlySpan, string) {
	t.Helper()
	spans := endedSpans{make(chan sdktrace.ReadOnlySpan, 1)}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })

	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Logger:  quiet(),
		OnError: []func(*http.Request, int, *envelope.APIError){envelopeotel.OnError(opts)},
	})
	require.NoError(t, err)
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("GET /x", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if panicking {
			panicInHandler(handlerErr)
		}
		return handlerErr
	}))
	srv := httptest.NewServer(traced(tp, mw(mux)))
	t.Cleanup(srv.Close)

	req, err := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
	require.NoError(t, err)
	if id != "" {
		req.Header.Set("X-Request-Id", id)
	}
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	return spans.next(t), string(body)
}

// panicInHandler is a named function, so that a test can find it in the
// recorded stack.
func panicInHandler(v any) { panic(v) }

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
		id          string
		err         error
		status      int64
		wantStatus  codes.Code
		wantErrType any
		fields      any
		causeType   any
	}{
		{"4xx leaves the span status unset", "req-1",
			envelope.Validation("").WithField("email", "is required"), 400, codes.Unset, nil, int64(1), nil},
		{"5xx sets Error and error.type", "req-2",
			envelope.Wrap(errors.New(secret), envelope.CodeUnavailable, ""), 503, codes.Error, "service_unavailable", nil, "*errors.errorString"},
		{"a plain error is internal, its type recorded", "",
			errors.New(secret), 500, codes.Error, "internal", nil, "*errors.errorString"},
		{"a wrapped plain error keeps the wrapper's type", "req-3",
			errors.Join(errors.New(secret)), 500, codes.Error, "internal", nil, "*errors.joinError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			span, body := serveSpan(t, envelopeotel.Options{}, tt.id, tt.err, false)
			assert.NotContains(t, body, "hunter2")

			got := attrs(span.Attributes())
			assert.Equal(t, tt.status, got["http.response.status_code"])
			assert.Equal(t, string(envelope.CodeOf(tt.err)), got["envelope.error.code"])
			assert.Equal(t, tt.wantErrType, got["error.type"])
			if tt.id != "" {
				assert.Equal(t, tt.id, got["envelope.request_id"])
			} else {
				assert.Len(t, got["envelope.request_id"], 36, "the middleware's fresh UUIDv4")
			}
			assert.Equal(t, tt.wantStatus, span.Status().Code)

			require.Len(t, span.Events(), 1, "one event, no exception event without RecordCause")
			ev := span.Events()[0]
			assert.Equal(t, envelopeotel.EventName, ev.Name)
			ea := attrs(ev.Attributes)
			assert.Equal(t, string(envelope.CodeOf(tt.err)), ea["envelope.error.code"])
			assert.Equal(t, tt.fields, ea["envelope.error.fields"])
			assert.Equal(t, tt.causeType, ea["envelope.error.cause_type"])
			assert.Equal(t, got["envelope.request_id"], ea["envelope.request_id"])
			for _, kv := range ev.Attributes {
				assert.NotContains(t, kv.Value.Emit(), "hunter2", "no cause text by default")
			}
		})
	}
}

// A handler that returns a plain errors.New(...), the most common 500,
// gets the same record as an APIError wrapping a cause: its type on the
// event and, with RecordCause, the exception event.
func TestRecordCause(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		excType  string
		excStack bool
	}{
		{"plain error", errors.New(secret), "*errors.errorString", false},
		{"APIError wrapping a cause", envelope.Wrap(errors.New(secret), envelope.CodeBadGateway, ""), "*errors.errorString", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			span, body := serveSpan(t, envelopeotel.Options{RecordCause: true}, "", tt.err, false)
			assert.NotContains(t, body, "hunter2", "never on the wire")
			require.Len(t, span.Events(), 2)
			assert.Equal(t, tt.excType, attrs(span.Events()[0].Attributes)["envelope.error.cause_type"])
			ex := span.Events()[1]
			assert.Equal(t, "exception", ex.Name)
			ea := attrs(ex.Attributes)
			assert.Equal(t, tt.excType, ea["exception.type"])
			assert.Equal(t, secret, ea["exception.message"], "the operator asked for it")
			assert.NotContains(t, ea, "exception.stacktrace")
		})
	}
}

// A recovered panic's 500 has an *envelope.PanicError cause: the event
// names that type, and the exception event carries the panicking
// goroutine's stack, not the hook's.
func TestRecordCausePanic(t *testing.T) {
	t.Parallel()
	for _, record := range []bool{false, true} {
		span, body := serveSpan(t, envelopeotel.Options{RecordCause: record}, "", errors.New(secret), true)
		assert.NotContains(t, body, "hunter2")
		assert.Contains(t, body, `"code":"internal"`)
		assert.Equal(t, codes.Error, span.Status().Code)
		ev := attrs(span.Events()[0].Attributes)
		assert.Equal(t, "*envelope.PanicError", ev["envelope.error.cause_type"])
		if !record {
			assert.Len(t, span.Events(), 1)
			continue
		}
		require.Len(t, span.Events(), 2)
		ex := attrs(span.Events()[1].Attributes)
		assert.Equal(t, "*envelope.PanicError", ex["exception.type"])
		assert.Equal(t, "panic: "+secret, ex["exception.message"])
		assert.Contains(t, ex["exception.stacktrace"], "otel_test.panicInHandler")
	}
}

func TestOnErrorWithoutSpan(t *testing.T) {
	t.Parallel()
	hook := envelopeotel.OnError(envelopeotel.Options{RecordCause: true})
	assert.NotPanics(t, func() {
		hook(httptest.NewRequest(http.MethodGet, "/", nil), 500, envelope.Internal(""))
		hook(nil, 500, nil)
		hook(httptest.NewRequest(http.MethodGet, "/", nil), 500, nil)
	})
}
