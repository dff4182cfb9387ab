package envelopeotel

import (
	"context"
	"fmt"
	"net/http"

	"github.com/apienvelope/envelope"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"
)

// ScopeName is the instrumentation scope (the meter's name) of [Metrics]:
// this module's import path.
const ScopeName = "github.com/apienvelope/envelope/adapters/otel"

// MetricName is the name of the instrument [Metrics] records into: a
// Counter, unit "{response}", of the error responses an envelope writer
// sent.
//
// The semantic conventions guide both choices. A count of discrete events,
// added to as each one happens and never decreasing, is a Counter (an
// UpDownCounter is for values that go down again, a Histogram for
// distributions such as durations). Its name is namespaced by the
// component that records it, since the http.* namespace belongs to the
// conventions themselves (general naming rules: an application-specific
// name must not take an existing convention namespace as its prefix), names
// the side, server, because envelope has a client side too
// ("{area}.{client|server}.{metric_name}"), and is plural, with a
// curly-brace annotation as its unit, because it counts instances of a
// countable thing (as in messaging.client.sent.messages, unit
// "{message}"); it carries no "_total", which exporters to Prometheus add.
//
// The conventions' own instrument for HTTP server outcomes is the
// http.server.request.duration histogram, with error.type on failed
// requests, recorded by HTTP instrumentation such as otelhttp; it counts
// successes and failures together, which is what they recommend for error
// rates. This counter does not replace it: it adds what only envelope
// knows, the error's code, on every error response, 4xx included, so that
// errors can be broken down by code, status and route.
const MetricName = "envelope.server.error.responses"

// MetricsOptions configures [NewMetrics]. The zero value records into the
// global MeterProvider, takes routes from [http.Request.Pattern] and knows
// the built-in codes.
type MetricsOptions struct {
	// MeterProvider provides the meter. Nil means otel.GetMeterProvider(),
	// the global provider, as OpenTelemetry instrumentation libraries do;
	// a provider set globally later is picked up, since the global one
	// delegates to it.
	MeterProvider metric.MeterProvider

	// Route returns the route template of a request for http.route: low
	// cardinality, with placeholders for the variable segments, such as
	// "GET /items/{id}". It must never return the raw path. Nil means
	// r.Pattern, the pattern a Go 1.22+ [http.ServeMux] matched (which
	// the envelope middleware's panic recovery sees too, when it wraps the
	// ServeMux directly). An empty route is unknown: http.route is then
	// left out, as the conventions require, so every request that matched
	// no route (a 404 of the router, a 405) is counted in one series per
	// code, status and method.
	Route func(r *http.Request) string

	// Codes is the table of codes the writer uses (the same value as
	// [envelope.WriterOptions.Codes]). error.type is the error's code when
	// the table declares it, and otherwise the built-in code of its status
	// ([envelope.CodeForStatus]), so that a code made up at run time
	// cannot grow the number of series. Nil means the built-in codes.
	Codes *envelope.Codes
}

// Metrics counts error responses by code, status, route and method into
// the instrument named [MetricName], with the attributes of the
// OpenTelemetry semantic conventions:
//
//	error.type                 the envelope code, such as "not_found"
//	                           (bounded by [MetricsOptions.Codes])
//	http.response.status_code  the status sent, an int
//	http.route                 the route template, when known
//	http.request.method        GET, POST, ... or "_OTHER" for a method
//	                           outside RFC 9110, RFC 5789 and QUERY
//
// Every attribute has a bounded set of values, as metric attributes must.
// Register its [Metrics.OnError] in [envelope.WriterOptions.OnError]. A
// Metrics is safe for concurrent use.
type Metrics struct {
	responses metric.Int64Counter
	route     func(*http.Request) string
	codes     *envelope.Codes
}

// NewMetrics creates the instrument from the options' meter provider. It
// fails only when the provider refuses the instrument.
func NewMetrics(opts MetricsOptions) (*Metrics, error) {
	mp := opts.MeterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	c, err := mp.Meter(ScopeName).Int64Counter(MetricName,
		metric.WithUnit("{response}"),
		metric.WithDescription("Error responses sent by envelope, by code (error.type), status, route and method."))
	if err != nil {
		return nil, fmt.Errorf("envelopeotel: creating %s: %w", MetricName, err)
	}
	route := opts.Route
	if route == nil {
		route = patternOf
	}
	return &Metrics{responses: c, route: route, codes: opts.Codes}, nil
}

func patternOf(r *http.Request) string { return r.Pattern }

// OnError counts one error response. It is a hook for
// [envelope.WriterOptions.OnError]; r may be nil (a writer's Render
// without a request), and then only the code and status are recorded.
func (m *Metrics) OnError(r *http.Request, status int, e *envelope.APIError) {
	attrs := make([]attribute.KeyValue, 0, 4)
	attrs = append(attrs,
		semconv.ErrorTypeKey.String(string(boundedCode(m.codes, e.Code(), status))),
		semconv.HTTPResponseStatusCode(status))
	ctx := context.Background()
	if r != nil {
		ctx = r.Context()
		attrs = append(attrs, semconv.HTTPRequestMethodKey.String(knownMethod(r.Method)))
		if route := m.route(r); route != "" {
			attrs = append(attrs, semconv.HTTPRoute(route))
		}
	}
	m.responses.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(attrs...)))
}

// boundedCode returns code when the table declares it, else the built-in
// code of the status.
func boundedCode(codes *envelope.Codes, code envelope.Code, status int) envelope.Code {
	if _, ok := codes.Lookup(code); ok {
		return code
	}
	return envelope.CodeForStatus(status)
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
