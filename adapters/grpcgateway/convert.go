package envelopegrpcgateway

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
)

// naming says how field paths of the request message are spelled for the
// client.
type naming struct {
	msg        protoreflect.MessageDescriptor // the request message; nil if unknown
	protoNames bool                           // the marshaler writes proto names
	rename     bool                           // rewrite paths at all
}

// FromGRPC turns a gRPC status error (or a runtime.HTTPStatusError around
// one) into the envelope error it stands for, as the package
// documentation describes, for an HTTP handler that calls a gRPC client
// itself. Field paths are kept as the status spells them, since there is
// no request message to take JSON names from; the status message of a
// client error is taken as public. An error that is no status is an
// internal error with err as its cause. It returns nil for a nil err.
func (g *Gateway) FromGRPC(err error) *envelope.APIError {
	if err == nil {
		return nil
	}
	e, _ := g.convert(err, naming{}, true)
	return e
}

// fromGateway converts an error the gateway passed to its error handler,
// with JSON names from the request message of the RPC and the knowledge of
// which statuses came from the server.
func (g *Gateway) fromGateway(ctx context.Context, m runtime.Marshaler, err error) (*envelope.APIError, string) {
	n := naming{rename: true, protoNames: usesProtoNames(m)}
	if method, ok := runtime.RPCMethod(ctx); ok {
		n.msg = requestMessage(method)
	}
	// The gRPC client fills the server metadata from the server's
	// response: its headers, or for a trailers-only response its
	// trailers, which always hold the content-type. A status the gateway
	// made itself, before any call, has neither.
	md, _ := runtime.ServerMetadataFromContext(ctx)
	remote := md.HeaderMD != nil || md.TrailerMD != nil
	return g.convert(err, n, remote)
}

// convert does the work of FromGRPC and fromGateway; it also returns the
// request ID of a RequestInfo detail.
func (g *Gateway) convert(err error, n naming, remote bool) (*envelope.APIError, string) {
	var hse *runtime.HTTPStatusError
	inner := err
	if errors.As(err, &hse) && hse.Err != nil {
		inner = hse.Err
	}
	st, ok := status.FromError(inner)
	if !ok {
		// Not a status: the gateway's own MalformedSequenceError of a path,
		// or an error of the application. Its text is not for the client.
		e := envelope.Wrap(err, envelope.CodeInternal, "")
		if hse != nil {
			e = envelope.Wrap(err, envelope.CodeForStatus(hse.HTTPStatus), "").WithStatus(hse.HTTPStatus)
		}
		return e, ""
	}
	if !remote && st.Code() == codes.InvalidArgument && len(st.Details()) == 0 {
		return g.localError(err, st.Message(), n), ""
	}
	e, reqID := g.fromStatus(st, err, n)
	if hse != nil && isErrorStatus(hse.HTTPStatus) {
		if _, declared := g.reasonCode(st); !declared {
			e = envelope.New(envelope.CodeForStatus(hse.HTTPStatus), messageOf(e)).
				WithFields(e.Fields()...).WithCause(err)
		}
		e = e.WithStatus(hse.HTTPStatus)
	}
	return e, reqID
}

// messageOf returns the public message e was built with, or "".
func messageOf(e *envelope.APIError) string {
	if e.Message() == envelope.New(e.Code(), "").Message() {
		return ""
	}
	return e.Message()
}

// fromStatus converts a status that came from the server.
func (g *Gateway) fromStatus(st *status.Status, cause error, n naming) (*envelope.APIError, string) {
	code := CodeFromGRPC(st.Code())
	reason, declared := g.reasonCode(st)
	if declared {
		code = reason
	}
	var (
		fields    []envelope.FieldError
		retry     time.Duration
		localized string
		reqID     string
	)
	for _, d := range st.Details() {
		switch x := d.(type) {
		case *errdetails.BadRequest:
			for _, fv := range x.GetFieldViolations() {
				msg := fv.GetLocalizedMessage().GetMessage()
				if msg == "" {
					msg = fv.GetDescription()
				}
				fields = append(fields, envelope.FieldError{
					Field: n.path(fv.GetField()), Code: strings.ToLower(fv.GetReason()), Message: msg,
				})
			}
		case *errdetails.RetryInfo:
			if d := x.GetRetryDelay(); d.IsValid() {
				retry = d.AsDuration()
			}
		case *errdetails.LocalizedMessage:
			localized = x.GetMessage()
		case *errdetails.RequestInfo:
			reqID = x.GetRequestId()
		}
	}
	if !declared && code == envelope.CodeInvalidRequest && len(fields) > 0 {
		code = envelope.CodeValidation
	}
	msg := localized
	if msg == "" && g.status(code) < 500 {
		msg = st.Message()
	}
	e := envelope.Wrap(cause, code, msg).WithFields(fields...)
	if retry > 0 {
		e = e.WithRetryAfter(retry)
	}
	return e, reqID
}

// reasonCode returns the code an ErrorInfo reason of st names, when the
// gateway's codes declare it.
func (g *Gateway) reasonCode(st *status.Status) (envelope.Code, bool) {
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			c := envelope.Code(strings.ToLower(ei.GetReason()))
			if _, ok := g.codes.Lookup(c); ok && c != "" {
				return c, true
			}
		}
	}
	return "", false
}

// status returns the status of a code in the gateway's table, 500 for a
// code it does not know.
func (g *Gateway) status(c envelope.Code) int {
	if info, ok := g.codes.Lookup(c); ok {
		return info.Status
	}
	return http.StatusInternalServerError
}

func isErrorStatus(s int) bool { return s >= 400 && s <= 599 }

// localError turns a status the gateway made itself from a request it
// could not decode into an envelope error with envelope's own messages:
// the status text comes from Go libraries and is kept only as the cause.
func (g *Gateway) localError(cause error, text string, n naming) *envelope.APIError {
	if strings.Contains(text, "http: request body too large") {
		return envelope.Wrap(cause, envelope.CodePayloadTooLarge, "")
	}
	e := envelope.Wrap(cause, envelope.CodeInvalidRequest, "")
	for _, p := range []struct {
		prefix, code, message string
		value                 bool // the text goes on with the value's error
	}{
		{"missing parameter ", "required", "is required", false},
		{"type mismatch, parameter: ", "", "", true},
		{"could not parse path as enum value, parameter: ", "enum", "is not a valid value", false},
		{"parsing field ", "", "", true},
		{"parsing list ", "", "", true},
	} {
		rest, ok := strings.CutPrefix(text, p.prefix)
		if !ok {
			continue
		}
		name, why := rest, ""
		if i := strings.Index(rest, ", error: "); i >= 0 {
			name, why = rest[:i], rest[i+len(", error: "):]
		} else if i := strings.Index(rest, ": "); i >= 0 {
			name, why = rest[:i], rest[i+len(": "):]
		}
		if uq, err := strconv.Unquote(name); err == nil {
			name = uq
		}
		if name == "" || len(name) > 128 || strings.ContainsAny(name, " \t\r\n\"") {
			return e
		}
		if p.value {
			return e.WithFields(valueError(n.path(name), why))
		}
		return e.WithFields(envelope.FieldError{Field: n.path(name), Code: p.code, Message: p.message})
	}
	return e
}

// valueError returns the field error for a parameter at path that did not
// parse, why being the text of the parser's error, which the gateway
// passes on only as text. The text is read back into the error it was
// made from, as far as [envelope.ValueError] looks at it (which strconv
// function failed, and whether for the value's syntax or its range; or
// that a time did not parse), so that the field error is the one every
// adapter gives: a value strconv rejects for its syntax
// (`strconv.ParseInt: parsing "abc": invalid syntax`; for a repeated
// field, the one element that failed) is of the wrong type, code "type",
// "must be an integer"; a number out of range is "invalid", a timestamp
// that is not RFC 3339 "pattern", anything else (a duration, bytes that
// are not base64) "invalid".
func valueError(path, why string) envelope.FieldError {
	var err error = errors.New("unparsed")
	if rest, ok := strings.CutPrefix(why, "strconv."); ok {
		fn, detail, _ := strings.Cut(rest, ": ")
		ne := &strconv.NumError{Func: fn, Err: strconv.ErrSyntax}
		if strings.HasSuffix(detail, ": "+strconv.ErrRange.Error()) {
			ne.Err = strconv.ErrRange
		}
		err = ne
	} else if strings.HasPrefix(why, "parsing time ") {
		err = &time.ParseError{}
	}
	return envelope.ValueError(path, err)
}

// ToGRPC returns the gRPC status error that err stands for, as the package
// documentation describes: an error carrying a gRPC status (from a call to
// another service) as it is, any other error through the envelope error
// in its chain ([envelope.CodeOf] for one without: internal with the
// generic message, timeout, canceled, ...). It returns nil for a nil err.
func (g *Gateway) ToGRPC(err error) error {
	if err == nil {
		return nil
	}
	return g.Status(err).Err()
}

// Status is [Gateway.ToGRPC] returning the *status.Status; nil for a nil
// err.
func (g *Gateway) Status(err error) *status.Status {
	if err == nil {
		return nil
	}
	var ae *envelope.APIError
	if !errors.As(err, &ae) || ae == nil {
		if st, ok := status.FromError(err); ok {
			return st
		}
		ae = envelope.New(envelope.CodeOf(err), "")
	}
	code := ae.Code()
	msg := ae.Message()
	if info, ok := g.codes.Lookup(code); ok && messageOf(ae) == "" {
		msg = info.Message
	}
	st := status.New(g.GRPCCode(code), msg)
	details := []protoadapt.MessageV1{&errdetails.ErrorInfo{Reason: strings.ToUpper(string(code)), Domain: g.domain}}
	if fields := ae.Fields(); len(fields) > 0 {
		br := &errdetails.BadRequest{}
		for _, f := range fields {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
				Field: f.Field, Description: f.Message, Reason: strings.ToUpper(f.Code),
			})
		}
		details = append(details, br)
	}
	if explicit := messageOf(ae); explicit != "" {
		// The public message, marked safe for the client: the way in
		// keeps the status message of client errors only.
		details = append(details, &errdetails.LocalizedMessage{Locale: "und", Message: explicit})
	}
	if d, ok := ae.RetryAfter(); ok && d > 0 {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(d)})
	}
	if withDetails, err := st.WithDetails(details...); err == nil {
		st = withDetails
	}
	return st
}

// GRPCCode returns the gRPC code of an envelope code: [GRPCCode]'s for a
// built-in code, and for a domain code the gRPC code of the built-in code
// of its status in [Options.Codes] (a 402 insufficient_credit is
// FailedPrecondition, as payment_required is).
func (g *Gateway) GRPCCode(c envelope.Code) codes.Code {
	if _, builtin := (*envelope.Codes)(nil).Lookup(c); builtin {
		return GRPCCode(c)
	}
	return GRPCCode(envelope.CodeForStatus(g.status(c)))
}
