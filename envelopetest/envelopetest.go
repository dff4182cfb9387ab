// Package envelopetest checks error responses in the tests of an API built
// with envelope. It reads a response, from a real server or a
// ResponseRecorder, back into an [*envelope.APIError] with an
// [envelope.Parser], and checks its code, status, message, field errors,
// request ID and headers in one line:
//
//	envelopetest.Expect(t, rec).
//		Status(http.StatusBadRequest).
//		Code(envelope.CodeValidation).
//		Field("email", "must be a valid email address").
//		RequestID("req-1")
//
// Each check that fails reports, through t.Errorf, what it found and what
// it wanted, followed by the response's status, its body and the error
// read from it, so that a failing test explains itself:
//
//	envelopetest: code is "internal", want "not_found"
//	    response: 500 Internal Server Error, Content-Type: application/json
//	    body:     {"code":"internal","message":"An internal error occurred."}
//	    parsed:   code=internal status=500 message="An internal error occurred."
//
// An API with its own formats or domain codes reads its responses with
// [Options]:
//
//	var api = envelopetest.Options{Formats: []envelope.Format{envelope.ProblemFormat()}, Codes: codes}
//	...
//	api.Expect(t, resp).Code("in_use")
//
// The package depends only on the standard library and envelope. It uses
// only the Helper and Errorf methods of the testing.TB it is given, so it
// works with *testing.T, *testing.B, *testing.F and a TB of one's own.
package envelopetest

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apienvelope/envelope"
)

// maxBody is the most of a response body Expect reads: the default limit
// of an [envelope.Parser].
const maxBody = 1 << 20

// maxShownBody is the most of a body a failure message quotes.
const maxShownBody = 2 << 10

// Options say how to read the error responses of the API under test. The
// zero value reads every preset format ([envelope.Presets]) with the
// built-in codes. An Options value is only read, so one value may serve
// tests running in parallel.
type Options struct {
	// Formats are the formats the API writes: its Writer's Format and
	// Alternates. Nil means [envelope.Presets]. A response must be a body
	// of one of them, served with its media type.
	Formats []envelope.Format
	// Codes is the API's table of codes ([envelope.NewCodes]), so that
	// its domain codes read back as declared. Nil means the built-in
	// codes.
	Codes *envelope.Codes
}

// Expect reads r, an *http.Response or an *httptest.ResponseRecorder,
// with the zero [Options]: every preset format and the built-in codes.
// See [Options.Expect].
func Expect(t testing.TB, r any) *Response {
	t.Helper()
	return Options{}.Expect(t, r)
}

// Expect reads r, an *http.Response (whose body it reads, at most 1 MiB,
// and closes) or an *httptest.ResponseRecorder (whose Result it reads),
// and returns the checks of the error it carries.
//
// Expect itself fails the test, and every check on the result does nothing
// more, when r is of another type or nil, when the options are invalid
// (the [envelope.NewParser] error is reported), when the status is not an
// error status (400–599), or when the body is not an error envelope of
// one of the formats. The body of the response to a HEAD request (known
// from resp.Request) may be empty: checks that need a body then fail,
// and Status and Header work. Expect also reports, without stopping the
// checks, a Content-Type that is not the media type of one of the formats.
func (o Options) Expect(t testing.TB, r any) *Response {
	t.Helper()
	res := &Response{t: t}
	var resp *http.Response
	var recorded []byte // a recorder's body, which its Result gives out only once
	switch x := r.(type) {
	case *http.Response:
		resp = x
	case *httptest.ResponseRecorder:
		if x != nil {
			resp = x.Result()
			if x.Body != nil {
				recorded = x.Body.Bytes()
			}
		}
	default:
		res.fail("envelopetest: Expect needs an *http.Response or an *httptest.ResponseRecorder, not %T", r)
		return res
	}
	if resp == nil {
		res.fail("envelopetest: Expect was given a nil %T", r)
		return res
	}
	p, err := envelope.NewParser(envelope.ParserOptions{Formats: o.Formats, Codes: o.Codes})
	if err != nil {
		res.fail("envelopetest: invalid Options: %v", err)
		return res
	}
	res.status, res.header = resp.StatusCode, resp.Header
	if res.header == nil {
		res.header = http.Header{}
	}
	res.head = resp.Request != nil && resp.Request.Method == http.MethodHead
	if recorded != nil {
		res.body = recorded
	} else if resp.Body != nil {
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
		_ = resp.Body.Close()
		res.body = body
		if err != nil {
			res.fail("envelopetest: reading the body: %v", err)
			return res
		}
		if len(body) > maxBody {
			res.fail("envelopetest: the body is longer than %d bytes", maxBody)
			return res
		}
	}
	res.idHeaders = idHeaders(o.Formats)
	if res.status < 400 || res.status > 599 {
		res.fail("envelopetest: status %s is not an error status", statusText(res.status))
		return res
	}
	res.err = p.Parse(res.status, res.header, res.body)
	if cause := res.err.Unwrap(); cause != nil { // the parser found no envelope
		if res.head && len(res.body) == 0 {
			res.noBody = true
		} else {
			res.fail("envelopetest: the body is not an error envelope of the expected formats (%s)", strings.TrimPrefix(cause.Error(), "envelope: "))
			return res
		}
	}
	if mt := mediaType(res.header.Get("Content-Type")); !slices.Contains(mediaTypes(o.Formats), mt) {
		res.errorf("envelopetest: Content-Type is %q, want the media type of a format: %s", res.header.Get("Content-Type"), strings.Join(mediaTypes(o.Formats), " or "))
	}
	return res
}

// Response is the error response under test, with the error read from it.
// Each check reports a mismatch with t.Errorf and returns the Response, so
// that checks chain; a Response on which Expect failed already checks
// nothing more. A Response is meant for the goroutine of its test, like
// the testing.TB it reports to.
type Response struct {
	t         testing.TB
	status    int
	header    http.Header
	body      []byte
	err       *envelope.APIError
	idHeaders []string
	head      bool // the response to a HEAD request
	noBody    bool // a HEAD response without a body: nothing to read
	broken    bool // Expect failed; check nothing more
}

// Err returns the error read from the response, for checks this package
// does not make (details, extensions, errors.Is against a sentinel); nil
// when Expect failed.
func (r *Response) Err() *envelope.APIError {
	if r.broken {
		return nil
	}
	return r.err
}

// Body returns the response body as read.
func (r *Response) Body() []byte { return r.body }

// Status checks the response's status code.
func (r *Response) Status(want int) *Response {
	r.t.Helper()
	if r.broken {
		return r
	}
	if r.status != want {
		r.errorf("envelopetest: status is %s, want %s", statusText(r.status), statusText(want))
	}
	return r
}

// Code checks the error's code, in its Go spelling: the code as declared,
// whatever the format's wire spelling (NOT_FOUND, ERROR_CODE_NOT_FOUND,
// ...).
func (r *Response) Code(want envelope.Code) *Response {
	r.t.Helper()
	if !r.readable("code") {
		return r
	}
	if got := r.err.Code(); got != want {
		r.errorf("envelopetest: code is %q, want %q", got, want)
	}
	return r
}

// Message checks the error's public message, as the client reads it.
func (r *Response) Message(want string) *Response {
	r.t.Helper()
	if !r.readable("message") {
		return r
	}
	if got := r.err.Message(); got != want {
		r.errorf("envelopetest: message is %q, want %q", got, want)
	}
	return r
}

// Field checks that the error has a field error for path, in the syntax of
// [envelope.FieldError.Field] (items[2].sku, labels[a.b]; paths read from
// JSON Pointers are given back in it), and, when messages are given, that
// each of them is among the messages of that path. A format that joins the
// messages of a path into one (the flat format's "must be set; is taken")
// is read as its parts.
func (r *Response) Field(path string, messages ...string) *Response {
	r.t.Helper()
	if !r.readable("field " + path) {
		return r
	}
	var have []string
	found := false
	for _, f := range r.err.Fields() {
		if f.Field == path {
			found = true
			have = append(have, f.Message)
		}
	}
	if !found {
		r.errorf("envelopetest: no field error for %q; fields: %s", path, fieldPaths(r.err.Fields()))
		return r
	}
	for _, m := range messages {
		if !hasMessage(have, m) {
			r.errorf("envelopetest: field %q has message %s, want %q", path, quoteAll(have), m)
		}
	}
	return r
}

// hasMessage reports whether m is one of have, or one of the messages a
// format joined into one of have with "; " (see [envelope.FlatFormat]).
func hasMessage(have []string, m string) bool {
	for _, h := range have {
		if h == m || slices.Contains(strings.Split(h, "; "), m) {
			return true
		}
	}
	return false
}

// Fields checks that the error's field errors are for exactly these paths,
// in any order (a path with several messages counts once). With no paths
// it checks that the error has no field errors.
func (r *Response) Fields(paths ...string) *Response {
	r.t.Helper()
	if !r.readable("fields") {
		return r
	}
	got := distinctPaths(r.err.Fields())
	want := slices.Clone(paths)
	slices.Sort(want)
	want = slices.Compact(want)
	if !slices.Equal(got, want) {
		r.errorf("envelopetest: fields are %s, want %s", quoteAll(got), quoteAll(want))
	}
	return r
}

// RequestID checks the request ID: the one in the body, and the one in the
// request ID header of the formats where the response has that header (see
// [envelope.Format.RequestIDHeader]). A format that carries the ID only in
// the header is checked there.
func (r *Response) RequestID(want string) *Response {
	r.t.Helper()
	if r.broken {
		return r
	}
	if !r.noBody {
		if got := r.err.RequestID(); got != want {
			r.errorf("envelopetest: request ID is %q, want %q", got, want)
			return r
		}
	}
	r.checkIDHeaders(want)
	return r
}

// HasRequestID checks that the response carries a request ID: one that
// [envelope.ValidRequestID] accepts, the same in the body and in the
// request ID header of the formats, where the response has them. Use it
// when the server generates the ID.
func (r *Response) HasRequestID() *Response {
	r.t.Helper()
	if r.broken {
		return r
	}
	id := ""
	if !r.noBody {
		id = r.err.RequestID()
	}
	if id == "" {
		for _, h := range r.idHeaders {
			if v := r.header.Get(h); v != "" {
				id = v
				break
			}
		}
	}
	if !envelope.ValidRequestID(id) {
		r.errorf("envelopetest: request ID is %q, want a valid request ID", id)
		return r
	}
	r.checkIDHeaders(id)
	return r
}

func (r *Response) checkIDHeaders(want string) {
	r.t.Helper()
	for _, h := range r.idHeaders {
		if vs := r.header.Values(h); len(vs) > 0 && (len(vs) != 1 || vs[0] != want) {
			r.errorf("envelopetest: %s header is %s, want %q", h, quoteAll(vs), want)
		}
	}
}

// Header checks a response header: its values, joined with ", " as a list
// header's lines combine (RFC 9110 §5.3), must equal want. Use [NoHeader]
// to check that a header is absent.
//
// [NoHeader]: Response.NoHeader
func (r *Response) Header(key, want string) *Response {
	r.t.Helper()
	if r.broken {
		return r
	}
	vs := r.header.Values(key)
	if vs == nil {
		r.errorf("envelopetest: no %s header, want %q", http.CanonicalHeaderKey(key), want)
		return r
	}
	if got := strings.Join(vs, ", "); got != want {
		r.errorf("envelopetest: %s header is %q, want %q", http.CanonicalHeaderKey(key), got, want)
	}
	return r
}

// NoHeader checks that the response has no header key, such as a
// Set-Cookie that a failed request must not carry.
func (r *Response) NoHeader(key string) *Response {
	r.t.Helper()
	if r.broken {
		return r
	}
	if vs := r.header.Values(key); vs != nil {
		r.errorf("envelopetest: %s header is %s, want none", http.CanonicalHeaderKey(key), quoteAll(vs))
	}
	return r
}

// readable reports whether checks of the body can run, reporting why not.
func (r *Response) readable(what string) bool {
	r.t.Helper()
	if r.broken {
		return false
	}
	if r.noBody {
		r.errorf("envelopetest: cannot check the %s: the response to a HEAD request has no body", what)
		return false
	}
	return true
}

// fail reports a failure of Expect and stops the checks.
func (r *Response) fail(format string, args ...any) {
	r.t.Helper()
	r.broken = true
	r.errorf(format, args...)
}

// errorf reports one failed check with the response it was made on.
func (r *Response) errorf(format string, args ...any) {
	r.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, format, args...)
	if r.header != nil {
		fmt.Fprintf(&b, "\n    response: %s", statusText(r.status))
		if ct := r.header.Get("Content-Type"); ct != "" {
			fmt.Fprintf(&b, ", Content-Type: %s", ct)
		}
		fmt.Fprintf(&b, "\n    body:     %s", showBody(r.body))
	}
	if r.err != nil && !r.broken {
		fmt.Fprintf(&b, "\n    parsed:   %s", describe(r.err))
	}
	r.t.Errorf("%s", b.String())
}

// describe sums up a parsed error in one line.
func describe(e *envelope.APIError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "code=%s status=%d message=%q", short(string(e.Code())), e.Status(), short(e.Message()))
	if fs := e.Fields(); len(fs) > 0 {
		b.WriteString(" fields=[")
		for i, f := range fs {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s: %q", short(f.Field), short(f.Message))
			if f.Code != "" {
				fmt.Fprintf(&b, " (%s)", short(f.Code))
			}
		}
		b.WriteString("]")
	}
	if id := e.RequestID(); id != "" {
		fmt.Fprintf(&b, " requestId=%q", id)
	}
	return b.String()
}

// short cuts a value read from a body for the parsed line, whose body is
// shown in full above it.
func short(s string) string {
	const n = 200
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// showBody quotes a body for a failure message: as it is when it is short,
// printable UTF-8 on one line, else Go-quoted; cut at maxShownBody bytes.
func showBody(body []byte) string {
	if len(body) == 0 {
		return "(empty)"
	}
	s, cut := string(body), ""
	if len(s) > maxShownBody {
		n := maxShownBody
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s, cut = s[:n], fmt.Sprintf(" … (%d bytes in all)", len(body))
	}
	s = strings.TrimRight(s, "\r\n")
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(c rune) bool { return c < 0x20 && c != '\t' || c == 0x7f }) {
		s = fmt.Sprintf("%q", s)
	}
	return s + cut
}

func statusText(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprint(code)
}

// idHeaders returns the request ID headers of fs (Presets when nil).
func idHeaders(fs []envelope.Format) []string {
	if fs == nil {
		fs = envelope.Presets()
	}
	var hs []string
	for _, f := range fs {
		h := f.RequestIDHeader
		switch h {
		case "-":
			continue
		case "":
			h = "X-Request-Id"
		}
		h = http.CanonicalHeaderKey(h)
		if !slices.Contains(hs, h) {
			hs = append(hs, h)
		}
	}
	return hs
}

// mediaTypes returns the media types of fs (Presets when nil), without
// parameters, lowercase.
func mediaTypes(fs []envelope.Format) []string {
	if fs == nil {
		fs = envelope.Presets()
	}
	var mts []string
	for _, f := range fs {
		mt := f.MediaType
		if mt == "" {
			mt = "application/json"
		}
		mt = mediaType(mt)
		if !slices.Contains(mts, mt) {
			mts = append(mts, mt)
		}
	}
	return mts
}

func mediaType(v string) string {
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(v))
	}
	return mt
}

func distinctPaths(fs []envelope.FieldError) []string {
	var ps []string
	for _, f := range fs {
		ps = append(ps, f.Field)
	}
	slices.Sort(ps)
	return slices.Compact(ps)
}

func fieldPaths(fs []envelope.FieldError) string {
	if len(fs) == 0 {
		return "none"
	}
	return quoteAll(distinctPaths(fs))
}

func quoteAll(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
