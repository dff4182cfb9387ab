package envelopegrpcgateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
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
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// Both tables, literally, so that a changed or missing case fails.
func TestCodeTables(t *testing.T) {
	t.Parallel()
	fromGRPC := map[codes.Code]envelope.Code{
		codes.OK: "internal", codes.Canceled: "canceled", codes.Unknown: "internal",
		codes.InvalidArgument: "invalid_request", codes.DeadlineExceeded: "timeout",
		codes.NotFound: "not_found", codes.AlreadyExists: "conflict", codes.PermissionDenied: "forbidden",
		codes.ResourceExhausted: "rate_limited", codes.FailedPrecondition: "unprocessable_entity",
		codes.Aborted: "conflict", codes.OutOfRange: "invalid_request", codes.Unimplemented: "not_implemented",
		codes.Internal: "internal", codes.Unavailable: "service_unavailable", codes.DataLoss: "internal",
		codes.Unauthenticated: "unauthorized", codes.Code(99): "internal",
	}
	for c, want := range fromGRPC {
		assert.Equal(t, want, envelopegrpcgateway.CodeFromGRPC(c), "%v", c)
	}
	toGRPC := map[envelope.Code]codes.Code{
		"invalid_request": codes.InvalidArgument, "validation_failed": codes.InvalidArgument,
		"unauthorized": codes.Unauthenticated, "payment_required": codes.FailedPrecondition,
		"forbidden": codes.PermissionDenied, "not_found": codes.NotFound,
		"method_not_allowed": codes.Unimplemented, "not_acceptable": codes.InvalidArgument,
		"conflict": codes.AlreadyExists, "gone": codes.NotFound, "precondition_failed": codes.FailedPrecondition,
		"payload_too_large": codes.ResourceExhausted, "unsupported_media_type": codes.InvalidArgument,
		"unprocessable_entity": codes.FailedPrecondition, "rate_limited": codes.ResourceExhausted,
		"canceled": codes.Canceled, "internal": codes.Internal, "not_implemented": codes.Unimplemented,
		"bad_gateway": codes.Unavailable, "service_unavailable": codes.Unavailable, "timeout": codes.DeadlineExceeded,
	}
	builtins := (*envelope.Codes)(nil).List()
	require.Len(t, toGRPC, len(builtins), "every built-in code is in the table")
	for _, info := range builtins {
		want, ok := toGRPC[info.Code]
		require.True(t, ok, "%s missing from the test's table", info.Code)
		assert.Equal(t, want, envelopegrpcgateway.GRPCCode(info.Code), "%s", info.Code)
		// The way back lands on a code of the same status class, except
		// for method_not_allowed: grpc-gateway too answers a wrong method
		// as Unimplemented. (ErrorInfo carries the exact code back.)
		back := envelopegrpcgateway.CodeFromGRPC(want)
		backInfo, _ := (*envelope.Codes)(nil).Lookup(back)
		if info.Code != envelope.CodeMethodNotAllowed {
			assert.Equal(t, info.Status/100, backInfo.Status/100, "%s -> %v -> %s", info.Code, want, back)
		}
	}
	gw, err := envelopegrpcgateway.New(envelopegrpcgateway.Options{Codes: testCodes(t)})
	require.NoError(t, err)
	assert.Equal(t, codes.FailedPrecondition, gw.GRPCCode("insufficient_credit"), "a 402 domain code is payment_required's")
	assert.Equal(t, codes.Internal, gw.GRPCCode("undeclared"))
}

// A service layer returns envelope errors; the interceptor turns them into
// statuses with details, and the gateway renders each back as the same
// envelope error: every built-in code and a domain code survive the trip.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	tc := testCodes(t)
	var logs syncBuffer
	gw, err := envelopegrpcgateway.New(envelopegrpcgateway.Options{
		Codes: tc, Domain: "items.example.com", Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	require.NoError(t, err)
	svc := &items{get: func(_ context.Context, r *itemspb.GetItemRequest) (*itemspb.Item, error) {
		switch id := r.GetId(); {
		case id == "plain":
			return nil, errors.New(secret)
		case id == "wrapped":
			return nil, envelope.Wrap(errors.New(secret), envelope.CodeUnavailable, "")
		case id == "status":
			return nil, status.Error(codes.NotFound, "gone fishing")
		case id == "retry":
			return nil, envelope.RateLimited("Slow down.").WithRetryAfter(45 * time.Second)
		case strings.HasPrefix(id, "code-"):
			c := envelope.Code(strings.TrimPrefix(id, "code-"))
			return nil, envelope.New(c, "Public message for "+string(c)+".")
		case strings.HasPrefix(id, "bare-"):
			return nil, envelope.New(envelope.Code(strings.TrimPrefix(id, "bare-")), "")
		}
		return &itemspb.Item{Id: r.GetId()}, nil
	}}
	svc.create = func(context.Context, *itemspb.CreateItemRequest) (*itemspb.Item, error) {
		return nil, envelope.Validation("").WithFields(
			envelope.FieldError{Field: "item.display_name", Code: "required", Message: "is required"},
			envelope.FieldError{Field: "item.labels[team.name]", Message: "is too long"})
	}
	s := start(t, svc, config{codes: tc, middleware: true, serverOpts: []grpc.ServerOption{
		grpc.UnaryInterceptor(gw.UnaryServerInterceptor()),
	}})
	client := itemspb.NewItemsClient(s.conn)

	t.Run("every code", func(t *testing.T) {
		for _, info := range tc.List() {
			_, err := client.GetItem(context.Background(), &itemspb.GetItemRequest{Id: "code-" + string(info.Code)})
			st := status.Convert(err)
			assert.Equal(t, gw.GRPCCode(info.Code), st.Code(), "%s", info.Code)
			assert.Equal(t, "Public message for "+string(info.Code)+".", st.Message())
			ei := detail[*errdetails.ErrorInfo](st)
			require.NotNil(t, ei, "%s", info.Code)
			assert.Equal(t, strings.ToUpper(string(info.Code)), ei.GetReason())
			assert.Equal(t, "items.example.com", ei.GetDomain())

			res := s.get(t, "/v1/items/code-"+string(info.Code))
			assert.Equal(t, info.Status, res.status, "%s: %s", info.Code, res.raw)
			assert.Equal(t, string(info.Code), res.body["code"])
			assert.Equal(t, "Public message for "+string(info.Code)+".", res.body["message"], "%s", info.Code)
		}
	})

	t.Run("a domain code's declared message", func(t *testing.T) {
		_, err := client.GetItem(context.Background(), &itemspb.GetItemRequest{Id: "bare-insufficient_credit"})
		st := status.Convert(err)
		assert.Equal(t, codes.FailedPrecondition, st.Code())
		assert.Equal(t, "Not enough credit.", st.Message())
		assert.Nil(t, detail[*errdetails.LocalizedMessage](st), "no explicit message, nothing marked")
		res := s.get(t, "/v1/items/bare-insufficient_credit")
		assert.Equal(t, 402, res.status)
		assert.Equal(t, "Not enough credit.", res.body["message"])
	})

	t.Run("field errors", func(t *testing.T) {
		_, err := client.CreateItem(context.Background(), &itemspb.CreateItemRequest{})
		st := status.Convert(err)
		assert.Equal(t, codes.InvalidArgument, st.Code())
		br := detail[*errdetails.BadRequest](st)
		require.NotNil(t, br)
		require.Len(t, br.GetFieldViolations(), 2)
		assert.Equal(t, "item.display_name", br.GetFieldViolations()[0].GetField())
		assert.Equal(t, "REQUIRED", br.GetFieldViolations()[0].GetReason())
		assert.Equal(t, "is required", br.GetFieldViolations()[0].GetDescription())

		res := s.do(t, http.MethodPost, "/v1/items", nil, strings.NewReader(`{}`))
		assert.Equal(t, 400, res.status)
		assert.Equal(t, "validation_failed", res.body["code"])
		assert.Equal(t, map[string]any{"item.displayName": "is required", "item.labels[team.name]": "is too long"}, res.body["fields"])
	})

	t.Run("retry", func(t *testing.T) {
		_, err := client.GetItem(context.Background(), &itemspb.GetItemRequest{Id: "retry"})
		ri := detail[*errdetails.RetryInfo](status.Convert(err))
		require.NotNil(t, ri)
		assert.Equal(t, 45*time.Second, ri.GetRetryDelay().AsDuration())
		res := s.get(t, "/v1/items/retry")
		assert.Equal(t, 429, res.status)
		assert.Equal(t, "45", res.header.Get("Retry-After"))
	})

	t.Run("a plain error is internal, its text logged only", func(t *testing.T) {
		_, err := client.GetItem(context.Background(), &itemspb.GetItemRequest{Id: "plain"})
		st := status.Convert(err)
		assert.Equal(t, codes.Internal, st.Code())
		assert.Equal(t, "An internal error occurred.", st.Message())
		assert.NotContains(t, err.Error(), "hunter2")
		_, err = client.GetItem(context.Background(), &itemspb.GetItemRequest{Id: "wrapped"})
		assert.Equal(t, codes.Unavailable, status.Code(err))
		assert.NotContains(t, err.Error(), "hunter2")
		// The interceptor logged both before the server answered.
		assert.Equal(t, 2, strings.Count(logs.String(), "hunter2"), logs.String())
	})

	t.Run("a status passes through", func(t *testing.T) {
		_, err := client.GetItem(context.Background(), &itemspb.GetItemRequest{Id: "status"})
		assert.Equal(t, codes.NotFound, status.Code(err))
		assert.Equal(t, "gone fishing", status.Convert(err).Message())
	})
}

func detail[T any](st *status.Status) T {
	var zero T
	for _, d := range st.Details() {
		if x, ok := d.(T); ok {
			return x
		}
	}
	return zero
}

// stream is the least a ServerStream needs for the interceptor.
type stream struct{ grpc.ServerStream }

func (stream) Context() context.Context     { return context.Background() }
func (stream) SetHeader(metadata.MD) error  { return nil }
func (stream) SendMsg(any) error            { return nil }
func (stream) RecvMsg(any) error            { return nil }
func (stream) SetTrailer(metadata.MD)       {}
func (stream) SendHeader(metadata.MD) error { return nil }

func TestStreamServerInterceptor(t *testing.T) {
	t.Parallel()
	gw, err := envelopegrpcgateway.New(envelopegrpcgateway.Options{})
	require.NoError(t, err)
	icpt := gw.StreamServerInterceptor()
	err = icpt(nil, stream{}, &grpc.StreamServerInfo{FullMethod: "/x.Y/Z"}, func(any, grpc.ServerStream) error {
		return envelope.NotFound("No such feed.")
	})
	assert.Equal(t, codes.NotFound, status.Code(err))
	assert.Equal(t, "No such feed.", status.Convert(err).Message())
	assert.NoError(t, icpt(nil, stream{}, &grpc.StreamServerInfo{}, func(any, grpc.ServerStream) error { return nil }))
}

// The gateway-shaped format gives the bodies grpc-gateway's default error
// handler gives, with the same statuses, for the same gRPC statuses.
func TestGatewayFormatMatchesDefault(t *testing.T) {
	t.Parallel()
	errs := map[string]error{
		"nf":     status.Error(codes.NotFound, "Item nf was not found."),
		"denied": status.Error(codes.PermissionDenied, "Not yours."),
		"bad":    status.Error(codes.InvalidArgument, "Bad id."),
		"pre":    status.Error(codes.FailedPrecondition, "Archive it first."),
		"auth":   status.Error(codes.Unauthenticated, "Sign in."),
		"quota":  status.Error(codes.ResourceExhausted, "Quota."),
		"gone":   status.Error(codes.Canceled, "Canceled."),
	}
	gw, err := envelopegrpcgateway.New(envelopegrpcgateway.Options{})
	require.NoError(t, err)
	svc := &items{get: byID(errs), create: func(context.Context, *itemspb.CreateItemRequest) (*itemspb.Item, error) {
		return nil, envelope.Validation("").WithField("item.display_name", "is required")
	}}
	ours := start(t, svc, config{format: envelopegrpcgateway.GatewayFormat(), middleware: true,
		serverOpts: []grpc.ServerOption{grpc.UnaryInterceptor(gw.UnaryServerInterceptor())}})
	conn := grpcServer(t, &items{get: byID(errs)})
	mux := runtime.NewServeMux() // grpc-gateway's own error handlers
	require.NoError(t, itemspb.RegisterItemsHandlerClient(context.Background(), mux, itemspb.NewItemsClient(conn)))
	theirs := &setup{http: newHTTP(t, mux)}

	for id := range errs {
		a, b := ours.get(t, "/v1/items/"+id), theirs.get(t, "/v1/items/"+id)
		assert.Equal(t, b.status, a.status, id)
		assert.JSONEq(t, b.raw, a.raw, id)
	}

	// Field violations from the service layer: the shape of a
	// google.rpc.BadRequest, with the JSON names the client sent.
	res := ours.do(t, http.MethodPost, "/v1/items", nil, strings.NewReader(`{}`))
	assert.Equal(t, 400, res.status)
	assert.JSONEq(t, `{"code": 3, "message": "One or more fields are invalid.", "details": [
		{"@type": "type.googleapis.com/google.rpc.BadRequest",
		 "fieldViolations": [{"field": "item.displayName", "description": "is required"}]}]}`, res.raw)

	// A client reads the bodies back.
	p, err := envelope.NewParser(envelope.ParserOptions{Formats: []envelope.Format{envelopegrpcgateway.GatewayFormat()}})
	require.NoError(t, err)
	for id, want := range map[string]envelope.Code{"nf": "not_found", "pre": "unprocessable_entity", "quota": "rate_limited"} {
		r := ours.get(t, "/v1/items/"+id)
		e := p.Parse(r.status, r.header, []byte(r.raw))
		assert.Equal(t, want, e.Code(), id)
	}
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(ours.get(t, "/v1/items/nf").raw), &body))
	assert.Equal(t, float64(5), body["code"], "a JSON number")
}
