package envelopeotel_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
	envelopeotel "github.com/apienvelope/envelope/adapters/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// The hook records each error response on the span that HTTP
// instrumentation started; here a small middleware stands in for it.
func ExampleOnError() {
	rec := tracetest.NewSpanRecorder()
	tracer := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)).Tracer("example")

	ew, _ := envelope.NewWriter(envelope.WriterOptions{
		Logger:  quiet(),
		OnError: []func(*http.Request, int, *envelope.APIError){envelopeotel.OnError(envelopeotel.Options{})},
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

// Metrics counts error responses by code (error.type), status, route and
// method. Tracing, metrics and an application's own hook are entries of
// the same list.
func ExampleMetrics() {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	metrics, _ := envelopeotel.NewMetrics(envelopeotel.MetricsOptions{MeterProvider: mp})

	ew, _ := envelope.NewWriter(envelope.WriterOptions{
		Logger: quiet(),
		OnError: []func(*http.Request, int, *envelope.APIError){
			envelopeotel.OnError(envelopeotel.Options{}),
			metrics.OnError,
		},
	})
	mw, _ := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	mux := http.NewServeMux()
	mux.Handle("GET /reports/{id}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return errors.New("report builder: nil pointer") // a 500 internal
	}))
	h := mw(mux)
	for _, path := range []string{"/reports/1", "/reports/2", "/nope"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}

	var rm metricdata.ResourceMetrics
	_ = reader.Collect(context.Background(), &rm)
	m := rm.ScopeMetrics[0].Metrics[0]
	fmt.Println(m.Name, m.Unit)
	points := m.Data.(metricdata.Sum[int64]).DataPoints
	for _, route := range []string{"GET /reports/{id}", ""} {
		for _, dp := range points {
			if r, _ := dp.Attributes.Value("http.route"); r.AsString() == route {
				fmt.Println(printSet(dp.Attributes), dp.Value)
			}
		}
	}
	// Output:
	// envelope.server.error.responses {response}
	// error.type=internal http.request.method=GET http.response.status_code=500 http.route=GET /reports/{id} 2
	// error.type=not_found http.request.method=GET http.response.status_code=404 1
}
