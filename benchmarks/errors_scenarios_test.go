package benchmarks

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/apienvelope/envelope"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/labstack/echo/v4"
	"github.com/twitchtv/twirp"
	"google.golang.org/protobuf/types/known/structpb"
)

// The data every contender renders. Errors are built once, outside the
// measured loop, for every contender: the scenarios measure writing an
// error, not constructing it.
const (
	benchRequestID   = "req-7f3a9c2e41b8"
	notFoundMessage  = "The requested item was not found."
	validationMsg    = "The request has invalid fields."
	internalMessage  = "The server could not handle the request."
	largeMessage     = "Some items of the order cannot be fulfilled."
	causeText        = "db: connection refused"
	fieldMessage     = "must not be empty"
	fieldCode        = "required"
	largeDetailItems = 64
)

// benchFields returns n distinct field errors.
func benchFields(n int) []envelope.FieldError {
	fs := make([]envelope.FieldError, n)
	for i := range fs {
		fs[i] = envelope.FieldError{Field: fmt.Sprintf("items[%d].name", i), Code: fieldCode, Message: fieldMessage}
	}
	return fs
}

// lineItem is the element of the large details: a user-supplied struct that
// every contender marshals through encoding/json.
type lineItem struct {
	SKU       string `json:"sku"`
	Requested int    `json:"requested"`
	Available int    `json:"available"`
	Warehouse string `json:"warehouse"`
}

func largeDetails() []lineItem {
	items := make([]lineItem, largeDetailItems)
	for i := range items {
		items[i] = lineItem{SKU: fmt.Sprintf("SKU-%06d", i), Requested: 10 + i, Available: i % 7, Warehouse: "eu-central-1b"}
	}
	return items
}

// benchWriter is the Writer of every envelope row: the flat format, a
// discarding logger.
var benchWriter = func() *envelope.Writer {
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	return ew
}()

// newRequest is the request every standalone contender sees: a JSON POST,
// so that the RPC peers (which look at Content-Type) treat it as one of
// theirs, with the Writer and the request ID in its context, as the
// middleware leaves them, for the contenders that read them. The state is
// built once: the standalone scenarios measure writing an error alone (the
// chain scenarios build it per request, through the middleware).
func newRequest() *http.Request {
	r := errorRequest()
	ctx := envelope.ContextWithWriter(r.Context(), benchWriter)
	ctx = envelope.ContextWithRequestID(ctx, benchRequestID)
	return r.WithContext(ctx)
}

// errorRequest is the bare request of the error scenarios.
func errorRequest() *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/v1/orders/42", strings.NewReader(`{}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json")
	return r
}

// chainRequest is the request of the chain scenarios: no state in its
// context, and a valid incoming X-Request-Id, which the middleware adopts
// (so the body, which carries it, is the same for every request and the
// floor can send it precomputed).
func chainRequest() *http.Request {
	r := errorRequest()
	r.Header.Set("X-Request-Id", benchRequestID)
	return r
}

// errorCase is one error scenario, described once and turned into each
// contender's natural form.
type errorCase struct {
	name    string
	status  int
	ours    *envelope.APIError
	message string
	fields  []envelope.FieldError
	details any
	cause   error
}

func errorCases() []errorCase {
	cause := errors.New(causeText)
	return []errorCase{
		{name: "StaticError", status: http.StatusNotFound, message: notFoundMessage,
			ours: envelope.NotFound(notFoundMessage)},
		{name: "Validation2", status: http.StatusBadRequest, message: validationMsg, fields: benchFields(2),
			ours: envelope.Validation(validationMsg).WithFields(benchFields(2)...)},
		{name: "Validation20", status: http.StatusBadRequest, message: validationMsg, fields: benchFields(20),
			ours: envelope.Validation(validationMsg).WithFields(benchFields(20)...)},
		{name: "InternalWithCause", status: http.StatusInternalServerError, message: internalMessage, cause: cause,
			ours: envelope.Internal(internalMessage).WithCause(cause)},
		{name: "LargeDetails", status: http.StatusConflict, message: largeMessage, details: largeDetails(),
			ours: envelope.Conflict(largeMessage).WithDetails(largeDetails())},
	}
}

// scenarioFor builds every contender of one error case, called directly
// (standalone): writing the error alone.
func scenarioFor(ec errorCase) scenario {
	return scenario{
		name:    ec.name,
		request: newRequest,
		contenders: []contender{
			oursContender(ec),
			floorContender(ec, nil),
			encodingJSONContender(ec),
			httpErrorContender(ec),
			humaContender(ec),
			echoContender(ec),
			twirpContender(ec),
			connectContender(ec),
		},
	}
}

// benchChain is the middleware of the chain scenarios: envelope.Middleware
// with the bench Writer and otherwise the defaults (request ID, security
// headers, panic recovery, router pages).
var benchChain = func() func(http.Handler) http.Handler {
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: benchWriter})
	if err != nil {
		panic(err)
	}
	return mw
}()

// chainKeys are the headers of an error response that the chain has set
// already when the handler runs; a careful hand-writer assigns them first,
// because assigning a new key to a Go map of eight entries grows it.
var chainKeys = []string{"X-Content-Type-Options", "X-Request-Id"}

// chainScenarioFor builds the contenders of one error case as handlers
// behind envelope.Middleware, which builds the request state per request,
// as in production: envelope.Write, the like-for-like floor and the
// hand-rolled encoding/json envelope.
func chainScenarioFor(ec errorCase) scenario {
	through := func(c contender) contender {
		h := benchChain(http.HandlerFunc(c.serve))
		c.serve = h.ServeHTTP
		return c
	}
	return scenario{
		name:    "Chain" + ec.name,
		request: chainRequest,
		contenders: []contender{
			through(oursContender(ec)),
			through(floorContender(ec, chainKeys)),
			through(encodingJSONContender(ec)),
		},
	}
}

// oursContender calls the package-level envelope.Write, as a handler does;
// the Writer and the request ID come from the request's context.
func oursContender(ec errorCase) contender {
	e := ec.ours
	return contender{name: "envelope", status: ec.status, serve: func(w http.ResponseWriter, r *http.Request) {
		envelope.Write(w, r, e)
	}}
}

// floorContender is the like-for-like floor: the exact status, headers and
// body envelope sends, precomputed once, sent the way a careful hand-writer
// sends a constant response. Header values live in one array allocated per
// response (so that no two responses share a value slice, as envelope
// guarantees), the request ID's taken from the request context; the keys
// are canonical and assigned directly, those in first (the keys the chain
// has set already) before the others. It is the cost of the ResponseWriter
// calls alone, with nothing rendered: the targets are relative to it.
func floorContender(ec errorCase, first []string) contender {
	status, hs, body := recordOurs(ec)
	slices.SortStableFunc(hs, func(a, b headerKV) int {
		return cmp.Compare(sortKey(first, a.k), sortKey(first, b.k))
	})
	idSlot := slices.IndexFunc(hs, func(x headerKV) bool { return x.k == "X-Request-Id" })
	vals := make([]string, len(hs))
	for i, x := range hs {
		vals[i] = x.v[0]
	}
	return contender{name: "floor", status: status, serve: func(w http.ResponseWriter, r *http.Request) {
		arr := slices.Clone(vals) // this response's values
		if idSlot >= 0 {
			arr[idSlot] = envelope.RequestIDFrom(r.Context())
		}
		h := w.Header()
		for i, x := range hs {
			h[x.k] = arr[i : i+1 : i+1]
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}}
}

// sortKey orders the keys in first (in their order) before the others.
func sortKey(first []string, k string) int {
	if i := slices.Index(first, k); i >= 0 {
		return i
	}
	return len(first)
}

type headerKV struct {
	k string
	v []string
}

// recordOurs returns what envelope writes for ec: the status, the headers
// Write sets (one value each) and the body.
func recordOurs(ec errorCase) (int, []headerKV, []byte) {
	rec := httptest.NewRecorder()
	envelope.Write(rec, newRequest(), ec.ours)
	var hs []headerKV
	for k, v := range rec.Header() {
		if len(v) != 1 {
			panic("floor: multi-valued header " + k)
		}
		hs = append(hs, headerKV{k, v})
	}
	slices.SortFunc(hs, func(a, b headerKV) int { return strings.Compare(a.k, b.k) })
	return rec.Code, hs, rec.Body.Bytes()
}

// handRolledBody is the envelope a server writes for itself with
// encoding/json: the same members, in the same shape, as envelope's flat
// format.
type handRolledBody struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Details   any               `json:"details,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"requestId,omitempty"`
}

// encodingJSONContender is the typical hand-rolled writer: Header().Set for
// the same four headers envelope sends, WriteHeader, then
// json.NewEncoder(w).Encode of a struct built per request. The internal
// cause is left out of the body, as envelope does.
func encodingJSONContender(ec errorCase) contender {
	code := string(ec.ours.Code())
	return contender{name: "encoding_json", status: ec.status, serve: func(w http.ResponseWriter, r *http.Request) {
		body := handRolledBody{Code: code, Message: ec.message, Details: ec.details, RequestID: envelope.RequestIDFrom(r.Context())}
		if len(ec.fields) > 0 {
			body.Fields = make(map[string]string, len(ec.fields))
			for _, f := range ec.fields {
				body.Fields[f.Field] = f.Message
			}
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		if body.RequestID != "" {
			h.Set("X-Request-Id", body.RequestID)
		}
		w.WriteHeader(ec.status)
		_ = json.NewEncoder(w).Encode(body)
	}}
}

// httpErrorContender calls http.Error with the public message. http.Error
// writes plain text and cannot carry fields, details or a request ID, so in
// the validation and large-details scenarios it does less work than the
// others: its rows are a lower bound, not a like-for-like comparison.
func httpErrorContender(ec errorCase) contender {
	return contender{name: "http_Error", status: ec.status, serve: func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, ec.message, ec.status)
	}}
}

// humaContender writes a huma.ErrorModel (built once with huma.NewError)
// the way huma writes a handler's returned error: content negotiation with
// api.Negotiate, the model's ContentTypeFilter (application/problem+json),
// api.Transform (huma.DefaultConfig's transformers), SetStatus, api.Marshal.
// huma has no exported function that writes a pre-built error, so these are
// the exported steps of its internal writeResponse. Field errors become
// huma.ErrorDetail entries (location + message); the cause is passed as
// huma does it, as an error whose text becomes a detail (and so reaches the
// client); the large details become the Value of one ErrorDetail.
func humaContender(ec errorCase) contender {
	api := humago.New(http.NewServeMux(), huma.DefaultConfig("bench", "1.0.0"))
	var errs []error
	for _, f := range ec.fields {
		errs = append(errs, &huma.ErrorDetail{Location: "body." + f.Field, Message: f.Message})
	}
	if ec.cause != nil {
		errs = append(errs, ec.cause)
	}
	if ec.details != nil {
		errs = append(errs, &huma.ErrorDetail{Message: "details", Value: ec.details})
	}
	status := ec.status
	if len(ec.fields) > 0 {
		status = http.StatusUnprocessableEntity // huma's status for validation errors
	}
	model := huma.NewError(status, ec.message, errs...)
	statusText := strconv.Itoa(status)
	op := &huma.Operation{Method: http.MethodPost, Path: "/v1/orders/{id}"}
	return contender{name: "huma", status: status, serve: func(w http.ResponseWriter, r *http.Request) {
		ctx := humago.NewContext(op, r, w)
		ct, err := api.Negotiate(r.Header.Get("Accept"))
		if err != nil {
			panic(err)
		}
		if f, ok := model.(huma.ContentTypeFilter); ok {
			ct = f.ContentType(ct)
		}
		ctx.SetHeader("Content-Type", ct)
		v, err := api.Transform(ctx, statusText, model)
		if err != nil {
			panic(err)
		}
		ctx.SetStatus(status)
		if err := api.Marshal(ctx.BodyWriter(), ct, v); err != nil {
			panic(err)
		}
	}}
}

// echoContender calls echo's DefaultHTTPErrorHandler with an
// *echo.HTTPError, on a context reset per request as echo's ServeHTTP does
// (AcquireContext, Reset, ReleaseContext). A string message renders as
// {"message": ...}; for fields and details the natural echo form is a map
// message, which it marshals as it is. The cause goes in HTTPError.Internal,
// which echo keeps off the wire.
func echoContender(ec errorCase) contender {
	e := echo.New()
	var he *echo.HTTPError
	switch {
	case len(ec.fields) > 0:
		fields := make(map[string]string, len(ec.fields))
		for _, f := range ec.fields {
			fields[f.Field] = f.Message
		}
		he = echo.NewHTTPError(ec.status, map[string]any{"message": ec.message, "fields": fields})
	case ec.details != nil:
		he = echo.NewHTTPError(ec.status, map[string]any{"message": ec.message, "details": ec.details})
	default:
		he = echo.NewHTTPError(ec.status, ec.message)
	}
	if ec.cause != nil {
		he = he.SetInternal(ec.cause)
	}
	return contender{name: "echo", status: ec.status, serve: func(w http.ResponseWriter, r *http.Request) {
		c := e.AcquireContext()
		c.Reset(r, w)
		e.DefaultHTTPErrorHandler(he, c)
		e.ReleaseContext(c)
	}}
}

// twirpContender calls twirp.WriteError. Field errors become one meta entry
// per field (twirp's InvalidArgument carries the argument name in meta);
// the large details, which twirp cannot carry as structured data, become
// one meta entry per item with the item marshalled to a string once,
// outside the loop. The internal error uses twirp.InternalErrorWith, which
// puts the cause's text on the wire.
func twirpContender(ec errorCase) contender {
	var te twirp.Error
	switch {
	case ec.cause != nil:
		te = twirp.InternalErrorWith(ec.cause)
	case ec.status == http.StatusNotFound:
		te = twirp.NotFoundError(ec.message)
	case len(ec.fields) > 0:
		te = twirp.NewError(twirp.InvalidArgument, ec.message)
		for _, f := range ec.fields {
			te = te.WithMeta(f.Field, f.Message)
		}
	case ec.details != nil:
		te = twirp.NewError(twirp.FailedPrecondition, ec.message)
		for i, it := range ec.details.([]lineItem) {
			b, _ := json.Marshal(it)
			te = te.WithMeta("item"+strconv.Itoa(i), string(b))
		}
	}
	return contender{name: "twirp", status: twirp.ServerHTTPStatusFromErrorCode(te.Code()), serve: func(w http.ResponseWriter, _ *http.Request) {
		_ = twirp.WriteError(w, te)
	}}
}

// connectContender calls (*connect.ErrorWriter).Write, which answers a JSON
// POST in the Connect unary protocol. Field errors and large details become
// one error detail, a google.protobuf.Struct built once (connect's details
// are protobuf messages); the internal error wraps the cause, whose text
// connect sends as the message.
func connectContender(ec errorCase) contender {
	ew := connect.NewErrorWriter()
	var ce *connect.Error
	switch {
	case ec.cause != nil:
		ce = connect.NewError(connect.CodeInternal, ec.cause)
	case ec.status == http.StatusNotFound:
		ce = connect.NewError(connect.CodeNotFound, errors.New(ec.message))
	case len(ec.fields) > 0:
		ce = connect.NewError(connect.CodeInvalidArgument, errors.New(ec.message))
		fields := make(map[string]any, len(ec.fields))
		for _, f := range ec.fields {
			fields[f.Field] = f.Message
		}
		ce.AddDetail(mustDetail(map[string]any{"fields": fields}))
	case ec.details != nil:
		ce = connect.NewError(connect.CodeFailedPrecondition, errors.New(ec.message))
		raw, _ := json.Marshal(ec.details)
		var items []any
		_ = json.Unmarshal(raw, &items)
		ce.AddDetail(mustDetail(map[string]any{"items": items}))
	}
	return contender{name: "connect", status: connectStatus(ce.Code()), serve: func(w http.ResponseWriter, r *http.Request) {
		_ = ew.Write(w, r, ce)
	}}
}

func mustDetail(m map[string]any) *connect.ErrorDetail {
	s, err := structpb.NewStruct(m)
	if err != nil {
		panic(err)
	}
	d, err := connect.NewErrorDetail(s)
	if err != nil {
		panic(err)
	}
	return d
}

// connectStatus is the HTTP status of the Connect protocol for the codes
// used here (connect does not export its mapping).
func connectStatus(c connect.Code) int {
	switch c {
	case connect.CodeNotFound:
		return http.StatusNotFound
	case connect.CodeInvalidArgument, connect.CodeFailedPrecondition:
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func BenchmarkStaticError(b *testing.B)       { scenarioFor(errorCases()[0]).run(b) }
func BenchmarkValidation2(b *testing.B)       { scenarioFor(errorCases()[1]).run(b) }
func BenchmarkValidation20(b *testing.B)      { scenarioFor(errorCases()[2]).run(b) }
func BenchmarkInternalWithCause(b *testing.B) { scenarioFor(errorCases()[3]).run(b) }
func BenchmarkLargeDetails(b *testing.B)      { scenarioFor(errorCases()[4]).run(b) }

func BenchmarkChainStaticError(b *testing.B) { chainScenarioFor(errorCases()[0]).run(b) }
func BenchmarkChainValidation2(b *testing.B) { chainScenarioFor(errorCases()[1]).run(b) }

// fieldsScenario is the validation error with 0, 10 and 1000 field errors
// (rows named by the count), written standalone: the cost per field error
// is a row's time above the 0 row's, over its count.
func fieldsScenario() scenario {
	var cs []contender
	for _, n := range []int{0, 10, 1000} {
		e := envelope.Validation(validationMsg)
		if n > 0 {
			e = e.WithFields(benchFields(n)...)
		}
		cs = append(cs, contender{name: strconv.Itoa(n), status: http.StatusBadRequest, serve: func(w http.ResponseWriter, r *http.Request) {
			envelope.Write(w, r, e)
		}})
	}
	return scenario{name: "Fields", request: newRequest, contenders: cs}
}

func BenchmarkFields(b *testing.B) { fieldsScenario().run(b) }
