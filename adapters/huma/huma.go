// Package envelopehuma makes a huma v2 API (github.com/danielgtaylor/huma/v2)
// render its errors in any [envelope.Format], so that a huma server
// can adopt a published error contract. It lives in its own module so that
// the envelope module itself depends on no framework. Import it under its
// package name, which differs from the directory to stay clear of huma's:
//
//	import envelopehuma "github.com/apienvelope/envelope/adapters/huma"
//
// Three kinds of error reach the client through it:
//
//   - huma's own request errors (validation, unreadable or missing body,
//     body too large): huma builds them with huma.NewErrorWithContext. Each
//     [huma.ErrorDetail] becomes an [envelope.FieldError] at the path
//     [Options.FieldPath] gives its location, and an error with such field
//     errors and a 400 or 422 status becomes validation_failed at the
//     format's [envelope.Format.ValidationStatus], with the code's default
//     message in place of huma's "validation failed". A missing required
//     property, which huma reports at the enclosing object, is reported at
//     the property. An error whose details are all at the body's root (a
//     body that is not JSON, or not an object) is not about any field: it
//     keeps huma's status and its code (invalid_request for a 400), with
//     the details' messages as its message.
//   - an [*envelope.APIError] (or any error) a handler returns: rendered as
//     [envelope.ErrorWriter.Write] renders it, so standard errors map as
//     they do there and an unexpected error's text is logged, never sent.
//   - huma.Error404NotFound and the other helpers a handler calls (through
//     huma.NewError): the status given is kept and becomes its built-in
//     code (422 is unprocessable_entity, not validation_failed, since the
//     handler chose it), and the message is the public message.
//
// Errors passed to huma's helpers that are not [huma.ErrorDetailer] are
// internal causes: logged, never sent (huma itself would send their text).
// The Value of an ErrorDetail (the client's own input echoed back) is not
// rendered either.
package envelopehuma

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apienvelope/envelope"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"
)

// Options configures [New]. The zero value renders in the flat format.
type Options struct {
	// Config configures the [envelope.ErrorWriter] that renders every huma
	// error: format, alternates, logger, localizer, rate-limit headers.
	// Its zero value is the flat format.
	Config envelope.Config
	// FieldPath maps the location of a huma error detail, such as
	// "body.items[2].sku" or "query.limit", to the field path of an
	// [envelope.FieldError]. Nil means [FieldPath]. It must be safe for
	// concurrent use.
	FieldPath func(location string) string
}

// Adapter renders the errors of huma APIs with one [envelope.ErrorWriter].
// Build it with [New] and attach it to a huma.Config with
// [Adapter.Configure] before the API is created. It is immutable and safe
// for concurrent use.
type Adapter struct {
	ew        *envelope.ErrorWriter
	fieldPath func(string) string
	formats   []envelope.Format // the main format first, then the alternates
}

// New validates opts and returns an adapter. It fails when the envelope
// configuration is invalid (see [envelope.NewErrorWriter]) or a format's
// media type is not JSON (application/json or a +json suffix), since huma
// marshals error bodies with its JSON format.
func New(opts Options) (*Adapter, error) {
	ew, err := envelope.NewErrorWriter(opts.Config)
	if err != nil {
		return nil, err
	}
	main := envelope.FlatFormat()
	if opts.Config.Format != nil {
		main = *opts.Config.Format
	}
	formats := append([]envelope.Format{main}, opts.Config.Alternates...)
	for _, f := range formats {
		if !jsonMediaType(f.MediaType) {
			return nil, fmt.Errorf("envelopehuma: format %q: media type %q is not JSON", f.Name, f.MediaType)
		}
	}
	fp := opts.FieldPath
	if fp == nil {
		fp = FieldPath
	}
	return &Adapter{ew: ew, fieldPath: fp, formats: formats}, nil
}

// jsonMediaType reports whether huma's JSON format marshals mt: empty
// (application/json), application/json, or a structured +json suffix.
func jsonMediaType(mt string) bool {
	base, _, _ := strings.Cut(mt, ";")
	base = strings.ToLower(strings.TrimSpace(base))
	return base == "" || base == "application/json" || strings.HasSuffix(base, "+json")
}

// ErrorWriter returns the writer the adapter renders with, to share with
// [envelope.Middleware] in front of the API so that errors outside huma
// (unknown routes, panics) have the same shape.
func (a *Adapter) ErrorWriter() *envelope.ErrorWriter { return a.ew }

// Configure makes an API created from cfg render its errors through a. It
// appends a response transformer (which renders the errors of each request
// with its request ID, Accept and Accept-Language, and sets the envelope's
// headers) and an OpenAPI hook (which documents every error response of an
// operation with the schema of the envelope's formats, and ties the
// operation to a), and it sets huma's process-wide error constructors,
// huma.NewError and huma.NewErrorWithContext, to build [*Error] values.
//
// Those constructors are huma package variables: Configure sets them once
// per process, to functions that find the adapter of the operation being
// served, so several APIs with adapters of their own can live in one
// process. An operation the OpenAPI hook never sees (a hidden one, or one
// registered through a huma.Group) has its request errors rendered by the
// adapter configured last. Call Configure at start-up, before the API is
// created and before any huma API serves a request: setting huma's
// variables must not race with their use.
func (a *Adapter) Configure(cfg *huma.Config) {
	cfg.Transformers = append(cfg.Transformers, a.transform)
	if cfg.OpenAPI == nil {
		cfg.OpenAPI = &huma.OpenAPI{}
	}
	cfg.OpenAPI.OnAddOperation = append(cfg.OpenAPI.OnAddOperation, a.onAddOperation)
	last.Store(a)
	installOnce.Do(func() {
		huma.NewError = newError
		huma.NewErrorWithContext = newErrorWithContext
	})
}

var (
	installOnce sync.Once
	last        atomic.Pointer[Adapter] // the adapter configured last
)

// metadataKey is the huma.Operation metadata entry naming the adapter of
// the operation.
const metadataKey = "github.com/apienvelope/envelope/adapters/huma.Adapter"

func (a *Adapter) onAddOperation(oapi *huma.OpenAPI, op *huma.Operation) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metadataKey] = a
	a.documentErrors(oapi, op)
}

// adapterOf returns the adapter of the operation ctx serves.
func adapterOf(ctx huma.Context) *Adapter {
	if ctx != nil {
		if op := ctx.Operation(); op != nil {
			if a, ok := op.Metadata[metadataKey].(*Adapter); ok {
				return a
			}
		}
	}
	return last.Load()
}

// Error is the huma.StatusError the adapter builds. It is either rendered
// for a request already (huma's own request errors and handler errors, built
// with the request at hand) or pending (built by huma.NewError in a handler,
// rendered when huma writes it). An Error is immutable and safe to share,
// including as a package-level value.
type Error struct {
	status int
	err    *envelope.APIError // what is rendered; nil for a non-error status
	// pending: huma.NewError's arguments, turned into field errors by the
	// adapter of the API that writes the error
	msg  string
	errs []error
	// rendered:
	body   []byte
	header http.Header
}

// Error returns the message of the error it renders, for logs.
func (e *Error) Error() string {
	if e.err != nil {
		return e.err.Error()
	}
	return http.StatusText(e.status)
}

// GetStatus returns the response status: huma sends it. It implements
// huma.StatusError.
func (e *Error) GetStatus() int { return e.status }

// APIError returns the error the envelope renders, or nil for a
// non-error status such as huma's 304. For a pending error its field paths
// are those of [FieldPath].
func (e *Error) APIError() *envelope.APIError { return e.err }

// Unwrap returns the [*envelope.APIError], so that errors.Is and errors.As
// see through an Error.
func (e *Error) Unwrap() error {
	if e.err == nil {
		return nil
	}
	return e.err
}

// ContentType implements huma.ContentTypeFilter: it makes huma marshal the
// error with its JSON format, whatever the client negotiated. The
// transformer sets the true Content-Type, that of the envelope format.
func (e *Error) ContentType(string) string { return "application/json" }

// MarshalJSON returns the rendered body. A pending Error that reaches a
// marshaller without passing through an adapter's transformer (an API not
// configured with [Adapter.Configure]) marshals as the generic internal
// error of the flat format, so it never leaks or breaks a body.
func (e *Error) MarshalJSON() ([]byte, error) {
	if e.body != nil {
		return e.body, nil
	}
	return []byte(`{"code":"internal","message":"An internal error occurred."}`), nil
}

// Schema implements huma.SchemaProvider, so that huma registers no schema
// of its own for Error; the adapter's OpenAPI hook documents each error
// response with the envelope's schema instead.
func (e *Error) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeObject, Description: "An error envelope."}
}

// body is a rendered body on its way to huma's JSON marshaller.
type body []byte

func (b body) MarshalJSON() ([]byte, error) { return b, nil }

// newError is huma.NewError: a pending error, rendered by the transformer.
// The status given is kept.
func newError(status int, msg string, errs ...error) huma.StatusError {
	if status < 400 || status > 599 {
		return &Error{status: status} // 304 from huma.Status304NotModified, or the schema probe
	}
	e := &Error{status: status, msg: msg, errs: errs}
	e.err = pendingError(status, msg, errs, FieldPath)
	return e
}

func pendingError(status int, msg string, errs []error, fieldPath func(string) string) *envelope.APIError {
	return withDetails(envelope.New(codeFor(status), msg).WithStatus(status), errs, fieldPath)
}

// newErrorWithContext is huma.NewErrorWithContext: the error rendered for
// the request at hand.
func newErrorWithContext(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
	a := adapterOf(ctx)
	var err error
	switch {
	case status < 400 || status > 599:
		return &Error{status: status}
	case len(errs) == 1 && status == http.StatusInternalServerError && msg == handlerErrorMessage && !isDetailer(errs[0]):
		// A handler returned an error that is not a huma.StatusError:
		// render it as Write does any error.
		err = errs[0]
	default:
		var ae *envelope.APIError
		for _, x := range errs {
			if errors.As(x, &ae) {
				break
			}
		}
		if ae != nil {
			err = ae
			break
		}
		e := withDetails(envelope.New(codeFor(status), msg).WithStatus(status), errs, a.fieldPath)
		fields := e.Fields()
		switch {
		case len(fields) == 0:
		case rootOnly(fields):
			// Not about any field: a body that is not JSON ("unexpected
			// end of JSON input") or not an object. Say what is wrong
			// in the message, at huma's status.
			msgs := make([]string, len(fields))
			for i, f := range fields {
				msgs[i] = f.Message
			}
			e = envelope.New(codeFor(status), strings.Join(msgs, "; ")).WithStatus(status).WithCause(e.Unwrap())
		case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
			if msg == validationMessage {
				msg = "" // the code's default message, localizable
			}
			e = envelope.New(envelope.CodeValidation, msg).WithFields(fields...).WithCause(e.Unwrap())
		}
		err = e
	}
	return a.render(ctx, err)
}

// handlerErrorMessage is the message huma gives NewErrorWithContext for an
// error a handler returned that is not a huma.StatusError.
const handlerErrorMessage = "unexpected error occurred"

// validationMessage is huma's generic message for a request that failed
// validation; the envelope's default message for validation_failed
// replaces it.
const validationMessage = "validation failed"

// rootOnly reports whether every field error is at the root of the body
// (the empty path).
func rootOnly(fields []envelope.FieldError) bool {
	for _, f := range fields {
		if f.Field != "" {
			return false
		}
	}
	return true
}

func isDetailer(err error) bool {
	_, ok := err.(huma.ErrorDetailer)
	return ok
}

// withDetails adds errs to e: details as field errors, other errors as the
// internal cause.
func withDetails(e *envelope.APIError, errs []error, fieldPath func(string) string) *envelope.APIError {
	var fields []envelope.FieldError
	var causes []error
	for _, x := range errs {
		if x == nil {
			continue
		}
		if d, ok := x.(huma.ErrorDetailer); ok {
			if det := d.ErrorDetail(); det != nil {
				field, msg := field(det, fieldPath)
				fields = append(fields, envelope.FieldError{Field: field, Message: msg})
				continue
			}
		}
		causes = append(causes, x)
	}
	if len(fields) > 0 {
		e = e.WithFields(fields...)
	}
	if c := errors.Join(causes...); c != nil {
		e = e.WithCause(c)
	}
	return e
}

// requiredPrefix and requiredSuffix frame huma's message for a missing
// required property, which huma reports at the object's location.
var requiredPrefix, requiredSuffix, _ = strings.Cut(validation.MsgExpectedRequiredProperty, "%s")

// field returns the field path and message of a huma error detail. A
// missing required property, which huma reports at the enclosing object,
// is reported at the property itself.
func field(d *huma.ErrorDetail, fieldPath func(string) string) (string, string) {
	loc := d.Location
	if name, ok := strings.CutPrefix(d.Message, requiredPrefix); ok {
		if name, ok = strings.CutSuffix(name, requiredSuffix); ok && name != "" && !strings.ContainsAny(name, " .[]") {
			if loc == "" {
				loc = name
			} else {
				loc += "." + name
			}
		}
	}
	return fieldPath(loc), d.Message
}

// FieldPath is the default [Options.FieldPath]. It strips the "body."
// prefix of huma's locations, so a body field is named as the client sent
// it ("body.items[2].sku" is "items[2].sku", "body" alone the empty path),
// and keeps the prefix of parameters ("query.limit", "path.id",
// "header.If-Match", "cookie.session"), so that a parameter and a body
// field of one name stay apart. In the problem format the field path
// becomes a JSON Pointer, which for a parameter ("#/query/limit") does not
// point into the body; give a FieldPath of your own to name parameters
// otherwise.
func FieldPath(location string) string {
	if location == "body" {
		return ""
	}
	if rest, ok := strings.CutPrefix(location, "body."); ok {
		return rest
	}
	return location
}

// codeFor returns the built-in code that stands for status, as the
// envelope's decoder derives it from a bare status.
func codeFor(status int) envelope.Code {
	return envelope.Decode(status, nil, nil).Code()
}

// render writes err with the adapter's writer for the request of ctx and
// keeps the status, headers and body.
func (a *Adapter) render(ctx huma.Context, err error) *Error {
	rec := &recorder{header: http.Header{}}
	a.ew.Write(rec, requestOf(ctx), err)
	ae, _ := findAPIError(err)
	return &Error{status: rec.status, err: ae, body: rec.body, header: rec.header}
}

func findAPIError(err error) (*envelope.APIError, bool) {
	var ae *envelope.APIError
	ok := errors.As(err, &ae)
	return ae, ok
}

// transform is the huma.Transformer: it renders pending errors for the
// request and sets the headers of every Error.
func (a *Adapter) transform(ctx huma.Context, _ string, v any) (any, error) {
	e, ok := v.(*Error)
	if !ok || (e.err == nil && e.body == nil) {
		return v, nil
	}
	r := e
	if e.body == nil {
		// A pending error carries no validation_failed code, the only
		// code a format renders at a status of its own, so the rendered
		// status is the one huma sends.
		r = a.render(ctx, pendingError(e.status, e.msg, e.errs, a.fieldPath))
	}
	for k, vs := range r.header {
		if len(vs) > 0 {
			ctx.SetHeader(k, vs[0])
			for _, v := range vs[1:] {
				ctx.AppendHeader(k, v)
			}
		}
	}
	return body(r.body), nil
}

// requestOf returns a request standing for the one ctx serves, with what
// the error writer reads: method, URL, headers and context.
func requestOf(ctx huma.Context) *http.Request {
	u := ctx.URL()
	method := ctx.Method()
	if method == http.MethodHead {
		method = http.MethodGet // the writer would leave the body out; net/http drops it
	}
	r := &http.Request{Method: method, URL: &u, Header: http.Header{}, Host: ctx.Host()}
	ctx.EachHeader(func(name, value string) {
		r.Header.Add(name, value)
	})
	c := ctx.Context()
	if c == nil {
		c = context.Background()
	}
	return r.WithContext(c)
}

// recorder captures what the error writer writes.
type recorder struct {
	header http.Header
	status int
	body   []byte
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body = append(r.body, p...)
	return len(p), nil
}

var _ json.Marshaler = body(nil)
