// Package envelopeotel records envelope's error responses in OpenTelemetry:
// on the current span ([OnError]) and as a count of error responses
// ([Metrics]). Both are hooks for [envelope.WriterOptions.OnError], which
// is a list, so tracing, metrics and an application's own hook compose
// without glue:
//
//	metrics, err := envelopeotel.NewMetrics(envelopeotel.MetricsOptions{MeterProvider: mp})
//	if err != nil { ... }
//	ew, err := envelope.NewWriter(envelope.WriterOptions{
//		OnError: []func(*http.Request, int, *envelope.APIError){
//			envelopeotel.OnError(envelopeotel.Options{}),
//			metrics.OnError,
//			reportToPager,
//		},
//	})
//
// The span is the one in the request's context (trace.SpanFromContext), as
// HTTP server instrumentation such as otelhttp puts it there: wrap the
// envelope middleware in it (otelhttp.NewHandler(mw(mux), ...)) so that the
// span is still open when the writer reports. Without a recording span the
// tracing hook does nothing.
//
// The package is named envelopeotel so that it can be imported next to
// otel without renaming either.
package envelopeotel

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/apienvelope/envelope"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"
	"go.opentelemetry.io/otel/trace"
)

// Attribute keys of this package. The others (http.response.status_code,
// error.type, exception.stacktrace) come from the OpenTelemetry semantic
// conventions.
const (
	keyCode      = attribute.Key("envelope.error.code")
	keyRequestID = attribute.Key("envelope.request_id")
	keyFields    = attribute.Key("envelope.error.fields")
	keyCauseType = attribute.Key("envelope.error.cause_type")
)

// EventName is the name of the span event [OnError] adds for each error
// response.
const EventName = "envelope.error"

// Options configures [OnError]. The zero Options records no cause text.
type Options struct {
	// RecordCause, when true, also records the error's internal cause on
	// the span with span.RecordError, an "exception" event that holds the
	// cause's Go type (exception.type) and its full text
	// (exception.message); for a recovered panic, whose cause is an
	// [*envelope.PanicError], also the panicking goroutine's stack
	// (exception.stacktrace). Causes are where secrets hide (a DSN with
	// its password, a query with personal data), and a tracing backend is
	// usually less guarded than logs, so it is off by default: the
	// [EventName] event then names only the cause's Go type.
	RecordCause bool
}

// OnError returns a hook for [envelope.WriterOptions.OnError] that records
// each error response on the request's span:
//
//   - attributes http.response.status_code (the status sent) and
//     envelope.error.code (the error's code) on the span;
//   - for a 5xx response, error.type set to the error's code and span
//     status Error with the code as description. A 4xx leaves both alone:
//     the OpenTelemetry HTTP semantic conventions count a 4xx as an error
//     of the client, not of a server span, and backends derive error rates
//     from them;
//   - an event named [EventName] with the code, the status, the request
//     ID (envelope.request_id), the number of field errors and the Go type
//     of the cause (envelope.error.cause_type), never its text unless
//     [Options.RecordCause] is set;
//   - the request ID as span attribute envelope.request_id, so traces can
//     be found from the ID a client reports.
//
// The cause is what the writer renders the error with: the cause the
// handler wrapped in an [*envelope.APIError], the handler's own error when
// it returned one envelope did not describe (a plain errors.New(...),
// rendered as a 500 internal: its type is then *errors.errorString), or
// the [*envelope.PanicError] of a recovered panic.
//
// The public message is not recorded. The hook does nothing when the span
// is not recording, and it is safe for concurrent use.
func OnError(opts Options) func(r *http.Request, status int, e *envelope.APIError) {
	recordCause := opts.RecordCause
	return func(r *http.Request, status int, e *envelope.APIError) {
		if r == nil {
			return
		}
		span := trace.SpanFromContext(r.Context())
		if !span.IsRecording() {
			return
		}
		code := string(e.Code())
		id := envelope.RequestIDFrom(r.Context())

		spanAttrs := make([]attribute.KeyValue, 0, 4)
		spanAttrs = append(spanAttrs, semconv.HTTPResponseStatusCode(status), keyCode.String(code))
		if status >= 500 {
			spanAttrs = append(spanAttrs, semconv.ErrorTypeKey.String(code))
			span.SetStatus(codes.Error, code)
		}
		if id != "" {
			spanAttrs = append(spanAttrs, keyRequestID.String(id))
		}
		span.SetAttributes(spanAttrs...)

		evAttrs := make([]attribute.KeyValue, 0, 5)
		evAttrs = append(evAttrs, keyCode.String(code), semconv.HTTPResponseStatusCode(status))
		if id != "" {
			evAttrs = append(evAttrs, keyRequestID.String(id))
		}
		if n := len(e.Fields()); n > 0 {
			evAttrs = append(evAttrs, keyFields.Int(n))
		}
		cause := e.Unwrap()
		if cause != nil {
			evAttrs = append(evAttrs, keyCauseType.String(fmt.Sprintf("%T", cause)))
		}
		span.AddEvent(EventName, trace.WithAttributes(evAttrs...))
		if recordCause && cause != nil {
			var pe *envelope.PanicError
			if errors.As(cause, &pe) && len(pe.Stack) > 0 {
				span.RecordError(cause, trace.WithAttributes(semconv.ExceptionStacktrace(string(pe.Stack))))
			} else {
				span.RecordError(cause)
			}
		}
	}
}
