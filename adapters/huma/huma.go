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
//     [huma.ErrorDetail] becomes an [envelope.FieldError] at the path of its
//     location, in the syntax every envelope adapter uses: names dotted,
//     indexes and map keys in brackets ("items[2].sku", "labels[a.b]"; see
//     [Options.FieldPath]), and an error with such field errors and a 400
//     or 422 status becomes validation_failed at the status the format
//     gives it, with the code's default message in place of huma's
//     "validation failed". huma's messages for the rules the envelope
//     catalog knows (required, minLength, maximum, minItems, format email,
//     enum, ...) become the catalog's field keys with their arguments, so
//     that the writer's [envelope.Localizer] words them in the client's
//     language and sets Content-Language; others keep huma's English text.
//     A value of the wrong type, a body member ("expected integer") or a
//     parameter that does not parse ("invalid integer"), gets the field
//     error [envelope.DecodeRequest] gives a JSON member of the wrong type
//     ([envelope.WrongType]: code "type", "must be an integer"). A missing required property, which huma reports
//     at the enclosing object, is reported at the property. An error whose
//     details are all at the body's root (a body that is not JSON, or not
//     an object) is not about any field: it keeps huma's status and its
//     code (invalid_request for a 400), with the details' messages as its
//     message.
//   - an [*envelope.APIError] (or any error) a handler returns: rendered as
//     [envelope.Writer.Render] renders it, so standard errors map as they
//     do there and an unexpected error's text is logged, never sent.
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
	// Writer renders every huma error, with everything it was built with
	// (format, alternates, codes, logger, localizer, rate-limit headers,
	// hooks); its formats ([envelope.Writer.Formats]) document the error
	// responses in the OpenAPI document. Give [envelope.Middleware] in
	// front of the API the same Writer, so that errors outside huma
	// (unknown routes, panics) have the same shape. Nil means a Writer of
	// the zero [envelope.WriterOptions]: the flat format, logging to
	// slog.Default; [Adapter.Writer] returns it.
	Writer *envelope.Writer
	// FieldPath, when set, maps the location of a huma error detail, such
	// as "body.items[2].sku" or "query.limit", to the field path of an
	// [envelope.FieldError]. Nil means the adapter's own mapping: "body."
	// is dropped, parameters keep their prefix ("query.limit"), and the
	// operation's request body schema tells map keys from property names,
	// so that a key is bracketed as the validator adapter brackets it
	// ("body.labels.a.b" is "labels[a.b]"); see [FieldPath] for the mapping
	// without a schema. It must be safe for concurrent use.
	FieldPath func(location string) string
}

// Adapter renders the errors of huma APIs with one [envelope.Writer].
// Build it with [New] and attach it to a huma.Config with
// [Adapter.Configure] before the API is created. It is immutable and safe
// for concurrent use.
type Adapter struct {
	ew        *envelope.Writer
	fieldPath func(string) string // nil: the schema-aware default
	schemas   []formatSchema      // the main format first, then the alternates
}

// formatSchema is a format's media type and the JSON Schema of its bodies
// (Format.Schema), decoded once.
type formatSchema struct {
	mediaType string
	schema    map[string]any
}

// New validates opts and returns an adapter. It fails when a format of
// the writer has a media type that is not JSON (application/json or a
// +json suffix), since huma marshals error bodies with its JSON format.
func New(opts Options) (*Adapter, error) {
	ew := opts.Writer
	if ew == nil {
		var err error
		if ew, err = envelope.NewWriter(envelope.WriterOptions{}); err != nil {
			return nil, err
		}
	}
	a := &Adapter{ew: ew, fieldPath: opts.FieldPath}
	for _, f := range ew.Formats() {
		if !jsonMediaType(f.MediaType) {
			return nil, fmt.Errorf("envelopehuma: format %q: media type %q is not JSON", f.Name, f.MediaType)
		}
		fs, err := newFormatSchema(f)
		if err != nil {
			return nil, err
		}
		a.schemas = append(a.schemas, fs)
	}
	return a, nil
}

// jsonMediaType reports whether huma's JSON format marshals mt: empty
// (application/json), application/json, or a structured +json suffix.
func jsonMediaType(mt string) bool {
	base, _, _ := strings.Cut(mt, ";")
	base = strings.ToLower(strings.TrimSpace(base))
	return base == "" || base == "application/json" || strings.HasSuffix(base, "+json")
}

// Writer returns the writer the adapter renders with ([Options.Writer], or
// the one New made), to share with [envelope.Middleware] in front of the
// API so that errors outside huma (unknown routes, panics) have the same
// shape.
func (a *Adapter) Writer() *envelope.Writer { return a.ew }

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
// the operation; registryKey the one holding the API's schema registry,
// which resolves the request body schema's references.
const (
	metadataKey = "github.com/apienvelope/envelope/adapters/huma.Adapter"
	registryKey = "github.com/apienvelope/envelope/adapters/huma.Registry"
)

func (a *Adapter) onAddOperation(oapi *huma.OpenAPI, op *huma.Operation) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metadataKey] = a
	if oapi != nil && oapi.Components != nil && oapi.Components.Schemas != nil {
		op.Metadata[registryKey] = oapi.Components.Schemas
	}
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
	e.err = pendingError(status, msg, errs, FieldPath, nil)
	return e
}

func pendingError(status int, msg string, errs []error, fieldPath func(string) string, op *huma.Operation) *envelope.APIError {
	return withDetails(envelope.New(envelope.CodeForStatus(status), msg).WithStatus(status), errs, fieldPath, op)
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
		e := withDetails(envelope.New(envelope.CodeForStatus(status), msg).WithStatus(status), errs, a.pathFor(ctx), operationOf(ctx))
		fields := e.Fields()
		switch {
		case len(fields) == 0:
		case rootOnly(fields):
			// Not about any field: a body that is not JSON ("unexpected
			// end of JSON input") or not an object. Say what is wrong
			// in the message, at huma's status.
			var msgs []string
			for _, x := range errs {
				if d, ok := x.(huma.ErrorDetailer); ok && d.ErrorDetail() != nil {
					msgs = append(msgs, d.ErrorDetail().Message)
				}
			}
			e = envelope.New(envelope.CodeForStatus(status), strings.Join(msgs, "; ")).WithStatus(status).WithCause(e.Unwrap())
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

// operationOf returns the operation ctx serves, or nil.
func operationOf(ctx huma.Context) *huma.Operation {
	if ctx == nil {
		return nil
	}
	return ctx.Operation()
}

// withDetails adds errs to e: details as field errors, other errors as the
// internal cause. op is the operation served, nil when unknown.
func withDetails(e *envelope.APIError, errs []error, fieldPath func(string) string, op *huma.Operation) *envelope.APIError {
	var fields []envelope.FieldError
	var causes []error
	for _, x := range errs {
		if x == nil {
			continue
		}
		if d, ok := x.(huma.ErrorDetailer); ok {
			if det := d.ErrorDetail(); det != nil {
				fields = append(fields, fieldError(det, fieldPath, op))
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

// fieldError returns the field error of a huma error detail: at the path
// of its location, [envelope.WrongType]'s for a value of the wrong type
// (see valueError), with the catalog key and arguments of its message
// when the catalog has the rule (see messages.go), else huma's message. A
// missing required property, which huma reports at the enclosing object,
// is reported at the property itself. op is the operation served, nil
// when unknown.
func fieldError(d *huma.ErrorDetail, fieldPath func(string) string, op *huma.Operation) envelope.FieldError {
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
	path := fieldPath(loc)
	if f, ok := valueError(d, path, op); ok {
		return f
	}
	f := envelope.FieldError{Field: path}
	if key, args, ok := catalogKey(d.Message); ok {
		f.Code, f.Args = key, args
	} else {
		f.Message = d.Message
	}
	return f
}

// FieldPath maps a huma location to a field path without knowing the body
// schema: it strips the "body." prefix of huma's locations, so a body field
// is named as the client sent it ("body.items[2].sku" is "items[2].sku",
// "body" alone the empty path), and keeps the prefix of parameters
// ("query.limit", "path.id", "header.If-Match", "cookie.session"), so that
// a parameter and a body field of one name stay apart. huma joins a map key
// to its map with a dot, as it joins properties, so without a schema a key
// cannot be told from a property: the adapter's default mapping (a nil
// [Options.FieldPath]) consults the operation's body schema and brackets
// keys; this function is what it falls back to. In the problem format the
// field path becomes a JSON Pointer, which for a parameter
// ("#/query/limit") does not point into the body; give a FieldPath of your
// own to name parameters otherwise.
func FieldPath(location string) string {
	if location == "body" {
		return ""
	}
	if rest, ok := strings.CutPrefix(location, "body."); ok {
		return rest
	}
	return location
}

// render renders err with the adapter's writer for the request of ctx
// (hooks and logging included) and keeps the status, headers and body.
func (a *Adapter) render(ctx huma.Context, err error) *Error {
	h := http.Header{}
	status, b := a.ew.Render(h, requestOf(ctx), err)
	ae, _ := findAPIError(err)
	return &Error{status: status, err: ae, body: b, header: h}
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
		r = a.render(ctx, pendingError(e.status, e.msg, e.errs, a.pathFor(ctx), operationOf(ctx)))
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
// the error writer reads: method, URL, headers and context (which carries
// the request ID and writer of envelope.Middleware in front of the API).
func requestOf(ctx huma.Context) *http.Request {
	u := ctx.URL()
	r := &http.Request{Method: ctx.Method(), URL: &u, Header: http.Header{}, Host: ctx.Host()}
	ctx.EachHeader(func(name, value string) {
		r.Header.Add(name, value)
	})
	c := ctx.Context()
	if c == nil {
		c = context.Background()
	}
	return r.WithContext(c)
}

var _ json.Marshaler = body(nil)
