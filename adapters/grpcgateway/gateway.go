// Package envelopegrpcgateway renders the errors of a grpc-gateway v2
// reverse proxy (github.com/grpc-ecosystem/grpc-gateway/v2) as envelope
// error responses in the application's format, and turns envelope errors
// into gRPC statuses for a service layer shared by gRPC and HTTP handlers.
//
// # HTTP side
//
// [Gateway.ServeMuxOptions] configures a runtime.ServeMux with the
// gateway's error handler, its routing-error handler and the middleware
// that lets a 405 list the allowed methods:
//
//	gw, err := envelopegrpcgateway.New(envelopegrpcgateway.Options{Writer: ew, Codes: codes})
//	if err != nil { ... }
//	mux := runtime.NewServeMux(gw.ServeMuxOptions()...)
//	if err := itemspb.RegisterItemsHandlerFromEndpoint(ctx, mux, addr, dialOpts); err != nil { ... }
//	srv.Handler = mw(mux) // the envelope middleware: request IDs, panics, security headers
//
// A gRPC status becomes an [*envelope.APIError]:
//
//   - the code through the table of [CodeFromGRPC], or, when an ErrorInfo
//     detail's reason names a declared code ([Options.Codes], or a built-in
//     code; compared case-insensitively, as reasons are UPPER_SNAKE_CASE),
//     that code;
//   - google.rpc.BadRequest field violations as field errors: the path in
//     envelope's syntax (items[2].sku, labels[a.b]) with the request
//     message's JSON names (lineItems[2].sku) unless the marshaler writes
//     proto names, the violation's reason, lowercased, as the field
//     error's code, and its localized message or else its description as
//     the message; InvalidArgument with field violations is
//     validation_failed;
//   - RetryInfo as Retry-After ([envelope.APIError.WithRetryAfter]; sent on
//     429 and 503);
//   - the public message: a LocalizedMessage detail's, or else the status
//     message for a client error (4xx). A server error (5xx) gets the
//     code's default message: a gRPC server puts a Go error's text in the
//     status message of an Unknown status, which must not reach the
//     client. The status's text stays in the error's cause, for logs;
//   - the request ID from the envelope context (the middleware's), else
//     from the request's ID header when [envelope.ValidRequestID] accepts
//     it, else a RequestInfo detail's when it is valid.
//
// Errors the gateway makes itself before calling the server (a body that
// is not valid JSON, a path or query parameter of the wrong type, a
// missing parameter, a body over the middleware's limit) are
// InvalidArgument statuses whose text comes from Go libraries
// ("proto: syntax error ...", "strconv.ParseInt: ..."). They never reach
// the client as such: they become invalid_request with envelope's
// message, a field error naming the parameter where the gateway names
// one, and payload_too_large (413) for a body over the limit.
//
// # gRPC side
//
// [Gateway.ToGRPC] (and the interceptors [Gateway.UnaryServerInterceptor]
// and [Gateway.StreamServerInterceptor]) turn an error into a gRPC status:
// the code through [Gateway.GRPCCode], the public message (also as a
// LocalizedMessage detail, locale "und", when the error was given one, so
// that the gateway keeps it for a server error too), an ErrorInfo with the
// code (upper case) as reason and [Options.Domain] as domain, a BadRequest
// with one field violation per field error (its code, upper case, as the
// reason), and RetryInfo from the Retry-After. An error that is not an [*envelope.APIError] becomes
// Internal with the generic message (a gRPC server would otherwise send
// its text as an Unknown status); a gRPC status error passes through.
//
// The package is named envelopegrpcgateway, after the rule of every
// envelope adapter (envelope + the adapted library's name).
package envelopegrpcgateway

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/apienvelope/envelope"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// Options configures [New]. The zero value renders with the writer of the
// envelope middleware, knows the built-in codes and reads incoming request
// IDs from X-Request-Id (with a Writer, from its format's header).
type Options struct {
	// Writer renders the errors, in its format. Nil means the Writer the
	// envelope middleware put in the request context (what the
	// package-level [envelope.Write] uses).
	Writer *envelope.Writer

	// Codes is the writer's table of codes (the same value as
	// [envelope.WriterOptions.Codes]): an ErrorInfo reason that names one
	// of its codes becomes that code, and a domain code's status gives its
	// gRPC code. Nil means the built-in codes.
	Codes *envelope.Codes

	// RequestIDHeader is the request header an incoming request ID is read
	// from when the request did not pass through the envelope middleware,
	// for IDs that travel in another header than the Writer's. Empty means
	// the header of the Writer's main format
	// ([envelope.Writer.RequestIDHeader]; none when it sends none), or
	// "X-Request-Id" without a Writer; "-" means none.
	RequestIDHeader string

	// Domain is the ErrorInfo domain of the statuses [Gateway.ToGRPC]
	// builds: the service's name, such as "items.example.com". Empty
	// leaves it empty.
	Domain string

	// Logger receives, from the interceptors, one Error record per error
	// that is not an [*envelope.APIError], with its text, which the
	// client never sees. Nil means [slog.Default].
	Logger *slog.Logger
}

// Gateway renders grpc-gateway errors as envelopes and turns envelope
// errors into gRPC statuses. Build it with [New]; it is safe for
// concurrent use.
type Gateway struct {
	writer   *envelope.Writer
	codes    *envelope.Codes
	idHeader string // canonical; "" for none
	domain   string
	logger   *slog.Logger
	muxes    sync.Map // *runtime.ServeMux -> struct{}: muxes with the probe middleware
}

// New validates opts and returns a Gateway. It fails when RequestIDHeader
// is not a valid header name.
func New(opts Options) (*Gateway, error) {
	h := opts.RequestIDHeader
	switch {
	case h == "-":
		h = ""
	case h == "" && opts.Writer != nil:
		h = opts.Writer.RequestIDHeader()
	case h == "":
		h = "X-Request-Id"
	}
	if h != "" && !validToken(h) {
		return nil, fmt.Errorf("envelopegrpcgateway: RequestIDHeader %q is not a valid header name", opts.RequestIDHeader)
	}
	return &Gateway{
		writer: opts.Writer, codes: opts.Codes, idHeader: http.CanonicalHeaderKey(h),
		domain: opts.Domain, logger: opts.Logger,
	}, nil
}

// ServeMuxOptions returns the options that make a runtime.ServeMux render
// its errors through g: runtime.WithErrorHandler([Gateway.ErrorHandler]),
// runtime.WithRoutingErrorHandler([Gateway.RoutingErrorHandler]) and
// runtime.WithMiddlewares with the middleware that lets a 405 name the
// allowed methods. Give them first to runtime.NewServeMux, so that the
// middleware is the outermost one. Middlewares of your own run inside it.
func (g *Gateway) ServeMuxOptions() []runtime.ServeMuxOption {
	return []runtime.ServeMuxOption{
		func(mux *runtime.ServeMux) { g.muxes.Store(mux, struct{}{}) },
		runtime.WithMiddlewares(probeMiddleware),
		runtime.WithErrorHandler(g.ErrorHandler),
		runtime.WithRoutingErrorHandler(g.RoutingErrorHandler),
	}
}

// ErrorHandler is a runtime.ErrorHandlerFunc: it renders err, a gRPC
// status error (or a runtime.HTTPStatusError around one) as the envelope
// described in the package documentation, with the options' writer. It
// sets the headers [envelope.Writer.Write] sets; grpc-gateway's own
// WWW-Authenticate (the status message) is not sent, the format's
// challenge is. Server metadata is not forwarded on error responses.
func (g *Gateway) ErrorHandler(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	if probing(ctx) || probing(r.Context()) {
		return
	}
	e, reqID := g.fromGateway(ctx, m, err)
	w.Header().Del("Trailer")
	g.write(w, r, e, reqID)
}

// RoutingErrorHandler is a runtime.RoutingErrorHandlerFunc: a request the
// mux has no route for becomes a 404 not_found; one whose path exists for
// other methods a 405 method_not_allowed whose Allow header lists them
// (RFC 9110 §15.5.6) when the mux was built with [Gateway.ServeMuxOptions]
// (grpc-gateway's default answers it as Unimplemented, a 501); a path that
// does not start with "/" a 400 invalid_request.
func (g *Gateway) RoutingErrorHandler(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	if probing(ctx) || probing(r.Context()) {
		return
	}
	var e *envelope.APIError
	switch httpStatus {
	case http.StatusNotFound:
		e = envelope.NotFound("")
	case http.StatusMethodNotAllowed:
		e = envelope.MethodNotAllowed("", g.allowed(mux, r)...)
	case http.StatusBadRequest:
		e = envelope.InvalidRequest("")
	default:
		e = envelope.New(envelope.CodeForStatus(httpStatus), "").WithStatus(httpStatus)
	}
	g.write(w, r, e, "")
}

// write renders e, with the request ID the request should carry.
func (g *Gateway) write(w http.ResponseWriter, r *http.Request, e *envelope.APIError, detailID string) {
	if envelope.RequestIDFrom(r.Context()) == "" {
		id := ""
		if g.idHeader != "" {
			if vs := r.Header[g.idHeader]; len(vs) == 1 && envelope.ValidRequestID(vs[0]) {
				id = vs[0]
			}
		}
		if id == "" && envelope.ValidRequestID(detailID) {
			id = detailID
		}
		if id != "" {
			r = r.WithContext(envelope.ContextWithRequestID(r.Context(), id))
		}
	}
	if g.writer != nil {
		g.writer.Write(w, r, e)
		return
	}
	envelope.Write(w, r, e)
}

// validToken reports whether s is an RFC 9110 §5.6.2 token.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}
