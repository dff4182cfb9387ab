package envelopeotel_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apienvelope/envelope"
	envelopeotel "github.com/apienvelope/envelope/adapters/otel"
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
