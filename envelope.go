package envelope

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
)

// Config configures an [ErrorWriter]. The zero Config is valid and means the
// flat format, [slog.Default] and a "Bearer" challenge.
type Config struct {
	// Format is the wire shape of error bodies. Nil means [FlatFormat].
	Format *Format
	// Logger receives one record per error response: at Error level for
	// 5xx responses and for errors that are not [*APIError] (with their
	// text, which never reaches the client), at Debug level for other 4xx.
	// Nil means [slog.Default] at the time of logging.
	Logger *slog.Logger
	// Challenge is the WWW-Authenticate value sent with a 401 that has none
	// (RFC 9110 §15.5.2 requires one). Empty means "Bearer".
	Challenge string
	// OnError, when set, is called after each error response is written,
	// with the status sent and the error as rendered, for metrics or error
	// reporting. A panic in OnError is recovered and logged. It must be
	// safe for concurrent use.
	OnError func(r *http.Request, status int, e *APIError)
	// RateLimit writes the rate-limit headers of an error that carries
	// bucket state (see [RateLimitedBy], [APIError.WithRateLimit]). Nil
	// means one built from the zero [RateLimitConfig].
	RateLimit *RateLimitHeaders
	// Alternates are formats a request may choose by content negotiation:
	// a request whose Accept header prefers an alternate's media type over
	// Format's (RFC 9110 §12.5.1) gets that alternate, such as
	// [ProblemFormat] for "Accept: application/problem+json". Each must
	// have a media type distinct from Format's and from the others'. When
	// there are alternates, every error response carries "Vary: Accept".
	// Nil means no negotiation: every response uses Format.
	Alternates []Format
	// Localizer, when set, picks public messages in the language the
	// request's Accept-Language asks for, and makes Write set
	// Content-Language and add Accept-Language to Vary (see [Localizer]).
	// Nil means no localization, at no cost.
	Localizer *Localizer
}

// ErrorWriter renders errors as responses in one [Format]. Build it once
// with [NewErrorWriter]; it is safe for concurrent use.
type ErrorWriter struct {
	format    *compiledFormat
	logger    *slog.Logger
	challenge string
	onError   func(*http.Request, int, *APIError)
	rateLimit *RateLimitHeaders

	alternates []*compiledFormat // chosen by Accept; see pick
	localizer  *Localizer
}

// NewErrorWriter validates cfg and returns a writer. It fails when the
// format is invalid (see [Format.Validate]) or the challenge holds control
// characters.
func NewErrorWriter(cfg Config) (*ErrorWriter, error) {
	f := FlatFormat()
	if cfg.Format != nil {
		f = *cfg.Format
	}
	cf, err := compileFormat(f)
	if err != nil {
		return nil, err
	}
	ch := cfg.Challenge
	if ch == "" {
		ch = "Bearer"
	}
	if !validHeaderValue(ch) {
		return nil, fmt.Errorf("envelope: challenge %q holds control characters", ch)
	}
	alts, err := compileAlternates(cf, cfg.Alternates)
	if err != nil {
		return nil, err
	}
	return &ErrorWriter{format: cf, logger: cfg.Logger, challenge: ch, onError: cfg.OnError, rateLimit: cfg.RateLimit, alternates: alts, localizer: cfg.Localizer}, nil
}

// defaultWriter is built on first use: no init-time work.
var defaultWriter = sync.OnceValue(func() *ErrorWriter {
	ew, err := NewErrorWriter(Config{})
	if err != nil {
		panic(err) // the default configuration is covered by tests
	}
	return ew
})

// Write renders err as an error response with the [ErrorWriter] that the
// middleware placed in r's context, or else the default writer (flat format,
// [slog.Default]). See [ErrorWriter.Write].
func Write(w http.ResponseWriter, r *http.Request, err error) {
	ctx := context.Background()
	if r != nil {
		ctx = r.Context()
	}
	// One context lookup serves both the writer and the request ID.
	st := stateFrom(ctx)
	ew := (*ErrorWriter)(nil)
	if st != nil {
		ew = st.writer
	}
	if ew == nil {
		ew = defaultWriter()
	}
	ew.write(ctx, w, r, st, err)
}

// writerFor returns the ErrorWriter the package-level Write uses for r.
func writerFor(r *http.Request) *ErrorWriter {
	if r != nil {
		if st := stateFrom(r.Context()); st != nil && st.writer != nil {
			return st.writer
		}
	}
	return defaultWriter()
}

// staleHeaders are response headers a handler may have set for the body it
// meant to send, which would be false for the error body. Content-Encoding
// is kept: compressing middleware sets it and wraps the writer
// (golang/go#66343).
var staleHeaders = [...]string{
	"Content-Length", "Content-Range", "Content-Disposition", "Content-Language",
	"Content-Location", "Etag", "Last-Modified", "Expires", "Accept-Ranges",
}

// Write renders err as an error response.
//
// It finds the [*APIError] anywhere in err's chain ([fmt.Errorf] %w,
// [errors.Join]) and renders it without modifying it. Errors of the standard
// library map to codes: [*http.MaxBytesError] to payload_too_large (413),
// [context.DeadlineExceeded] to timeout (504), [context.Canceled] to
// canceled (499), JSON decoding errors to invalid_request (400) naming the
// field when known. Any other error, a nil error and a typed-nil
// [*APIError] render as a 500 internal error with a fixed generic message;
// their text is logged with the request ID, never sent.
//
// Headers: Write sets Content-Type (the format's media type),
// X-Content-Type-Options: nosniff, Cache-Control: no-store (error
// responses are not to be cached or stored, per OWASP), the request ID
// header when there is an ID, and the error's own headers; a 401 without
// WWW-Authenticate gets the configured challenge. An error carrying
// rate-limit state gets the rate-limit headers and, on a 429 or 503,
// Retry-After, set by [Config.RateLimit] (see [RateLimitedBy]). With
// [Config.Alternates], Vary gains Accept. It deletes headers that described
// the body the handler meant to send (Content-Length, ETag, Last-Modified,
// Content-Range, ...), keeping Content-Encoding. A status outside 400–599
// renders as 500, never a panic. For HEAD requests the headers are the same
// and no body is written (RFC 9110 §9.3.2).
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
func (ew *ErrorWriter) Write(w http.ResponseWriter, r *http.Request, err error) {
	ctx := context.Background()
	if r != nil {
		ctx = r.Context()
	}
	ew.write(ctx, w, r, stateFrom(ctx), err)
}

// write is Write with the request's context and state already looked up.
func (ew *ErrorWriter) write(ctx context.Context, w http.ResponseWriter, r *http.Request, st *requestState, err error) {
	e, unexpected := resolve(err)
	if responseStarted(w) {
		ew.log(ctx, r, slog.LevelError, "envelope: error after the response started; nothing written", e, err, 0)
		return
	}
	cf := ew.pick(r)
	status := cf.status(e)
	id := ""
	if st != nil {
		id = st.id
	}
	if id == "" && e.requestID != "" && validRequestID(e.requestID) {
		id = e.requestID
	}
	msg, re, lang := "", e, []string(nil)
	if ew.localizer != nil {
		msg, re, lang = ew.localizer.localize(r, e)
	} else {
		msg = e.Message()
	}
	in := renderInput{status: status, message: msg, requestID: id, details: true}
	if r != nil && r.URL != nil && cf.rendersInstance() {
		in.instance = r.URL.EscapedPath()
	}
	buf := getBuffer()
	body, merr := cf.render((*buf)[:0], re, in)
	if merr != nil {
		in.details = false
		body, _ = cf.render(body[:0], re, in)
		ew.log(ctx, r, slog.LevelError, "envelope: details or extension did not marshal; left out", e, merr, status)
	}

	h := w.Header()
	deleteStaleHeaders(h)
	// One array holds every value this function sets: the request's own
	// (see headerValues), or else one allocation. Each header gets its own
	// full-capacity slice of it, so no two responses share a []string that
	// later code could modify in place.
	arr := headerValues(st, cf.mediaType, id, ew.challenge)[:]
	h["Content-Type"] = arr[0:1:1]
	h["X-Content-Type-Options"] = arr[1:2:2]
	h["Cache-Control"] = arr[2:3:3]
	if id != "" && cf.idHeader != "" {
		h[cf.idHeader] = arr[3:4:4]
	}
	if ew.localizer != nil {
		if len(lang) > 0 {
			arr[slotContentLanguage] = lang[0]
			h["Content-Language"] = arr[slotContentLanguage : slotContentLanguage+1 : slotContentLanguage+1]
		}
		addVary(h, "Accept-Language", arr[slotVary:slotVary+1:slotVary+1])
	}
	for _, f := range e.header {
		if !validHeaderName(f.key) || !validHeaderValue(f.value) {
			ew.log(ctx, r, slog.LevelWarn, "envelope: invalid error header left out", e, fmt.Errorf("header %q", f.key), status)
			continue
		}
		h[f.key] = []string{f.value}
	}
	ew.rateLimit.setErrorRateLimit(h, e, status)
	if len(ew.alternates) > 0 {
		addVary(h, "Accept", arr[slotVary:slotVary+1:slotVary+1])
	}
	if status == http.StatusUnauthorized && len(h["Www-Authenticate"]) == 0 {
		h["Www-Authenticate"] = arr[4:5:5]
	}
	w.WriteHeader(status)
	if r == nil || r.Method != http.MethodHead {
		if _, werr := w.Write(body); werr != nil {
			// Most often the client went away; the record says the
			// response was cut short, rather than nothing at all.
			ew.log(ctx, r, slog.LevelWarn, "envelope: error body not fully written", e, werr, status)
		}
	}
	*buf = body[:0]
	putBuffer(buf)

	switch {
	case unexpected:
		ew.log(ctx, r, slog.LevelError, "envelope: unexpected error", e, err, status)
	case status >= 500:
		ew.log(ctx, r, slog.LevelError, "envelope: server error", e, e.cause, status)
	default:
		ew.log(ctx, r, slog.LevelDebug, "envelope: client error", e, e.cause, status)
	}
	if ew.onError != nil {
		ew.callOnError(ctx, r, status, e)
	}
}

func (ew *ErrorWriter) callOnError(ctx context.Context, r *http.Request, status int, e *APIError) {
	defer func() {
		if p := recover(); p != nil {
			ew.log(ctx, r, slog.LevelError, "envelope: OnError panicked", e, fmt.Errorf("panic: %s", safePanicText(p)), status)
		}
	}()
	ew.onError(r, status, e)
}

// log writes one record. It is cheap when the level is disabled, and a
// logger or error that panics cannot take the request down with it.
func (ew *ErrorWriter) log(ctx context.Context, r *http.Request, level slog.Level, msg string, e *APIError, cause error, status int) {
	if _, ok := cause.(recoveredPanic); ok {
		return // the recover middleware logged the panic, with its stack
	}
	l := ew.logger
	if l == nil {
		l = slog.Default()
	}
	if !l.Enabled(ctx, level) {
		return
	}
	defer func() { _ = recover() }()
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("code", string(e.Code())))
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if id := RequestIDFrom(ctx); id != "" {
		attrs = append(attrs, slog.String("requestId", id))
	}
	if r != nil {
		// Both come from the client: escaped and capped as Recover does,
		// so no log handler can be fed a forged line or a huge value.
		attrs = append(attrs, slog.String("method", escapeLogText(r.Method, maxLoggedPathBytes)))
		if r.URL != nil {
			attrs = append(attrs, slog.String("path", escapeLogText(r.URL.Path, maxLoggedPathBytes)))
		}
	}
	if cause != nil {
		attrs = append(attrs, slog.String("error", safeErrorText(cause, maxLoggedBytes)))
	}
	l.LogAttrs(ctx, level, msg, attrs...)
}

// resolve turns any error into the *APIError to render. unexpected reports
// an error the server did not describe (not an *APIError nor a known
// standard error), whose text must be logged and never sent.
func resolve(err error) (e *APIError, unexpected bool) {
	if err == nil {
		return ErrInternal, true
	}
	if ae, found := findAPIError(err); found {
		if ae == nil {
			return ErrInternal, true
		}
		return ae, false
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return PayloadTooLarge(fmt.Sprintf("The request body must not exceed %d bytes.", mbe.Limit)).WithCause(err), false
	case errors.Is(err, context.DeadlineExceeded):
		return ErrTimeout.WithCause(err), false
	case errors.Is(err, context.Canceled):
		return ErrCanceled.WithCause(err), false
	}
	if je := fromJSONError(err); je != nil {
		return je, false
	}
	return ErrInternal, true
}

// findAPIError walks err's chain. found is true when an *APIError is in it,
// even a typed nil one.
func findAPIError(err error) (ae *APIError, found bool) {
	for depth := 0; err != nil && depth < 100; depth++ {
		switch x := err.(type) {
		case *APIError:
			return x, true
		case interface{ Unwrap() []error }:
			for _, sub := range x.Unwrap() {
				if ae, found := findAPIError(sub); found {
					return ae, true
				}
			}
			return nil, false
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		default:
			var target *APIError
			if errors.As(err, &target) {
				return target, true
			}
			return nil, false
		}
	}
	return nil, false
}

// responseStarted reports whether w, or a writer it wraps, is known to have
// sent its header already.
func responseStarted(w http.ResponseWriter) bool {
	for i := 0; i < 32 && w != nil; i++ {
		if s, ok := w.(interface{ envelopeStarted() bool }); ok {
			return s.envelopeStarted()
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
	return false
}

// validHeaderName reports whether s is an RFC 9110 §5.6.2 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenByte(s[i]) {
			return false
		}
	}
	return true
}

func isTokenByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// validHeaderValue reports whether s is a valid field value (RFC 9110
// §5.5): no control characters other than horizontal tab.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// safePanicText formats a recovered value, capped, surviving a value whose
// String or Error method itself panics.
func safePanicText(p any) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("<%T: formatting panicked>", p)
		}
	}()
	switch v := p.(type) {
	case error:
		return safeErrorText(v, maxLoggedBytes)
	case string:
		s = v
	case fmt.Stringer:
		s = v.String()
	default:
		s = fmt.Sprintf("%v", v)
	}
	if len(s) > maxLoggedBytes {
		s = truncateUTF8(s, maxLoggedBytes) + "…"
	}
	return s
}
