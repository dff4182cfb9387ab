package envelope

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// WriterOptions configures a [Writer]. The zero value is valid: the flat
// format, the built-in codes, [slog.Default], English messages and every
// rate-limit header.
type WriterOptions struct {
	// Format is the wire shape of error bodies. The zero Format means
	// [FlatFormat].
	Format Format

	// Alternates are formats a request may choose by content negotiation:
	// a request whose Accept header prefers an alternate's media type over
	// Format's (RFC 9110 §12.5.1) gets that alternate, such as
	// [ProblemFormat] for "Accept: application/problem+json". Each must
	// have a media type distinct from Format's and from the others'. When
	// there are alternates, every error response carries "Vary: Accept".
	Alternates []Format

	// Codes is the table of codes the API uses: the built-in codes and its
	// own (see [NewCodes]). Nil means the built-in codes only. A format's
	// spellings are checked against it: two codes spelled alike without a
	// Primary, or a FormatCode for a code the table does not know, are
	// refused when the writer is built.
	Codes *Codes

	// Logger receives one record per error response: at Error level for
	// 5xx responses and for errors that are not [*APIError] (with their
	// text, which never reaches the client), at Debug level for other 4xx;
	// and, from the [Middleware] that uses this writer, one per recovered
	// panic. Nil means [slog.Default] at the time of logging.
	Logger *slog.Logger

	// Localizer, when set, picks public messages in the language the
	// request's Accept-Language asks for, and makes the writer set
	// Content-Language and add Accept-Language to Vary (see [Localizer]).
	// Nil means the built-in English messages.
	Localizer *Localizer

	// RateLimit configures the rate-limit headers the writer sets (see
	// [RateLimitOptions] and [Writer.SetRateLimit]).
	RateLimit RateLimitOptions

	// Prepare, when set, runs before every error is rendered, library-made
	// errors included (a malformed body, a 404 from the router, a 413, the
	// 500 of a panic), and returns the error to render in its place, or
	// nil to keep it. It may collapse one error into another (a forbidden
	// resource of another tenant rendered exactly like a missing one),
	// add members computed per request ([APIError.WithExtension]) or
	// headers. It must be safe for concurrent use. A Prepare that panics
	// is logged, and the response is a generic 500.
	Prepare func(r *http.Request, e *APIError) *APIError

	// OnError are called, in order, after each error response is written,
	// with the request, the status sent and the error as rendered (its
	// cause included, for reporting), for metrics, tracing or error
	// reporting. Each must be safe for concurrent use; one that panics is
	// logged and the others still run.
	OnError []func(r *http.Request, status int, e *APIError)
}

// Writer renders errors as responses in one [Format], or in one of its
// alternates. Build it once with [NewWriter]; it is immutable and safe for
// concurrent use. Give it to [Middleware], so that the package-level
// [Write] in handlers renders with it.
type Writer struct {
	format     *compiledFormat
	alternates []*compiledFormat // chosen by Accept; see pick
	codes      *Codes
	logger     *slog.Logger
	localizer  *Localizer
	localized  bool // a Localizer was configured
	rateLimit  *rateLimiter
	prepare    func(*http.Request, *APIError) *APIError
	onError    []func(*http.Request, int, *APIError)
}

// NewWriter validates opts and returns a writer. It fails, saying why, when
// a format is invalid or clashes with the codes (see [Format] and
// [FormatCode]), an alternate's media type is taken, or the rate-limit
// options are invalid.
func NewWriter(opts WriterOptions) (*Writer, error) {
	f := opts.Format
	if f.isZero() {
		f = FlatFormat()
	}
	cf, err := compileFormat(f, opts.Codes)
	if err != nil {
		return nil, err
	}
	alts, err := compileAlternates(cf, opts.Alternates, opts.Codes)
	if err != nil {
		return nil, err
	}
	rl, err := newRateLimiter(opts.RateLimit)
	if err != nil {
		return nil, err
	}
	ew := &Writer{
		format: cf, alternates: alts, codes: opts.Codes.or(), logger: opts.Logger,
		localizer: opts.Localizer, localized: opts.Localizer != nil, rateLimit: rl,
		prepare: opts.Prepare, onError: slices.Clone(opts.OnError),
	}
	if ew.localizer == nil {
		ew.localizer = defaultLocalizer()
	}
	return ew, nil
}

// defaultWriter renders for requests that carry no writer; built on first
// use, so that importing the package does no work.
var defaultWriter = sync.OnceValue(func() *Writer {
	ew, err := NewWriter(WriterOptions{})
	if err != nil {
		panic(err) // the zero options are covered by tests
	}
	return ew
})

// Write renders err as an error response with the [Writer] that the
// [Middleware] placed in r's context (see [Writer.Write]). Outside the
// middleware it renders with the default writer (the flat format) and logs
// a warning, since a handler that is not behind the middleware has no
// request ID and was probably meant to use another writer: wrap the handler
// in the middleware, or call the Writer's own Write.
func Write(w http.ResponseWriter, r *http.Request, err error) {
	st := stateOf(r)
	if st != nil && st.writer != nil {
		st.writer.write(w, r, st, err)
		return
	}
	ew := defaultWriter()
	ew.log(r, slog.LevelWarn, "envelope: Write found no Writer in the request context (the request did not pass through envelope.Middleware); rendering with the default writer", nil, nil, 0)
	ew.write(w, r, st, err)
}

// Write renders err as an error response.
//
// It finds the [*APIError] anywhere in err's chain ([fmt.Errorf] %w,
// [errors.Join]: the first one found wins) and renders it without
// modifying it. Errors of the standard library map to codes:
// [*http.MaxBytesError] to payload_too_large (413), [context.DeadlineExceeded]
// to timeout (504), [context.Canceled] to canceled (499), JSON decoding
// errors to invalid_request (400) naming the field when known. Any other
// error, a nil error and a typed-nil [*APIError] render as a 500 internal
// error with a fixed generic message; their text is logged with the
// request ID, never sent. [WriterOptions.Prepare] runs before the render.
//
// Headers: Write sets Content-Type (the format's media type),
// X-Content-Type-Options: nosniff, Cache-Control: no-store (error
// responses are not to be cached or stored, per OWASP), the request ID
// header when there is an ID, and the error's own headers, except those
// that are not an error's to set (see [APIError.WithHeader]); a 401 whose
// error carries no WWW-Authenticate gets the format's challenge. An error
// carrying rate-limit state gets the rate-limit headers and, on a 429 or
// 503, Retry-After. With alternates, Vary gains Accept; with a Localizer,
// Accept-Language, and Content-Language names the language of the
// catalog's text. It deletes headers that described the body the handler
// meant to send (Content-Length, ETag, Last-Modified, Content-Range, ...),
// keeping Content-Encoding. A status outside 400–599 renders as 500, never
// a panic. For HEAD requests the headers are the same and no body is
// written (RFC 9110 §9.3.2).
//
// When the response has already started (as the middleware can tell), Write
// writes nothing and logs, rather than corrupting the response. When writing
// the body fails (the client went away, the writer failed), Write logs it at
// Warn level, so a cut-short response is never silent.
//
// The body is always valid JSON and valid UTF-8, with '<', '>' and '&'
// escaped. Details or extensions that cannot be marshalled, or that nest
// arrays and objects more than 256 levels deep (past what many JSON parsers
// read), are left out (and logged) rather than producing a broken body.
func (ew *Writer) Write(w http.ResponseWriter, r *http.Request, err error) {
	ew.write(w, r, stateOf(r), err)
}

// Render does what [Writer.Write] does, hooks and logging included, but
// instead of writing a response it sets the response headers in h and
// returns the status and the body (a fresh slice; the body of a HEAD
// response too), for a framework that writes responses its own way. A nil
// h is allowed.
func (ew *Writer) Render(h http.Header, r *http.Request, err error) (status int, body []byte) {
	if h == nil {
		h = http.Header{}
	}
	var rs errResponse
	ew.begin(&rs, r, stateOf(r), err)
	buf := getBuffer()
	out, merr := ew.renderBody(&rs, (*buf)[:0])
	body = slices.Clone(out)
	*buf = out[:0]
	putBuffer(buf)
	ew.headers(h, &rs)
	ew.finish(&rs, merr)
	return rs.status, body
}

// Formats returns the writer's formats: its main format (FlatFormat when
// none was given), then its alternates, as given to [NewWriter]. They are
// copies: changing them does not change the writer. A framework adapter
// uses them to document the error responses (see [Format.Schema]).
func (ew *Writer) Formats() []Format {
	fs := make([]Format, 0, 1+len(ew.alternates))
	fs = append(fs, ew.format.src.clone())
	for _, cf := range ew.alternates {
		fs = append(fs, cf.src.clone())
	}
	return fs
}

// RequestIDHeader returns the header the writer's main format carries the
// request ID in, in canonical form ("X-Request-Id" by default), or "" when
// the format sends none ([Format.RequestIDHeader] "-"). The middleware
// reads incoming IDs from the same header; an adapter that sets request
// IDs inside a framework should use it too.
func (ew *Writer) RequestIDHeader() string {
	return ew.format.idHeader
}

// SetRateLimit writes the rate-limit headers for buckets into h, replacing
// (never adding to) any earlier value of each header it writes, so that
// middleware that runs twice cannot duplicate them. Call it before
// WriteHeader, on any response: a success, a 304, or a refusal. (For an
// error response, give the buckets to the error with
// [APIError.WithRateLimit] instead.)
//
// It sets, unless omitted (see [RateLimitOptions]): X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Reset for the most restrictive
// bucket (a denying one if any, else the one with the least remaining,
// ties going to the later reset, then the first given); RateLimit-Policy
// and RateLimit listing every bucket in the order given; and, when a
// bucket is Denied, Retry-After no earlier than the latest RetryAt (or
// Reset) of the denying buckets, rounded up, at least one second, at most
// the configured cap. With no bucket it writes nothing. It never panics.
func (ew *Writer) SetRateLimit(h http.Header, buckets ...Bucket) {
	ew.rateLimit.set(h, ew.rateLimit.now(), buckets, 0, retryIfDenied)
}

// errResponse is the state of one error on its way to the wire, built step by
// step: resolve, prepare, choose the format, localize, render, set headers,
// log.
type errResponse struct {
	r          *http.Request
	st         *requestState
	orig       error     // what the handler returned
	e          *APIError // what is rendered
	unexpected bool      // orig is not an error the server described
	cf         *compiledFormat
	status     int
	loc        localized
	in         renderInput
}

// write renders err on w: the write path, top down.
func (ew *Writer) write(w http.ResponseWriter, r *http.Request, st *requestState, err error) {
	if responseStarted(w) {
		e, _ := resolve(err)
		ew.log(r, slog.LevelError, "envelope: error after the response started; nothing written", e, err, 0)
		return
	}
	var rs errResponse
	ew.begin(&rs, r, st, err)
	buf := getBuffer()
	body, merr := ew.renderBody(&rs, (*buf)[:0])
	ew.headers(w.Header(), &rs)
	if rs.status == http.StatusRequestEntityTooLarge {
		// A 413 refuses the body: it is not going to be read, so net/http
		// must neither wait for it nor reuse the connection.
		refuseBody(w, r)
	}
	w.WriteHeader(rs.status)
	if r == nil || r.Method != http.MethodHead {
		if _, werr := w.Write(body); werr != nil {
			// Most often the client went away; the record says the
			// response was cut short, rather than nothing at all.
			ew.logFor(&rs, slog.LevelWarn, "envelope: error body not fully written", werr)
		}
	}
	*buf = body[:0]
	putBuffer(buf)
	ew.finish(&rs, merr)
}

// begin runs the steps before the render: resolve the error, let Prepare
// change it, choose the format, the status and the language.
func (ew *Writer) begin(rs *errResponse, r *http.Request, st *requestState, err error) {
	rs.r, rs.st, rs.orig = r, st, err
	rs.e, rs.unexpected = resolve(err)
	if ew.prepare != nil {
		rs.e = ew.callPrepare(rs)
	}
	rs.cf = ew.pick(r)
	var entry *codeEntry
	rs.status, entry = rs.cf.statusEntry(rs.e)
	var accept []string
	if r != nil {
		accept = r.Header["Accept-Language"]
	}
	rs.loc = ew.localizer.localize(accept, rs.e, rs.status, entry.message)
	rs.in = renderInput{
		e: rs.e, entry: entry, status: rs.status, message: rs.loc.message,
		fields: rs.loc.fields, details: true, extensions: rs.e.extensions,
	}
	if st != nil {
		rs.in.requestID = st.id
	}
	if rs.cf.t.uses[slotTitle] {
		rs.in.title = ew.title(rs, accept)
	}
	if rs.cf.t.uses[slotInstance] && r != nil && r.URL != nil {
		rs.in.instance = instancePath(r.URL.EscapedPath())
	}
	if rs.status == http.StatusTooManyRequests && rs.cf.usesTypeAttr() {
		annotateQuota(&rs.in)
	}
}

// callPrepare runs the Prepare hook, recovering a panic as a generic 500.
func (ew *Writer) callPrepare(rs *errResponse) (out *APIError) {
	defer func() {
		if p := recover(); p != nil {
			ew.log(rs.r, slog.LevelError, "envelope: Prepare panicked; rendering a generic 500", rs.e, fmt.Errorf("panic: %s", safePanicText(p)), 0)
			out = errInternal
		}
	}()
	if e := ew.prepare(rs.r, rs.e); e != nil {
		return e
	}
	return rs.e
}

// title returns the {{title}} of the error (see [Format.Body]).
func (ew *Writer) title(rs *errResponse, accept []string) string {
	ent := rs.in.entry
	if t := ent.attrs["title"]; t != "" {
		return t
	}
	if ent.attrs["type"] == "" {
		return reasonPhrase(rs.status) // about:blank (RFC 9457 §4.2.1)
	}
	if m := ew.localizer.codeMessage(accept, ent.code); m != "" {
		return m
	}
	if ent.message != "" {
		return ent.message
	}
	return defaultMessage(CodeForStatus(rs.status))
}

// reasonPhrase returns a short summary of status, never "": the reason
// phrase RFC 9110 §15 gives it, "Client Closed Request" for the 499 of
// canceled requests (the phrase the status is known by; net/http does not
// name it), and otherwise the name of its class, "Client Error" or "Server
// Error" (RFC 9110 §15.5, §15.6). It is the title of an about:blank
// problem, which RFC 9457 §4.2.1 wants to be the status's phrase.
func reasonPhrase(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	switch {
	case status == 499:
		return "Client Closed Request"
	case status >= 500:
		return "Server Error"
	}
	return "Client Error"
}

// instancePath returns the escaped request path as a problem instance, a
// URI reference a client may dereference (RFC 9457 §3.1.5), so it must
// resolve on the API's own host. A path that starts with "//" (routers
// that do not clean paths pass "//evil.example/x" through) would be a
// network-path reference to another host (RFC 3986 §4.2); it gets the
// prefix "/.", as the WHATWG URL serializer does, which resolves to the
// same path on the same host (RFC 3986 §5.2.4). The path is the escaped
// one, so a backslash, which browsers read as a slash, is sent as %5C.
func instancePath(p string) string {
	if strings.HasPrefix(p, "//") {
		return "/." + p
	}
	return p
}

// renderBody renders rs's body into dst; details and extensions that fail
// to marshal are left out, and the marshalling error is returned.
func (ew *Writer) renderBody(rs *errResponse, dst []byte) ([]byte, error) {
	body, err := rs.cf.render(dst, &rs.in)
	if err != nil {
		rs.in.details = false
		body, _ = rs.cf.render(dst[:0], &rs.in)
	}
	return body, err
}

// finish logs the error (and a marshalling error of its details) and calls
// the OnError hooks.
func (ew *Writer) finish(rs *errResponse, marshalErr error) {
	if marshalErr != nil {
		ew.logFor(rs, slog.LevelError, "envelope: details or extension did not marshal; left out", marshalErr)
	}
	switch {
	case rs.unexpected:
		ew.logFor(rs, slog.LevelError, "envelope: unexpected error", rs.orig)
	case rs.status >= 500:
		ew.logFor(rs, slog.LevelError, "envelope: server error", rs.e.cause)
	default:
		ew.logFor(rs, slog.LevelDebug, "envelope: client error", rs.e.cause)
	}
	for _, f := range ew.onError {
		ew.callOnError(rs, f)
	}
}

func (ew *Writer) callOnError(rs *errResponse, f func(*http.Request, int, *APIError)) {
	defer func() {
		if p := recover(); p != nil {
			ew.logFor(rs, slog.LevelError, "envelope: OnError panicked", fmt.Errorf("panic: %s", safePanicText(p)))
		}
	}()
	f(rs.r, rs.status, rs.e)
}

// pick returns the format for r: the first of the writer's formats whose
// media type the request's Accept header prefers strictly over the main
// format's, or the main format. Without alternates it is the main format.
func (ew *Writer) pick(r *http.Request) *compiledFormat {
	if len(ew.alternates) == 0 || r == nil {
		return ew.format
	}
	accept := r.Header.Values("Accept")
	if len(accept) == 0 {
		return ew.format
	}
	best, bestQ := ew.format, acceptQuality(accept, ew.format.mediaType)
	for _, cf := range ew.alternates {
		if q := acceptQuality(accept, cf.mediaType); q > bestQ {
			best, bestQ = cf, q
		}
	}
	return best
}

// compileAlternates compiles the negotiable formats of a writer.
func compileAlternates(main *compiledFormat, fs []Format, codes *Codes) ([]*compiledFormat, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	seen := map[string]bool{mediaTypeBase(main.mediaType): true}
	out := make([]*compiledFormat, 0, len(fs))
	for i, f := range fs {
		cf, err := compileFormat(f, codes)
		if err != nil {
			return nil, err // it names the format
		}
		mt := mediaTypeBase(cf.mediaType)
		if seen[mt] {
			return nil, fmt.Errorf("envelope: format %s (alternate %d): media type %s is already taken", cf.name, i, mt)
		}
		seen[mt] = true
		out = append(out, cf)
	}
	return out, nil
}

// headers runs the header step for rs and logs the error headers it left
// out.
func (ew *Writer) headers(h http.Header, rs *errResponse) {
	arr := headerValues(rs.st, rs.cf.mediaType, rs.in.requestID)
	p := headerPolicy{localized: ew.localized, negotiated: len(ew.alternates) > 0, rateLimit: ew.rateLimit}
	for _, k := range setHeaders(h, p, rs.cf, &rs.in, rs.loc.language, arr) {
		ew.logFor(rs, slog.LevelWarn, "envelope: error header left out (invalid, or not an error's to set)", headerError(k))
	}
}

// log writes one record through the writer's logger.
func (ew *Writer) log(r *http.Request, level slog.Level, msg string, e *APIError, cause error, status int) {
	id := ""
	if st := stateOf(r); st != nil {
		id = st.id
	}
	logRecord(ew.logger, r, id, level, msg, e, cause, status)
}

// logFor writes one record about the response rs, once begin has run:
// its request, error, status and request ID are known, so the context is
// not searched again.
func (ew *Writer) logFor(rs *errResponse, level slog.Level, msg string, cause error) {
	logRecord(ew.logger, rs.r, rs.in.requestID, level, msg, rs.e, cause, rs.status)
}

// ctxKey is the unexported context key for the per-request state; no other
// package can read or overwrite it.
type ctxKey struct{}

// requestState is what the middleware attaches to a request: one context
// value (one allocation) for everything this package needs later.
type requestState struct {
	id     string
	writer *Writer
	// values holds the header values a writer sets (see headerValues),
	// part of this request's one allocation; fill it with fill.
	values headerArray
}

func stateFrom(ctx context.Context) *requestState {
	if ctx == nil {
		return nil
	}
	st, _ := ctx.Value(ctxKey{}).(*requestState)
	return st
}

// stateOf returns the state r's context carries, or nil.
func stateOf(r *http.Request) *requestState {
	if r == nil {
		return nil
	}
	return stateFrom(r.Context())
}

// fill records in st the values a writer will set for st's ID and writer.
// Call it once st.id and st.writer are set, before the state is shared.
func (st *requestState) fill() {
	ew := st.writer
	if ew == nil {
		ew = defaultWriter()
	}
	st.values = headerArray{ew.format.mediaType, "nosniff", "no-store", st.id}
}

// headerValues returns the array for one response: the request's own when
// the middleware made it for this media type and ID (the common case, no
// allocation), else a new one. The array is never shared between requests:
// a handler that changes a header value in place (as in
// h["Cache-Control"][0] = "...") changes only its own response.
func headerValues(st *requestState, mediaType, id string) *headerArray {
	if st != nil && st.values[slotNosniff] != "" && st.values[slotContentType] == mediaType && st.values[slotRequestIDHeader] == id {
		return &st.values
	}
	return &headerArray{mediaType, "nosniff", "no-store", id}
}
