// Command example counts envelope's error responses in Prometheus and
// serves them at /metrics. Run it from the repository root (the go.work
// workspace finds the module):
//
//	go run ./adapters/prometheus/example
//
// and try, in another terminal:
//
//	curl -i localhost:8090/flags/nope   # 404 not_found, route "GET /flags/{key}"
//	curl -i localhost:8090/report       # 500 internal (a plain error)
//	curl -i localhost:8090/nowhere      # 404 of the router: route ""
//	curl -s localhost:8090/metrics | grep envelope_
package main

import (
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/apienvelope/envelope"
	envelopeprometheus "github.com/apienvelope/envelope/adapters/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// newServer returns the API and its /metrics endpoint, both behind the
// envelope middleware, with the counter in reg.
func newServer(reg *prometheus.Registry, logger *slog.Logger) (http.Handler, error) {
	metrics, err := envelopeprometheus.New(envelopeprometheus.Options{Registerer: reg})
	if err != nil {
		return nil, err
	}
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Logger:  logger,
		OnError: []func(*http.Request, int, *envelope.APIError){metrics.OnError},
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
	mux.Handle("GET /report", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return errors.New("report builder: nil pointer") // logged, never sent
	}))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	return mw(mux), nil
}

func main() {
	addr := flag.String("addr", "localhost:8090", "listen address")
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h, err := newServer(reg, logger)
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
