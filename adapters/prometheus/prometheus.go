// Package envelopeprometheus counts envelope's error responses in
// Prometheus, on github.com/prometheus/client_golang: one counter,
// [MetricName], by code, status, route and method, registered into the
// registry the application gives. Its [Metrics.OnError] is a hook for
// [envelope.WriterOptions.OnError], a list that tracing and an
// application's own hooks share:
//
//	reg := prometheus.NewRegistry()
//	metrics, err := envelopeprometheus.New(envelopeprometheus.Options{Registerer: reg})
//	if err != nil { ... }
//	ew, err := envelope.NewWriter(envelope.WriterOptions{
//		OnError: []func(*http.Request, int, *envelope.APIError){metrics.OnError},
//	})
//	...
//	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// # Labels and their cardinality
//
// Every label has a bounded set of values, so that no client can grow the
// number of series:
//
//	code    the envelope code, such as "not_found"; a code the [Options.Codes]
//	        table does not declare is counted as the built-in code of its
//	        status ([envelope.CodeForStatus])
//	status  the HTTP status sent, such as "404"
//	route   the route template, such as "GET /items/{id}": by default the
//	        pattern a Go 1.22+ [http.ServeMux] matched ([http.Request.Pattern]),
//	        or what [Options.Route] returns for other routers. Every request
//	        whose route is unknown (a 404 or 405 of the router, a handler
//	        outside any ServeMux) is counted under one value, the empty
//	        string, which Prometheus treats as an absent label.
//	method  GET, POST, ... as RFC 9110, RFC 5789 (PATCH) and the QUERY
//	        method name them, or "_OTHER" for any other method
//
// Note that code is envelope's code, not the HTTP status that
// promhttp's own instrumentation calls "code"; the status is in status.
//
// The package never touches Prometheus's global default registry unless
// that is the registry given.
package envelopeprometheus

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/apienvelope/envelope"
	"github.com/prometheus/client_golang/prometheus"
)

// MetricName is the name of the counter, a Prometheus counter with the
// "_total" suffix the Prometheus naming conventions give counters, and the
// library's name as its namespace.
const MetricName = "envelope_error_responses_total"

// Options configures [New]. Registerer is required.
type Options struct {
	// Registerer receives the counter: a *prometheus.Registry the
	// application built, or prometheus.DefaultRegisterer to use the
	// global one on purpose. Nil is refused, so that the global registry
	// is never used by accident (it breaks go test -count=2 and two APIs
	// in one process).
	Registerer prometheus.Registerer

	// Route returns the route template of a request: low cardinality,
	// placeholders for the variable segments, such as "/items/:id". It
	// must never return the raw path. Nil means r.Pattern, the pattern a
	// Go 1.22+ [http.ServeMux] matched (which the envelope middleware's
	// panic recovery sees too, when it wraps the ServeMux directly). An
	// empty route is the one value of every unknown route.
	Route func(r *http.Request) string

	// Codes is the table of codes the writer uses (the same value as
	// [envelope.WriterOptions.Codes]); see the code label in the package
	// documentation. Nil means the built-in codes.
	Codes *envelope.Codes
}

// Metrics counts error responses. Build it with [New]; it is safe for
// concurrent use.
type Metrics struct {
	responses *prometheus.CounterVec
	route     func(*http.Request) string
	codes     *envelope.Codes
}

// New creates the counter and registers it with opts.Registerer. It fails
// when the Registerer is nil or refuses the counter, such as when a counter
// of the same name is already registered with it.
func New(opts Options) (*Metrics, error) {
	if opts.Registerer == nil {
		return nil, errors.New("envelopeprometheus: Options.Registerer is nil; pass the registry to register with (prometheus.NewRegistry(), or prometheus.DefaultRegisterer for the global one)")
	}
	cv := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricName,
		Help: "Error responses sent by envelope, by envelope code, HTTP status, route template and method.",
	}, []string{"code", "status", "route", "method"})
	if err := opts.Registerer.Register(cv); err != nil {
		return nil, fmt.Errorf("envelopeprometheus: registering %s: %w", MetricName, err)
	}
	route := opts.Route
	if route == nil {
		route = func(r *http.Request) string { return r.Pattern }
	}
	return &Metrics{responses: cv, route: route, codes: opts.Codes}, nil
}

// OnError counts one error response. It is a hook for
// [envelope.WriterOptions.OnError]; r may be nil (a writer's Render without
// a request), and then route and method are empty.
func (m *Metrics) OnError(r *http.Request, status int, e *envelope.APIError) {
	code := e.Code()
	if _, ok := m.codes.Lookup(code); !ok {
		code = envelope.CodeForStatus(status)
	}
	var route, method string
	if r != nil {
		route = m.route(r)
		method = knownMethod(r.Method)
	}
	m.responses.WithLabelValues(string(code), strconv.Itoa(status), route, method).Inc()
}

// knownMethod returns the method when the HTTP semantic conventions know
// it (RFC 9110's, PATCH and QUERY), else "_OTHER": a client chooses the
// method, so it must not choose the number of series.
func knownMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
		http.MethodConnect, http.MethodOptions, http.MethodTrace, http.MethodPatch, "QUERY":
		return m
	}
	return "_OTHER"
}
