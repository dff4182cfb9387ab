package envelopegrpcgateway

import (
	"net/http"
	"strconv"

	"github.com/apienvelope/envelope"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// GatewayFormat returns a format in the shape of grpc-gateway's default
// error body, a google.rpc.Status in JSON, for APIs whose clients already
// read that shape:
//
//	{"code":5,"message":"Item not found","details":[]}
//
// code is the gRPC code's number ([GRPCCode] of the error's code; a domain
// code without a Wire of its own renders its status's built-in code's).
// Field errors go in details as one google.rpc.BadRequest:
//
//	"details":[{"@type":"type.googleapis.com/google.rpc.BadRequest",
//	  "fieldViolations":[{"field":"item.displayName","description":"is required"}]}]
//
// Each code keeps envelope's HTTP status, except that the code a gRPC
// code's number reads back as (its Primary) takes the status grpc-gateway
// gives that gRPC code (runtime.HTTPStatusFromCode): unprocessable_entity,
// FailedPrecondition's, is a 400 as in grpc-gateway. The media type is
// application/json and the request ID goes in the X-Request-Id header
// only.
func GatewayFormat() envelope.Format {
	fc := make(map[envelope.Code]envelope.FormatCode)
	for _, info := range (*envelope.Codes)(nil).List() {
		c := info.Code
		g := GRPCCode(c)
		f := envelope.FormatCode{Wire: strconv.Itoa(int(g))}
		if CodeFromGRPC(g) == c {
			f.Primary = true
			if s := runtime.HTTPStatusFromCode(g); s != info.Status && s != http.StatusOK {
				f.Status = s
			}
		}
		fc[c] = f
	}
	return envelope.Format{
		Name: "grpc-gateway",
		Body: `{"code": {{code}}, "message": "{{message}}",
			"details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
				"fieldViolations": [{"field": "{{field}}", "description": "{{field.message}}"}]}] | []}`,
		Codes: fc,
	}
}
