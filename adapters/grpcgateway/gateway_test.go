package envelopegrpcgateway_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopegrpcgateway "github.com/apienvelope/envelope/adapters/grpcgateway"
	"github.com/apienvelope/envelope/adapters/grpcgateway/internal/itemspb"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"
)

func withDetails(t *testing.T, c codes.Code, msg string, details ...protoadapt.MessageV1) error {
	t.Helper()
	st, err := status.New(c, msg).WithDetails(details...)
	require.NoError(t, err)
	return st.Err()
}

func testCodes(t *testing.T) *envelope.Codes {
	t.Helper()
	c, err := envelope.NewCodes(envelope.CodeInfo{Code: "insufficient_credit", Status: 402, Message: "Not enough credit."})
	require.NoError(t, err)
	return c
}

// Statuses as a gRPC server sends them, rendered by the gateway's error
// handler in the flat format.
func TestStatusesAsEnvelopes(t *testing.T) {
	t.Parallel()
	svc := &items{get: byID(map[string]error{
		"missing":  status.Error(codes.NotFound, "Item missing was not found."),
		"plain":    errors.New(secret), // a gRPC server sends it as Unknown, text included
		"internal": status.Error(codes.Internal, secret),
		"deadline": status.Error(codes.DeadlineExceeded, "context deadline exceeded"),
		"auth":     status.Error(codes.Unauthenticated, "token expired for user 42"),
		"credit": withDetails(t, codes.FailedPrecondition, "Top up first.",
			&errdetails.ErrorInfo{Reason: "INSUFFICIENT_CREDIT", Domain: "billing.example.com"}),
		"undeclared": withDetails(t, codes.FailedPrecondition, "Archive the item first.",
			&errdetails.ErrorInfo{Reason: "ITEM_ACTIVE", Domain: "items.example.com"}),
		"builtin-reason": withDetails(t, codes.InvalidArgument, "Too big.",
			&errdetails.ErrorInfo{Reason: "PAYLOAD_TOO_LARGE"}),
		"busy": withDetails(t, codes.Unavailable, secret,
			&errdetails.RetryInfo{RetryDelay: durationpb.New(30 * time.Second)}),
		"slow-down": withDetails(t, codes.ResourceExhausted, "Quota exceeded.",
			&errdetails.RetryInfo{RetryDelay: durationpb.New(1500 * time.Millisecond)}),
		"localized": withDetails(t, codes.Internal, secret,
			&errdetails.LocalizedMessage{Locale: "en-US", Message: "Billing is down for maintenance."}),
	})}
	s := start(t, svc, config{codes: testCodes(t), middleware: true})

	tests := []struct {
		id, code, message string
		status            int
		header            map[string]string
	}{
		{"missing", "not_found", "Item missing was not found.", 404, nil},
		{"plain", "internal", "An internal error occurred.", 500, nil},
		{"internal", "internal", "An internal error occurred.", 500, nil},
		{"deadline", "timeout", "The request timed out.", 504, nil},
		{"auth", "unauthorized", "token expired for user 42", 401, map[string]string{"WWW-Authenticate": "Bearer"}},
		{"credit", "insufficient_credit", "Top up first.", 402, nil},
		{"undeclared", "unprocessable_entity", "Archive the item first.", 422, nil},
		{"builtin-reason", "payload_too_large", "Too big.", 413, nil},
		{"busy", "service_unavailable", "The service is temporarily unavailable. Try again later.", 503, map[string]string{"Retry-After": "30"}},
		{"slow-down", "rate_limited", "Quota exceeded.", 429, map[string]string{"Retry-After": "2"}},
		{"localized", "internal", "Billing is down for maintenance.", 500, nil},
	}
	t.Run("each", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.id, func(t *testing.T) {
				t.Parallel()
				res := s.get(t, "/v1/items/"+tt.id)
				assert.Equal(t, tt.status, res.status, res.raw)
				assert.Equal(t, tt.code, res.body["code"])
				assert.Equal(t, tt.message, res.body["message"])
				assert.Equal(t, "application/json", res.header.Get("Content-Type"))
				assert.Equal(t, "nosniff", res.header.Get("X-Content-Type-Options"))
				assert.Equal(t, res.header.Get("X-Request-Id"), res.body["requestId"], "the middleware's request ID")
				for k, v := range tt.header {
					assert.Equal(t, v, res.header.Get(k), k)
				}
				hasNone(t, res.raw, "hunter2", "pq:", "rpc error", "desc =")
			})
		}
	})
	assert.Contains(t, s.logs.String(), "hunter2", "the status text is in the server's log, as the error's cause")
}

// google.rpc.BadRequest field violations become field errors, their paths
// in envelope's syntax with the JSON names the client sent.
func TestFieldViolations(t *testing.T) {
	t.Parallel()
	svc := &items{create: func(context.Context, *itemspb.CreateItemRequest) (*itemspb.Item, error) {
		return nil, withDetails(t, codes.InvalidArgument, "The item is invalid.", &errdetails.BadRequest{
			FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "item.display_name", Description: "must not be empty", Reason: "REQUIRED"},
				{Field: "item.line_items[2].sku", Description: "is not a known SKU", Reason: "UNKNOWN_SKU"},
				{Field: "item.labels[a.b]", Description: "must be lowercase"},
				{Field: "item.lineItems[0].sku", Description: "already JSON-named",
					LocalizedMessage: &errdetails.LocalizedMessage{Locale: "en", Message: "is taken"}},
			},
		})
	}}
	s := start(t, svc, config{format: envelope.ProblemFormat(), middleware: true})
	res := s.do(t, http.MethodPost, "/v1/items", nil, strings.NewReader(`{"item":{"displayName":""}}`))
	require.Equal(t, 400, res.status, res.raw)
	assert.Equal(t, "validation_failed", res.body["code"])
	assert.Equal(t, "The item is invalid.", res.body["detail"])
	assert.Equal(t, []any{
		map[string]any{"detail": "must not be empty", "pointer": "#/item/displayName", "code": "required"},
		map[string]any{"detail": "is not a known SKU", "pointer": "#/item/lineItems/2/sku", "code": "unknown_sku"},
		map[string]any{"detail": "must be lowercase", "pointer": "#/item/labels/a.b"},
		map[string]any{"detail": "is taken", "pointer": "#/item/lineItems/0/sku"},
	}, res.body["errors"])

	// With the parser, the paths come back in envelope's syntax.
	p, err := envelope.NewParser(envelope.ParserOptions{Formats: []envelope.Format{envelope.ProblemFormat()}})
	require.NoError(t, err)
	e := p.Parse(res.status, res.header, []byte(res.raw))
	var paths []string
	for _, f := range e.Fields() {
		paths = append(paths, f.Field)
	}
	assert.Equal(t, []string{"item.displayName", "item.lineItems[2].sku", "item.labels[a.b]", "item.lineItems[0].sku"}, paths)
}

// Errors the gateway makes itself, before any call, read like envelope's
// own, with nothing from Go libraries on the wire.
func TestGatewayRequestErrors(t *testing.T) {
	t.Parallel()
	svc := &items{}
	s := start(t, svc, config{middleware: true, maxBody: 64})

	res := s.get(t, "/v1/items/1?revision=abc")
	assert.Equal(t, 400, res.status, res.raw)
	assert.Equal(t, "invalid_request", res.body["code"])
	assert.Equal(t, map[string]any{"revision": "must be an integer"}, res.body["fields"])
	hasNone(t, res.raw, "strconv", "parsing", "invalid syntax")

	res = s.do(t, http.MethodPost, "/v1/items", nil, strings.NewReader(`{"item": {"displayName": `))
	assert.Equal(t, 400, res.status, res.raw)
	assert.Equal(t, "invalid_request", res.body["code"])
	assert.Equal(t, "The request is malformed.", res.body["message"])
	hasNone(t, res.raw, "proto", "syntax", "EOF")

	res = s.do(t, http.MethodPost, "/v1/items", nil, strings.NewReader(`{"item": {"quantity": "many"}}`))
	assert.Equal(t, 400, res.status, res.raw)
	assert.Equal(t, "invalid_request", res.body["code"])
	hasNone(t, res.raw, "proto", "int32")

	// A chunked body over the middleware's limit: the gateway's decoder
	// hits the limit, and the status it makes of that is a 413.
	pr, pw := io.Pipe()
	go func() {
		_, _ = io.WriteString(pw, `{"item": {"displayName": "`+strings.Repeat("x", 200)+`"}}`)
		_ = pw.Close()
	}()
	res = s.do(t, http.MethodPost, "/v1/items", nil, pr)
	assert.Equal(t, 413, res.status, res.raw)
	assert.Equal(t, "payload_too_large", res.body["code"])
	assert.Zero(t, svc.creates.Load(), "the service was never called")
}

// A query parameter of the wrong type gets the field error
// envelope.DecodeRequest gives a JSON member of that type: code "type" and
// the catalog's message for the type, in the client's language, seen
// through the problem format, which shows field codes. A number out of
// the field's range is not a wrong type.
func TestGatewayWrongTypeLikeDecodeRequest(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: envelope.ProblemFormat(), Localizer: loc})
	require.NoError(t, err)
	gw, err := envelopegrpcgateway.New(envelopegrpcgateway.Options{Writer: ew})
	require.NoError(t, err)
	svc := &items{}
	mux := runtime.NewServeMux(gw.ServeMuxOptions()...)
	require.NoError(t, itemspb.RegisterItemsHandlerClient(context.Background(), mux, itemspb.NewItemsClient(grpcServer(t, svc))))
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	require.NoError(t, err)
	s := &setup{svc: svc, http: httptest.NewServer(mw(mux))}
	t.Cleanup(s.http.Close)
	decode := (&setup{http: httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Revision int32 `json:"revision"`
		}
		envelope.Write(w, r, envelope.DecodeRequest(r, &m))
	})))})
	t.Cleanup(decode.http.Close)

	for _, lang := range []string{"en", "de", "ja"} {
		h := http.Header{"Accept-Language": {lang}}
		got := s.do(t, http.MethodGet, "/v1/items/1?revision=abc", h, nil)
		h.Set("Content-Type", "application/json")
		want := decode.do(t, http.MethodPost, "/", h, strings.NewReader(`{"revision":"abc"}`))
		assert.Equal(t, 400, got.status, got.raw)
		assert.Equal(t, "invalid_request", got.body["code"])
		require.Len(t, want.body["errors"], 1, want.raw)
		assert.Equal(t, "type", want.body["errors"].([]any)[0].(map[string]any)["code"], want.raw)
		assert.Equal(t, want.body["errors"], got.body["errors"], "%s: DecodeRequest's field error", lang)
		assert.Equal(t, lang, got.header.Get("Content-Language"))
	}
	res := s.get(t, "/v1/items/1?revision=99999999999")
	assert.Equal(t, []any{map[string]any{"detail": "is invalid", "pointer": "#/revision", "code": "invalid"}}, res.body["errors"], res.raw)
	assert.Zero(t, svc.creates.Load())
}

// Routing errors: a 404 for an unknown path, a 405 with Allow for a known
// path and another method, found without running any handler.
func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	svc := &items{}
	s := start(t, svc, config{middleware: true})

	res := s.get(t, "/v1/nothing")
	assert.Equal(t, 404, res.status)
	assert.Equal(t, "not_found", res.body["code"])
	assert.NotEmpty(t, res.body["requestId"])

	res = s.do(t, http.MethodPut, "/v1/items/1", nil, strings.NewReader(`{}`))
	assert.Equal(t, 405, res.status, res.raw)
	assert.Equal(t, "method_not_allowed", res.body["code"])
	assert.Equal(t, "GET, DELETE", res.header.Get("Allow"))

	res = s.do(t, http.MethodGet, "/v1/items", nil, nil)
	assert.Equal(t, 405, res.status)
	assert.Equal(t, "POST", res.header.Get("Allow"))

	// A form post may fall back to GET in grpc-gateway; the probe must
	// neither fall back nor call DELETE.
	res = s.do(t, http.MethodPatch, "/v1/items/1", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, strings.NewReader("a=b"))
	assert.Equal(t, 405, res.status)
	assert.Equal(t, "GET, DELETE", res.header.Get("Allow"))
	assert.Zero(t, svc.deletes.Load(), "probing for Allow ran no handler")
	assert.Zero(t, svc.creates.Load())

	res = s.do(t, http.MethodDelete, "/v1/items/1", nil, nil)
	assert.Equal(t, 200, res.status, "the routes still work")
	assert.Equal(t, int32(1), svc.deletes.Load())
}

// Without the envelope middleware, the request ID comes from the incoming
// header when the core would accept it, else from a RequestInfo detail.
func TestRequestID(t *testing.T) {
	t.Parallel()
	svc := &items{get: byID(map[string]error{
		"x": status.Error(codes.NotFound, "no"),
		"info": withDetails(t, codes.NotFound, "no",
			&errdetails.RequestInfo{RequestId: "srv-7f3a"}),
		"bad-info": withDetails(t, codes.NotFound, "no",
			&errdetails.RequestInfo{RequestId: "srv 7f3a\r\nX-Evil: 1"}),
	})}
	s := start(t, svc, config{})

	res := s.do(t, http.MethodGet, "/v1/items/x", http.Header{"X-Request-Id": {"req-123"}}, nil)
	assert.Equal(t, "req-123", res.body["requestId"])
	assert.Equal(t, "req-123", res.header.Get("X-Request-Id"))

	res = s.do(t, http.MethodGet, "/v1/items/x", http.Header{"X-Request-Id": {"<script>"}}, nil)
	assert.NotContains(t, res.body, "requestId", "an unsafe incoming ID is not used")
	assert.Empty(t, res.header.Get("X-Request-Id"))

	res = s.do(t, http.MethodGet, "/v1/items/info", nil, nil)
	assert.Equal(t, "srv-7f3a", res.body["requestId"])
	res = s.do(t, http.MethodGet, "/v1/items/info", http.Header{"X-Request-Id": {"req-9"}}, nil)
	assert.Equal(t, "req-9", res.body["requestId"], "the client's ID wins")
	res = s.do(t, http.MethodGet, "/v1/items/bad-info", nil, nil)
	assert.NotContains(t, res.body, "requestId")
	hasNone(t, res.raw, "X-Evil")

	res = s.get(t, "/v1/nothing")
	assert.Equal(t, 404, res.status, "routing errors without the middleware too")
	assert.Equal(t, "not_found", res.body["code"])
}

// Without the middleware, the incoming request ID is read from the header
// of the Writer's format, unless Options.RequestIDHeader names another.
func TestRequestIDHeaderOfTheWriter(t *testing.T) {
	t.Parallel()
	svc := &items{get: byID(map[string]error{"x": status.Error(codes.NotFound, "no")})}
	f := envelope.FlatFormat()
	f.RequestIDHeader = "X-Correlation-Id"
	s := start(t, svc, config{format: f})
	res := s.do(t, http.MethodGet, "/v1/items/x", http.Header{"X-Correlation-Id": {"corr-1"}, "X-Request-Id": {"other"}}, nil)
	assert.Equal(t, "corr-1", res.body["requestId"])
	assert.Equal(t, "corr-1", res.header.Get("X-Correlation-Id"))

	s = start(t, svc, config{format: f, gwOpts: envelopegrpcgateway.Options{RequestIDHeader: "X-Trace-Id"}})
	res = s.do(t, http.MethodGet, "/v1/items/x", http.Header{"X-Trace-Id": {"trace-1"}, "X-Correlation-Id": {"corr-1"}}, nil)
	assert.Equal(t, "trace-1", res.body["requestId"], "an explicit header wins")

	f.RequestIDHeader = "-"
	s = start(t, svc, config{format: f})
	res = s.do(t, http.MethodGet, "/v1/items/x", http.Header{"X-Request-Id": {"req-1"}}, nil)
	assert.NotContains(t, res.body, "requestId", "the format sends none: none is read")
}

func TestNew(t *testing.T) {
	t.Parallel()
	_, err := envelopegrpcgateway.New(envelopegrpcgateway.Options{RequestIDHeader: "X Request"})
	require.Error(t, err)
	_, err = envelopegrpcgateway.New(envelopegrpcgateway.Options{RequestIDHeader: "-"})
	require.NoError(t, err)
}
