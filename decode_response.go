package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultMaxResponseBytes is the most of a response body a [Decoder] reads
// when DecoderConfig.MaxBytes is zero: 1 MiB.
const DefaultMaxResponseBytes = 1 << 20

// drainBytes is how much of an over-long body a Decoder reads and discards
// past its limit before closing, so that the connection can be reused
// after a slightly long body without reading an unbounded one.
const drainBytes = 64 << 10

// DecoderConfig configures a [Decoder]. The zero DecoderConfig recognizes
// every built-in format ([Presets]) and reads at most
// [DefaultMaxResponseBytes] of a body.
type DecoderConfig struct {
	// Formats are the formats to recognize, in order of preference when a
	// body fits several equally. Nil means [Presets]. With exactly one
	// format, every JSON object body is read in that format.
	Formats []Format
	// MaxBytes caps how much of a body is read. A longer body is not
	// parsed; its error is derived from the status. Zero means
	// [DefaultMaxResponseBytes]; a negative value is invalid.
	MaxBytes int64
}

// Decoder turns error responses of any supported format back into
// [*APIError] values, on the client side. Build it once with [NewDecoder];
// it is safe for concurrent use. The zero Decoder is not usable; the
// package-level [FromResponse] and [Decode] use a default one.
type Decoder struct {
	formats  []*decodeFormat
	maxBytes int64
}

// decodeFormat is a compiled format with what decoding needs on top.
type decodeFormat struct {
	*compiledFormat
	byName   map[string]*compiledMember
	wireCode map[string]Code // CodeNames reversed
	typed    bool            // has a media type of its own
}

// NewDecoder validates cfg and returns a decoder. It fails when a format is
// invalid (see [Format.Validate]) or MaxBytes is negative.
func NewDecoder(cfg DecoderConfig) (*Decoder, error) {
	fs := cfg.Formats
	if fs == nil {
		fs = Presets()
	}
	if len(fs) == 0 {
		return nil, errors.New("envelope: decoder has no formats")
	}
	if cfg.MaxBytes < 0 {
		return nil, fmt.Errorf("envelope: decoder MaxBytes %d is negative", cfg.MaxBytes)
	}
	d := &Decoder{maxBytes: cfg.MaxBytes}
	if d.maxBytes == 0 {
		d.maxBytes = DefaultMaxResponseBytes
	}
	for i, f := range fs {
		cf, err := compileFormat(f)
		if err != nil {
			return nil, fmt.Errorf("envelope: decoder format %d: %w", i, err)
		}
		df := &decodeFormat{
			compiledFormat: cf,
			byName:         make(map[string]*compiledMember, len(cf.members)),
			wireCode:       make(map[string]Code, len(cf.codeNames)),
			typed:          mediaTypeBase(cf.mediaType) != "application/json",
		}
		for j := range cf.members {
			df.byName[cf.members[j].Name] = &cf.members[j]
		}
		for c, w := range cf.codeNames {
			df.wireCode[w] = c
		}
		d.formats = append(d.formats, df)
	}
	return d, nil
}

var defaultDecoder = sync.OnceValue(func() *Decoder {
	d, err := NewDecoder(DecoderConfig{})
	if err != nil {
		panic(err) // the presets are covered by tests
	}
	return d
})

// FromResponse decodes resp with the default decoder (every built-in
// format, at most 1 MiB read). See [Decoder.FromResponse].
func FromResponse(resp *http.Response) *APIError {
	return defaultDecoder().FromResponse(resp)
}

// Decode decodes an error response that has already been read, with the
// default decoder. See [Decoder.Decode].
func Decode(status int, header http.Header, body []byte) *APIError {
	return defaultDecoder().Decode(status, header, body)
}

// FromResponse returns the error that resp carries, or nil when resp is nil
// or its status is 2xx (success is not an error).
//
// It takes ownership of resp.Body: it reads at most the configured limit,
// discards up to 64 KiB more so the connection can be reused, and closes
// it. A read failure or an over-long body still yields an error, derived
// from the status. See [Decoder.Decode] for what the error holds.
func (d *Decoder) FromResponse(resp *http.Response) *APIError {
	if resp == nil {
		return nil
	}
	var body []byte
	var readErr error
	if resp.Body != nil {
		body, readErr = io.ReadAll(io.LimitReader(resp.Body, d.maxBytes+1))
		_, _ = io.CopyN(io.Discard, resp.Body, drainBytes)
		_ = resp.Body.Close()
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	switch {
	case readErr != nil:
		return d.fallback(resp.StatusCode, resp.Header, fmt.Errorf("envelope: reading the %d response body: %w", resp.StatusCode, readErr))
	case int64(len(body)) > d.maxBytes:
		return d.fallback(resp.StatusCode, resp.Header, fmt.Errorf("envelope: %d response body exceeds %d bytes; not parsed", resp.StatusCode, d.maxBytes))
	}
	return d.Decode(resp.StatusCode, resp.Header, body)
}

// Decode returns the error that a response with this status, header and
// body carries, or nil for a 2xx status. It never panics and never returns
// nil for another status.
//
// The format is detected from the media type and the body's members, among
// the decoder's formats. Codes are mapped back to their Go spelling through
// the format's CodeNames, CodePrefix and CodeCase, so
// "ERROR_CODE_NOT_FOUND", "NOT_FOUND" and "not_found" all decode as
// [CodeNotFound], and "authentication_failed" in the nested format as
// [CodeUnauthorized]. A code the client does not know is kept as it is;
// [APIError.Category] gives the built-in code it falls under.
//
// The error holds the response's status (a status outside 400–599 decodes
// as bad_gateway, 502: the server answered with something no client
// expects from an error), message, field errors (also recovered from JSON
// Pointers), details as [encoding/json.RawMessage], the request ID (from
// the body, else the format's request ID header) and members the format
// does not define as extensions (their values as
// [encoding/json.RawMessage]). It keeps the headers a client acts on:
// Retry-After (an HTTP-date is turned into seconds, counted from the
// response's Date header when there is one; see [RetryAfterOf]), Allow,
// WWW-Authenticate, the rate-limit headers (RateLimit, RateLimit-Policy,
// X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset) and the
// request ID header, all available from [APIError.Header].
//
// A body that is not an error envelope (an HTML page from a proxy, an
// empty or truncated body, JSON of another shape) decodes as the built-in
// code for the status with its default message; the reason is the error's
// cause, for logs.
func (d *Decoder) Decode(status int, header http.Header, body []byte) *APIError {
	if status >= 200 && status <= 299 {
		return nil
	}
	if header == nil {
		header = http.Header{}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return d.fallback(status, header, fmt.Errorf("envelope: %d response has an empty body", status))
	}
	if int64(len(body)) > d.maxBytes {
		return d.fallback(status, header, fmt.Errorf("envelope: %d response body exceeds %d bytes; not parsed", status, d.maxBytes))
	}
	top, err := parseObject(body)
	if err != nil {
		ct := header.Get("Content-Type")
		if ct == "" {
			ct = "no content type"
		}
		return d.fallback(status, header, fmt.Errorf("envelope: %d response (%s, %d bytes) is not an error envelope: %w", status, ct, len(body), err))
	}
	mt := ""
	if ct := header.Get("Content-Type"); ct != "" {
		if m, _, err := mime.ParseMediaType(ct); err == nil {
			mt = m
		}
	}
	var best *decodeFormat
	var bestInner jsonObject
	bestScore := math.MinInt
	wrapped := map[string]jsonObject{} // parsed once per wrapping member
	for _, df := range d.formats {
		inner, score, ok := df.match(top, mt, wrapped)
		if ok && (score > bestScore) {
			best, bestInner, bestScore = df, inner, score
		}
	}
	if best == nil || (len(d.formats) > 1 && bestScore <= 0) {
		return d.fallback(status, header, fmt.Errorf("envelope: %d response body is JSON but no known error envelope", status))
	}
	return best.decode(status, header, bestInner)
}

// fallback builds the error for a response whose body says nothing usable.
func (d *Decoder) fallback(status int, header http.Header, cause error) *APIError {
	e := &APIError{code: codeForStatus(status), status: status, cause: cause}
	if !isErrorStatus(status) {
		e.code, e.status = CodeBadGateway, http.StatusBadGateway
	}
	keepHeaders(e, header, "X-Request-Id")
	if id := header.Get("X-Request-Id"); validRequestID(id) {
		e.requestID = id
	}
	return e
}

// match reports whether the object fits df, how well, and the object that
// holds the members (the nested one for a wrapping format).
func (df *decodeFormat) match(top jsonObject, mt string, wrapped map[string]jsonObject) (jsonObject, int, bool) {
	score := 0
	inner := top
	if df.f.Wrap != "" {
		var ok bool
		if inner, ok = wrapped[df.f.Wrap]; !ok {
			v, found := top.get(df.f.Wrap)
			if found && jsonKind(v) == '{' {
				inner, _ = parseObject(v)
			}
			wrapped[df.f.Wrap] = inner
		}
		if inner == nil {
			return nil, 0, false
		}
		score += 2
		score -= len(top) - 1
	}
	if mt != "" {
		switch {
		case df.typed && strings.EqualFold(mt, mediaTypeBase(df.mediaType)):
			score += 10
		case df.typed || mt == ProblemMediaType:
			score -= 3
		}
	}
	hasFields := false
	for i := range df.members {
		m := &df.members[i]
		if m.Kind == MemberFields || m.CarriesFields {
			if v, ok := inner.get(m.Name); ok && (jsonKind(v) == '{' || jsonKind(v) == '[') {
				hasFields = true
			}
		}
	}
	seen := 0
	for i := range df.members {
		m := &df.members[i]
		v, ok := inner.get(m.Name)
		if !ok {
			switch m.Kind {
			case MemberCode, MemberMessage:
				if !(m.OmitWithFields && hasFields) {
					score -= 2
				}
			case MemberStatus, MemberType, MemberTitle:
				score -= 2
			case MemberDetails:
				if m.Empty != EmptyOmit {
					score--
				}
			}
			continue
		}
		if !kindFits(m, jsonKind(v)) {
			return nil, 0, false
		}
		score += 3
		seen++
		if m.Empty != EmptyOmit {
			score++ // a member the format always writes marks its shape
		}
		if m.Kind == MemberCode {
			score += df.spellingScore(jsonString(v))
		}
	}
	if seen == 0 {
		return nil, 0, false
	}
	for _, kv := range inner {
		if _, ok := df.byName[kv.name]; !ok {
			score--
		}
	}
	return inner, score, true
}

// kindFits reports whether a JSON value of kind k may fill member m.
func kindFits(m *compiledMember, k byte) bool {
	switch m.Kind {
	case MemberCode, MemberMessage, MemberRequestID, MemberType, MemberTitle, MemberInstance:
		return k == '"'
	case MemberStatus:
		return k == '0'
	case MemberFields:
		return k == '{' || k == '[' || k == 'n'
	}
	return true
}

// spellingScore rates how well a wire code fits the format's spelling.
func (df *decodeFormat) spellingScore(w string) int {
	if _, ok := df.wireCode[w]; ok {
		return 2
	}
	s := 0
	if p := df.f.CodePrefix; p != "" {
		if strings.HasPrefix(w, p) {
			s += 2
		} else {
			s -= 2
		}
	}
	upper := strings.ToUpper(w) == w && strings.ToLower(w) != w
	lower := strings.ToLower(w) == w
	switch {
	case df.f.CodeCase == CodeUpper && upper, df.f.CodeCase == CodeAsIs && lower:
		s++
	case df.f.CodeCase == CodeUpper && !upper, df.f.CodeCase == CodeAsIs && !lower:
		s -= 2
	}
	return s
}

// codeFromWire maps a wire spelling back to a Go code.
func (df *decodeFormat) codeFromWire(w string) Code {
	if c, ok := df.wireCode[w]; ok {
		return c
	}
	if p := df.f.CodePrefix; p != "" && strings.HasPrefix(w, p) && len(w) > len(p) {
		w = w[len(p):]
	}
	if df.f.CodeCase == CodeUpper {
		w = strings.ToLower(w)
	}
	return Code(w)
}

// decode builds the error from an object that matched df.
func (df *decodeFormat) decode(status int, header http.Header, obj jsonObject) *APIError {
	e := &APIError{status: status}
	if !isErrorStatus(status) {
		e.status = http.StatusBadGateway
	}
	typeURI := ""
	for _, kv := range obj {
		m, ok := df.byName[kv.name]
		if !ok {
			e.extensions = append(e.extensions, Extension{Name: kv.name, Value: kv.value})
			continue
		}
		switch m.Kind {
		case MemberCode:
			e.code = df.codeFromWire(jsonString(kv.value))
		case MemberMessage:
			e.message = jsonString(kv.value)
		case MemberRequestID:
			e.requestID = jsonString(kv.value)
		case MemberType:
			typeURI = jsonString(kv.value)
		case MemberTitle:
			if e.message == "" {
				e.message = jsonString(kv.value)
			}
		case MemberFields:
			e.fields = append(e.fields, parseFields(kv.value)...)
		case MemberDetails:
			if jsonKind(kv.value) == 'n' {
				continue
			}
			e.details = kv.value
			if m.CarriesFields && len(e.fields) == 0 {
				e.fields = parseFields(kv.value)
			}
		}
	}
	if !isErrorStatus(status) {
		// The status is not an error's; keep the body's code but report
		// the response as a bad gateway.
		e.status = http.StatusBadGateway
	}
	if e.code == "" {
		switch {
		case df.f.TypeBase != "" && strings.HasPrefix(typeURI, df.f.TypeBase) && len(typeURI) > len(df.f.TypeBase):
			e.code = Code(typeURI[len(df.f.TypeBase):])
		case len(e.fields) > 0 && e.status == df.validationStatus():
			e.code = CodeValidation
		default:
			e.code = codeForStatus(e.status)
		}
	}
	if e.requestID == "" && df.idHeader != "" {
		if id := header.Get(df.idHeader); validRequestID(id) {
			e.requestID = id
		}
	}
	keepHeaders(e, header, df.idHeader)
	return e
}

// validationStatus is the status validation errors have in the format.
func (df *decodeFormat) validationStatus() int {
	if df.f.ValidationStatus != 0 {
		return df.f.ValidationStatus
	}
	return StatusFor(CodeValidation)
}

// keptHeaders are the response headers a decoded error keeps.
var keptHeaders = [...]string{
	"Retry-After", "Allow", "Www-Authenticate", "Ratelimit", "Ratelimit-Policy",
	"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset",
}

func keepHeaders(e *APIError, header http.Header, idHeader string) {
	add := func(k, v string) {
		if v != "" && validHeaderValue(v) {
			e.header = append(e.header, headerField{k, v})
		}
	}
	for _, k := range keptHeaders {
		v := strings.Join(header.Values(k), ", ")
		if k == "Retry-After" {
			v = normalizeRetryAfter(v, header.Get("Date"))
		}
		add(k, v)
	}
	if idHeader != "" {
		add(idHeader, header.Get(idHeader))
	}
}

// normalizeRetryAfter turns a Retry-After HTTP-date (RFC 9110 §10.2.3) into
// delay-seconds, counted from the response's Date when it parses and from
// now otherwise; a date in the past becomes 0. Seconds and values that do
// not parse are returned unchanged.
func normalizeRetryAfter(v, date string) string {
	v = strings.TrimSpace(v)
	if v == "" || isDigits(v) {
		return v
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return v
	}
	base := time.Now()
	if d, err := http.ParseTime(date); err == nil {
		base = d
	}
	secs := int64(math.Ceil(t.Sub(base).Seconds()))
	if secs < 0 {
		secs = 0
	}
	return strconv.FormatInt(secs, 10)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// maxRetryAfter caps the delay RetryAfterOf reports, so that a hostile
// value cannot overflow a time.Duration.
const maxRetryAfter = 366 * 24 * time.Hour

// RetryAfterOf returns how long to wait before retrying, from the
// Retry-After header (RFC 9110 §10.2.3) of the [*APIError] in err's chain:
// as set with [APIError.WithHeader] on the server side, or decoded from a
// response by [Decode] or [FromResponse] (which turn an HTTP-date into
// seconds). ok is false when there is no such error or header, or it does
// not hold delay-seconds. Delays are capped at 366 days.
func RetryAfterOf(err error) (d time.Duration, ok bool) {
	var e *APIError
	if !errors.As(err, &e) || e == nil {
		return 0, false
	}
	for _, f := range e.header {
		if f.key != "Retry-After" {
			continue
		}
		v := strings.TrimSpace(f.value)
		if !isDigits(v) {
			return 0, false
		}
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(n) * time.Second, true
	}
	return 0, false
}

// parseFields reads field errors in any layout a format writes: an object
// from path to a message or a list of messages, or a list of objects with
// "field" or a JSON Pointer, and "message" or "detail". Entries of another
// shape are skipped.
func parseFields(v json.RawMessage) []FieldError {
	var out []FieldError
	switch jsonKind(v) {
	case '{':
		obj, err := parseObject(v)
		if err != nil {
			return nil
		}
		for _, kv := range obj {
			switch jsonKind(kv.value) {
			case '"':
				out = append(out, FieldError{Field: kv.name, Message: jsonString(kv.value)})
			case '[':
				var msgs []json.RawMessage
				if json.Unmarshal(kv.value, &msgs) != nil {
					continue
				}
				for _, m := range msgs {
					if jsonKind(m) == '"' {
						out = append(out, FieldError{Field: kv.name, Message: jsonString(m)})
					}
				}
			}
		}
	case '[':
		var items []struct {
			Field   *string `json:"field"`
			Pointer *string `json:"pointer"`
			Code    string  `json:"code"`
			Message *string `json:"message"`
			Detail  *string `json:"detail"`
		}
		if json.Unmarshal(v, &items) != nil {
			return nil
		}
		for _, it := range items {
			fe := FieldError{Code: it.Code}
			switch {
			case it.Field != nil:
				fe.Field = *it.Field
			case it.Pointer != nil:
				fe.Field = pointerToPath(*it.Pointer)
			default:
				continue
			}
			switch {
			case it.Message != nil:
				fe.Message = *it.Message
			case it.Detail != nil:
				fe.Message = *it.Detail
			}
			out = append(out, fe)
		}
	}
	return out
}

// pointerToPath turns a JSON Pointer (RFC 6901), plain or in URI fragment
// form, into the dotted path [FieldError.Field] uses: "#/items/2/sku"
// becomes "items[2].sku". It reverses what the encoder writes.
func pointerToPath(p string) string {
	if strings.HasPrefix(p, "#") {
		p = p[1:]
		if u, err := unescapeFragment(p); err == nil {
			p = u
		}
	}
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return ""
	}
	var b strings.Builder
	for i, seg := range strings.Split(p, "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		switch {
		case i > 0 && isDigits(seg):
			b.WriteString("[" + seg + "]")
		case i > 0:
			b.WriteString("." + seg)
		default:
			b.WriteString(seg)
		}
	}
	return b.String()
}

// unescapeFragment decodes %XX escapes.
func unescapeFragment(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errors.New("bad escape")
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", err
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String(), nil
}

// jsonObject is a JSON object's members in document order.
type jsonObject []jsonMember

type jsonMember struct {
	name  string
	value json.RawMessage
}

// get returns the value of the last member named name, as encoding/json
// would.
func (o jsonObject) get(name string) (json.RawMessage, bool) {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].name == name {
			return o[i].value, true
		}
	}
	return nil, false
}

// parseObject parses b, which must be exactly one JSON object, keeping
// member order.
func parseObject(b []byte) (jsonObject, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var obj jsonObject
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, errors.New("member name is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		obj = append(obj, jsonMember{name, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return obj, nil
}

// jsonKind returns the kind of a JSON value by its first byte: '"', '{',
// '[', 'n' (null), 't' (true or false), '0' (number), or 0.
func jsonKind(v json.RawMessage) byte {
	v = bytes.TrimLeft(v, " \t\r\n")
	if len(v) == 0 {
		return 0
	}
	switch c := v[0]; c {
	case '"', '{', '[', 'n':
		return c
	case 't', 'f':
		return 't'
	}
	return '0'
}

// jsonString returns the string a JSON string value holds, or "".
func jsonString(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}
