// Command example shows envelope's error responses recorded on
// OpenTelemetry spans and logged with log/slog. Spans go to stdout, one JSON
// object each; logs go to stderr as JSON lines. Run it from the repository
// root (the go.work workspace finds the module):
//
//	go run ./adapters/otel/example
//
// and try, in another terminal:
//
//	curl -i localhost:8084/flags/nope   # 404: span status stays Unset
//	curl -i localhost:8084/billing      # 503: span status Error, error.type
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/apienvelope/envelope"
	envelopeotel "github.com/apienvelope/envelope/adapters/otel"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// newServer returns the API. Its middleware starts a server span and puts
// the writer in the request context, as instrumentation such as otelhttp
// and envelope's middleware would.
func newServer(tp trace.TracerProvider, logger *slog.Logger) (http.Handler, error) {
	ew, err := envelope.NewErrorWriter(envelope.Config{
		Logger:  logger,
		OnError: envelopeotel.OnError(envelopeotel.Options{}),
	})
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

	tracer := tp.Tracer("example")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), r.Method+" "+r.URL.Path, trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		// The trace ID doubles as the request ID here; envelope's request ID
		// middleware would provide one otherwise.
		ctx = envelope.ContextWithRequestID(ctx, span.SpanContext().TraceID().String())
		ctx = envelope.ContextWithErrorWriter(ctx, ew)
		mux.ServeHTTP(w, r.WithContext(ctx))
	}), nil
}

func main() {
	addr := flag.String("addr", "localhost:8084", "listen address")
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	exp, err := stdouttrace.New()
	if err != nil {
		logger.Error("exporter", "error", err)
		os.Exit(1)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	h, err := newServer(tp, logger)
	if err != nil {
		logger.Error("setup", "error", err)
		os.Exit(1)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	logger.Info("listening", "addr", "http://"+*addr)
	if err := srv.ListenAndServe(); err != nil {
		logger.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
