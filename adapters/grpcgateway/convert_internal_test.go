package envelopegrpcgateway

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/apienvelope/envelope"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// TestLocalValueErrors checks the field error of each kind of query value
// grpc-gateway's own parser rejects, from the status text the gateway
// really makes (the generated handlers pass the parser's error on as
// status.Errorf(codes.InvalidArgument, "%v", err)): a wrong type is
// envelope.WrongType's, with the type the parser wanted.
func TestLocalValueErrors(t *testing.T) {
	t.Parallel()
	g, err := New(Options{})
	require.NoError(t, err)
	tests := []struct {
		msg   proto.Message
		query string
		want  envelope.FieldError
	}{
		{&wrapperspb.Int64Value{}, "value=abc", envelope.WrongType("value", reflect.TypeFor[int64]())},
		{&wrapperspb.Int32Value{}, "value=1.5", envelope.WrongType("value", reflect.TypeFor[int64]())},
		{&wrapperspb.UInt64Value{}, "value=-1", envelope.WrongType("value", reflect.TypeFor[uint64]())},
		{&wrapperspb.DoubleValue{}, "value=half", envelope.WrongType("value", reflect.TypeFor[float64]())},
		{&wrapperspb.BoolValue{}, "value=maybe", envelope.WrongType("value", reflect.TypeFor[bool]())},
		{&wrapperspb.Int32Value{}, "value=99999999999", envelope.FieldError{Field: "value", Code: "invalid"}},
		{&wrapperspb.DoubleValue{}, "value=1e999", envelope.FieldError{Field: "value", Code: "invalid"}},
		{&wrapperspb.BytesValue{}, "value=%25%25", envelope.FieldError{Field: "value", Code: "invalid"}},
		{&errdetails.RetryInfo{}, "retry_delay=soon", envelope.FieldError{Field: "retry_delay", Code: "invalid"}},
	}
	for _, tt := range tests {
		values, err := url.ParseQuery(tt.query)
		require.NoError(t, err)
		perr := runtime.PopulateQueryParameters(tt.msg, values, utilities.NewDoubleArray(nil))
		require.Error(t, perr, tt.query)
		st := status.New(codes.InvalidArgument, perr.Error())
		e := g.localError(st.Err(), st.Message(), naming{})
		require.Len(t, e.Fields(), 1, "%s: %s", tt.query, st.Message())
		assert.Equal(t, tt.want, e.Fields()[0], "%s: %s", tt.query, st.Message())
		assert.Equal(t, envelope.CodeInvalidRequest, e.Code())
	}
}
