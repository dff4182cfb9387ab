// Command example shows envelope's error responses recorded on
// OpenTelemetry spans, counted by an OpenTelemetry counter, and logged with
// log/slog. Spans go to stdout, one JSON object each, and so do the
// metrics, every 10 seconds and at exit; logs go to stderr as JSON lines.
// Run it from the repository root (the go.work workspace finds the module):
//
//	go run ./adapters/otel/example
//
// and try, in another terminal:
//
//	curl -i localhost:8084/flags/nope   # 404: span status stays Unset
//	curl -i localhost:8084/billing      # 503: span status Error, error.type
//	curl -i localhost:8084/report       # 500: a plain error, its type on the span
//
// then stop it with Ctrl-C to see the final counts.
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/apienvelope/envelope"
	envelopeotel "github.com/apienvelope/envelope/adapters/otel"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// newServer returns the API: a span per request around the envelope
// middleware around the routes, as otelhttp.NewHandler(mw(mux)) would be.
// Tracing and metrics are two hooks of the one writer.
func newServer(tp trace.TracerProvider, mp metric.MeterProvider, logger *slog.Logger) (http.Handler, error) {
	metrics, err := envelopeotel.NewMetrics(envelopeotel.MetricsOptions{MeterProvider: mp})
	if err != nil {
		return nil, err
	}
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Logger: logger,
		OnError: []func(*http.Request, int, *envelope.APIError){
			envelopeotel.OnError(envelopeotel.Options{}),
			metrics.OnError,
		},
	})
	if err != nil {
		return nil, err
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /flags/{key}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.NotFound("Flag not found")
	}))
	mux.Handle("GET /billing", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		// The cause reaches the log, not the client nor the span.
		return envelope.Wrap(errors.New("billing db: connection refused (user=billing password=…)"),
			envelope.CodeUnavailable, "Billing is temporarily unavailable.")
	}))
	mux.Handle("GET /report", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return errors.New("report builder: nil pointer") // the most common 500
	}))

	tracer := tp.Tracer("example")
	inner := mw(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), r.Method+" "+r.URL.Path, trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		inner.ServeHTTP(w, r.WithContext(ctx))
	}), nil
}

func main() {
	addr := flag.String("addr", "localhost:8084", "listen address")
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(*addr, logger); err != nil {
		logger.Error("example stopped", "error", err)
		os.Exit(1)
	}
}

func run(addr string, logger *slog.Logger) error {
	spanExp, err := stdouttrace.New()
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spanExp))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	metricExp, err := stdoutmetric.New()
	if err != nil {
		return err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(
		sdkmetric.NewPeriodicReader(metricExp, sdkmetric.WithInterval(10*time.Second))))
	defer func() { _ = mp.Shutdown(context.Background()) }() // exports the last counts

	h, err := newServer(tp, mp, logger)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	logger.Info("listening", "addr", "http://"+addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
