package envelopeotel_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
	envelopeotel "github.com/apienvelope/envelope/adapters/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// The hook records each error response on the span that HTTP
// instrumentation started; here a small middleware stands in for it.
func ExampleOnError() {
	rec := tracetest.NewSpanRecorder()
	tracer := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)).Tracer("example")

	ew, _ := envelope.NewErrorWriter(envelope.Config{
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnError: envelopeotel.OnError(envelopeotel.Options{}),
	})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), "GET /billing")
		defer span.End()
		ctx = envelope.ContextWithRequestID(ctx, "req-42")
		ew.Write(w, r.WithContext(ctx), envelope.Unavailable("Billing is down for maintenance."))
	})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/billing", nil))

	span := rec.Ended()[0]
	fmt.Println(span.Status().Code, span.Status().Description)
	for _, kv := range span.Attributes() {
		fmt.Printf("%s=%s\n", kv.Key, kv.Value.Emit())
	}
	fmt.Println(span.Events()[0].Name)
	// Output:
	// Error service_unavailable
	// http.response.status_code=503
	// envelope.error.code=service_unavailable
	// error.type=service_unavailable
	// envelope.request_id=req-42
	// envelope.error
}
