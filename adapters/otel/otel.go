// Package envelopeotel records envelope's error responses on the current
// OpenTelemetry span, through the [envelope.Config] OnError hook:
//
//	ew, err := envelope.NewErrorWriter(envelope.Config{
//		OnError: envelopeotel.OnError(envelopeotel.Options{}),
//	})
//
// The span is the one in the request's context (trace.SpanFromContext), as
// HTTP server instrumentation such as otelhttp puts it there; without a
// recording span the hook does nothing.
//
// The package is named envelopeotel so that it can be imported next to
// otel without renaming either.
package envelopeotel

import (
	"fmt"
	"net/http"

	"github.com/apienvelope/envelope"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Attribute keys. The first two are OpenTelemetry semantic conventions;
// the others are this package's own.
const (
	keyStatus    = attribute.Key("http.response.status_code")
	keyErrorType = attribute.Key("error.type")
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
	// the span with span.RecordError, which stores the cause's full text
	// (exception.message). Causes are where secrets hide (a DSN with its
	// password, a query with personal data), and a tracing backend is
	// usually less guarded than logs, so it is off by default: the event
	// then names only the cause's Go type.
	RecordCause bool
}

// OnError returns a hook for [envelope.Config.OnError] that records each
// error response on the request's span:
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
//     of the cause, never its text unless [Options.RecordCause] is set;
//   - the request ID as span attribute envelope.request_id, so traces can
//     be found from the ID a client reports.
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
		if id == "" {
			id = e.RequestID()
		}

		spanAttrs := make([]attribute.KeyValue, 0, 4)
		spanAttrs = append(spanAttrs, keyStatus.Int(status), keyCode.String(code))
		if status >= 500 {
			spanAttrs = append(spanAttrs, keyErrorType.String(code))
			span.SetStatus(codes.Error, code)
		}
		if id != "" {
			spanAttrs = append(spanAttrs, keyRequestID.String(id))
		}
		span.SetAttributes(spanAttrs...)

		evAttrs := make([]attribute.KeyValue, 0, 5)
		evAttrs = append(evAttrs, keyCode.String(code), keyStatus.Int(status))
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
			span.RecordError(cause)
		}
	}
}
