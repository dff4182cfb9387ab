package envelopeotel_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apienvelope/envelope"
	envelopeotel "github.com/apienvelope/envelope/adapters/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// BenchmarkOnError measures the hook on a recording span and on a request
// without one (the cost every error response pays when tracing is off).
func BenchmarkOnError(b *testing.B) {
	hook := envelopeotel.OnError(envelopeotel.Options{})
	e := envelope.Wrap(errors.New("upstream"), envelope.CodeUnavailable, "")
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	ctx, span := tp.Tracer("bench").Start(b.Context(), "GET /x")
	defer span.End()
	ctx = envelope.ContextWithRequestID(ctx, "req-1")
	recording := httptest.NewRequest(http.MethodGet, "/x", nil).WithContext(ctx)
	plain := httptest.NewRequest(http.MethodGet, "/x", nil)

	b.Run("recording", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hook(recording, 503, e)
		}
	})
	b.Run("no-span", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hook(plain, 503, e)
		}
	})
}

// BenchmarkMetrics measures counting one error response with the SDK.
func BenchmarkMetrics(b *testing.B) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	m, err := envelopeotel.NewMetrics(envelopeotel.MetricsOptions{MeterProvider: mp})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/items/1", nil)
	r.Pattern = "GET /items/{id}"
	e := envelope.NotFound("")
	b.ReportAllocs()
	for b.Loop() {
		m.OnError(r, 404, e)
	}
}
