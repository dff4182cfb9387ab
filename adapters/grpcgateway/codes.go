package envelopegrpcgateway

import (
	"github.com/apienvelope/envelope"
	"google.golang.org/grpc/codes"
)

// CodeFromGRPC returns the built-in envelope code of a gRPC code: the one
// whose meaning and HTTP status are closest (google/rpc/code.proto gives
// each gRPC code an HTTP status; these agree with it and with grpc-gateway's
// runtime.HTTPStatusFromCode, except where noted):
//
//	gRPC code               envelope code          status
//	Canceled (1)            canceled               499
//	Unknown (2)             internal               500
//	InvalidArgument (3)     invalid_request        400 (validation_failed with field violations)
//	DeadlineExceeded (4)    timeout                504
//	NotFound (5)            not_found              404
//	AlreadyExists (6)       conflict               409
//	PermissionDenied (7)    forbidden              403
//	ResourceExhausted (8)   rate_limited           429
//	FailedPrecondition (9)  unprocessable_entity   422 (grpc-gateway: 400)
//	Aborted (10)            conflict               409
//	OutOfRange (11)         invalid_request        400
//	Unimplemented (12)      not_implemented        501
//	Internal (13)           internal               500
//	Unavailable (14)        service_unavailable    503
//	DataLoss (15)           internal               500
//	Unauthenticated (16)    unauthorized           401
//
// OK and codes outside the table give internal: an error that claims
// success is still a failure. FailedPrecondition ("the system is not in a
// state required for the operation") is the request that is well-formed
// and valid field by field but cannot be applied, which is envelope's
// unprocessable_entity; grpc-gateway answers it with 400, and the
// [GatewayFormat] keeps that status.
func CodeFromGRPC(c codes.Code) envelope.Code {
	switch c {
	case codes.Canceled:
		return envelope.CodeCanceled
	case codes.InvalidArgument, codes.OutOfRange:
		return envelope.CodeInvalidRequest
	case codes.DeadlineExceeded:
		return envelope.CodeTimeout
	case codes.NotFound:
		return envelope.CodeNotFound
	case codes.AlreadyExists, codes.Aborted:
		return envelope.CodeConflict
	case codes.PermissionDenied:
		return envelope.CodeForbidden
	case codes.ResourceExhausted:
		return envelope.CodeRateLimited
	case codes.FailedPrecondition:
		return envelope.CodeUnprocessable
	case codes.Unimplemented:
		return envelope.CodeNotImplemented
	case codes.Unavailable:
		return envelope.CodeUnavailable
	case codes.Unauthenticated:
		return envelope.CodeUnauthorized
	}
	return envelope.CodeInternal // Unknown, Internal, DataLoss, OK, unknown codes
}

// GRPCCode returns the gRPC code of a built-in envelope code, the way back
// of [CodeFromGRPC]:
//
//	envelope code           gRPC code             back to
//	invalid_request         InvalidArgument (3)   invalid_request
//	validation_failed       InvalidArgument (3)   validation_failed (field violations)
//	unauthorized            Unauthenticated (16)  unauthorized
//	payment_required        FailedPrecondition (9)
//	forbidden               PermissionDenied (7)  forbidden
//	not_found               NotFound (5)          not_found
//	method_not_allowed      Unimplemented (12)
//	not_acceptable          InvalidArgument (3)
//	conflict                AlreadyExists (6)     conflict
//	gone                    NotFound (5)
//	precondition_failed     FailedPrecondition (9)
//	payload_too_large       ResourceExhausted (8)
//	unsupported_media_type  InvalidArgument (3)
//	unprocessable_entity    FailedPrecondition (9) unprocessable_entity
//	rate_limited            ResourceExhausted (8) rate_limited
//	canceled                Canceled (1)          canceled
//	internal                Internal (13)         internal
//	not_implemented         Unimplemented (12)    not_implemented
//	bad_gateway             Unavailable (14)
//	service_unavailable     Unavailable (14)      service_unavailable
//	timeout                 DeadlineExceeded (4)  timeout
//
// Several envelope codes share a gRPC code; [Gateway.ToGRPC] also puts the
// envelope code in an ErrorInfo detail, which [Gateway.FromGRPC] reads
// back, so that every code, domain codes included, survives the round
// trip. A code that is not built in gives the gRPC code of the built-in
// code of its status; see [Gateway.GRPCCode].
func GRPCCode(c envelope.Code) codes.Code {
	switch c {
	case envelope.CodeInvalidRequest, envelope.CodeValidation, envelope.CodeNotAcceptable, envelope.CodeUnsupportedMediaType:
		return codes.InvalidArgument
	case envelope.CodeUnauthorized:
		return codes.Unauthenticated
	case envelope.CodePaymentRequired, envelope.CodePreconditionFailed, envelope.CodeUnprocessable:
		return codes.FailedPrecondition
	case envelope.CodeForbidden:
		return codes.PermissionDenied
	case envelope.CodeNotFound, envelope.CodeGone:
		return codes.NotFound
	case envelope.CodeMethodNotAllowed, envelope.CodeNotImplemented:
		return codes.Unimplemented
	case envelope.CodeConflict:
		return codes.AlreadyExists
	case envelope.CodePayloadTooLarge, envelope.CodeRateLimited:
		return codes.ResourceExhausted
	case envelope.CodeCanceled:
		return codes.Canceled
	case envelope.CodeBadGateway, envelope.CodeUnavailable:
		return codes.Unavailable
	case envelope.CodeTimeout:
		return codes.DeadlineExceeded
	}
	return codes.Internal
}
