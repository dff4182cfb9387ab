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
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file is the client side: it turns error responses of any format
// back into *APIError values, by reading each body against the compiled
// template of its format (the inverse of render.go).

// defaultMaxResponseBytes is the most of a response body a Parser reads
// when ParserOptions.MaxBytes is zero: 1 MiB.
const defaultMaxResponseBytes = 1 << 20

// drainBytes is how much of an over-long body a Parser reads and discards
// past its limit before closing, so that the connection can be reused
// after a slightly long body without reading an unbounded one.
const drainBytes = 64 << 10

// ParserOptions configures a [Parser]. The zero value recognizes every
// built-in format ([Presets]) with the built-in codes and reads at most
// 1 MiB of a body.
type ParserOptions struct {
	// Formats are the formats to recognize, in order of preference when a
	// body fits several equally. Nil means [Presets]. With exactly one
	// format, every JSON body is read in that format.
	Formats []Format
	// Codes is the table of codes the server uses, so that a code's wire
	// spelling decodes back to it (see [FormatCode.Primary]). Nil means the
	// built-in codes; unknown codes keep their spelling, through the
	// format's filter.
	Codes *Codes
	// MaxBytes caps how much of a body is read. A longer body is not
	// parsed; its error is derived from the status. Zero means 1 MiB; a
	// negative value is invalid.
	MaxBytes int64
}

// Parser turns error responses of any supported format back into
// [*APIError] values, on the client side. Build it once with [NewParser];
// it is safe for concurrent use. The package-level [ParseResponse] and
// [Parse] use a default one.
type Parser struct {
	formats  []*compiledFormat
	maxBytes int64
}

// NewParser validates opts and returns a parser. It fails when a format is
// invalid or clashes with the codes (as [NewWriter] does) or MaxBytes is
// negative.
func NewParser(opts ParserOptions) (*Parser, error) {
	fs := opts.Formats
	if fs == nil {
		fs = Presets()
	}
	if len(fs) == 0 {
		return nil, errors.New("envelope: parser has no formats")
	}
	if opts.MaxBytes < 0 {
		return nil, fmt.Errorf("envelope: parser MaxBytes %d is negative", opts.MaxBytes)
	}
	p := &Parser{maxBytes: opts.MaxBytes}
	if p.maxBytes == 0 {
		p.maxBytes = defaultMaxResponseBytes
	}
	for _, f := range fs {
		cf, err := compileFormat(f, opts.Codes)
		if err != nil {
			return nil, err
		}
		p.formats = append(p.formats, cf)
	}
	return p, nil
}

var defaultParser = sync.OnceValue(func() *Parser {
	p, err := NewParser(ParserOptions{})
	if err != nil {
		panic(err) // the presets are covered by tests
	}
	return p
})

// ParseResponse parses resp with the default parser (every built-in
// format, the built-in codes, at most 1 MiB read). See
// [Parser.ParseResponse].
func ParseResponse(resp *http.Response) *APIError {
	return defaultParser().ParseResponse(resp)
}

// Parse parses an error response that has already been read, with the
// default parser. See [Parser.Parse].
func Parse(status int, header http.Header, body []byte) *APIError {
	return defaultParser().Parse(status, header, body)
}

// ParseResponse returns the error that resp carries, or nil when resp is
// nil or its status is 2xx (success is not an error).
//
// It takes ownership of resp.Body: it reads at most the configured limit,
// discards up to 64 KiB more so the connection can be reused, and closes
// it. A read failure or an over-long body still yields an error, derived
// from the status. See [Parser.Parse] for what the error holds.
func (p *Parser) ParseResponse(resp *http.Response) *APIError {
	if resp == nil {
		return nil
	}
	var body []byte
	var readErr error
	if resp.Body != nil {
		body, readErr = io.ReadAll(io.LimitReader(resp.Body, p.maxBytes+1))
		_, _ = io.CopyN(io.Discard, resp.Body, drainBytes)
		_ = resp.Body.Close()
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	switch {
	case readErr != nil:
		return p.fallback(resp.StatusCode, resp.Header, fmt.Errorf("envelope: reading the %d response body: %w", resp.StatusCode, readErr))
	case int64(len(body)) > p.maxBytes:
		return p.fallback(resp.StatusCode, resp.Header, fmt.Errorf("envelope: %d response body exceeds %d bytes; not parsed", resp.StatusCode, p.maxBytes))
	}
	return p.Parse(resp.StatusCode, resp.Header, body)
}

// Parse returns the error that a response with this status, header and
// body carries, or nil for a 2xx status. It never panics and never returns
// nil for another status.
//
// The format is detected from the media type and the body's shape, among
// the parser's formats. Codes are mapped back to their Go spelling through
// the format's spellings and filters, so "ERROR_CODE_NOT_FOUND",
// "NOT_FOUND", "NotFound" and "not_found" all decode as [CodeNotFound] in
// their formats, "authentication_failed" in the nested format as
// [CodeUnauthorized], and a number as the code the format numbers so. A
// code the client does not know is kept as it is; [APIError.Category]
// gives the built-in code it falls under. A body without a code yields the
// code of its problem type (a "type" attribute), or validation_failed for
// field errors at the validation status, or the code of its status.
//
// The error holds the response's status (a status outside 400–599 decodes
// as bad_gateway, 502: the server answered with something no client
// expects from an error), message, field errors (their paths recovered
// from JSON Pointers too), details as [encoding/json.RawMessage], the
// request ID (from the body, else the format's request ID header) and
// members the format does not define as extensions (their values as
// [encoding/json.RawMessage]). It keeps the headers a client acts on:
// Retry-After (an HTTP-date is turned into seconds, counted from the
// response's Date header when there is one; see [APIError.RetryAfter]),
// Allow, WWW-Authenticate, the rate-limit headers (RateLimit,
// RateLimit-Policy, X-RateLimit-Limit, X-RateLimit-Remaining,
// X-RateLimit-Reset) and the request ID header, all available from
// [APIError.Header].
//
// A body that is not an error envelope (an HTML page from a proxy, an
// empty or truncated body, JSON of another shape) decodes as the built-in
// code for the status with its default message; the reason is the error's
// cause, for logs.
func (p *Parser) Parse(status int, header http.Header, body []byte) *APIError {
	if status >= 200 && status <= 299 {
		return nil
	}
	if header == nil {
		header = http.Header{}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return p.fallback(status, header, fmt.Errorf("envelope: %d response has an empty body", status))
	}
	if int64(len(body)) > p.maxBytes {
		return p.fallback(status, header, fmt.Errorf("envelope: %d response body exceeds %d bytes; not parsed", status, p.maxBytes))
	}
	if !json.Valid(body) || (jsonKind(body) != '{' && jsonKind(body) != '[') {
		ct := header.Get("Content-Type")
		if ct == "" {
			ct = "no content type"
		}
		return p.fallback(status, header, fmt.Errorf("envelope: %d response (%s, %d bytes) is not an error envelope", status, ct, len(body)))
	}
	mt := ""
	if ct := header.Get("Content-Type"); ct != "" {
		if m, _, err := mime.ParseMediaType(ct); err == nil {
			mt = m
		}
	}
	var best *capture
	var bestFormat *compiledFormat
	for _, cf := range p.formats {
		c := &capture{cf: cf}
		if !c.match(cf.t.root, body, nil) || c.slots == 0 {
			continue
		}
		if mt != "" {
			switch {
			case cf.typed && strings.EqualFold(mt, mediaTypeBase(cf.mediaType)):
				c.score += 10
			case cf.typed || mt == ProblemMediaType:
				c.score -= 3
			}
		}
		c.scoreCode()
		if best == nil || c.score > best.score {
			best, bestFormat = c, cf
		}
	}
	if best == nil || (len(p.formats) > 1 && best.score <= 0) {
		return p.fallback(status, header, fmt.Errorf("envelope: %d response body is JSON but no known error envelope", status))
	}
	return best.build(bestFormat, status, header)
}

// fallback builds the error for a response whose body says nothing usable.
func (p *Parser) fallback(status int, header http.Header, cause error) *APIError {
	e := &APIError{code: CodeForStatus(status), status: status, cause: cause}
	if !isErrorStatus(status) {
		e.code, e.status = CodeBadGateway, http.StatusBadGateway
	}
	keepHeaders(e, header, "X-Request-Id")
	if id := header.Get("X-Request-Id"); ValidRequestID(id) {
		e.requestID = id
	}
	return e
}

// capture is what a body yields when read against a format's template,
// and how well it fits.
type capture struct {
	cf         *compiledFormat
	score      int
	slots      int // placeholders that found a value
	code       string
	codeSlot   int
	haveCode   bool
	status     int
	message    string
	title      string
	requestID  string
	details    json.RawMessage
	fields     []FieldError
	promoted   *fieldRead // field placeholders outside a section
	attrs      map[string]string
	extensions []Extension
}

// clone returns a copy to try an alternative on.
func (c *capture) clone() *capture {
	d := *c
	d.fields = append([]FieldError(nil), c.fields...)
	d.extensions = append([]Extension(nil), c.extensions...)
	if c.attrs != nil {
		d.attrs = cloneMap(c.attrs)
	}
	if c.promoted != nil {
		d.promoted = c.promoted.clone()
	}
	return &d
}

// match reads v against n, adding what it finds to c, and reports whether v
// has n's shape. field is the field error being read inside a section, or
// nil.
func (c *capture) match(n *node, v json.RawMessage, field *fieldRead) bool {
	switch n.kind {
	case nodeLiteral:
		if jsonEqual(n.lit, v) {
			c.score++
			return true
		}
		return false
	case nodeSlot:
		return c.bare(n, v)
	case nodeString:
		if jsonKind(v) != '"' {
			return false
		}
		s := jsonString(v)
		if !strings.HasPrefix(s, n.prefix) || !strings.HasSuffix(s[len(n.prefix):], n.suffix) {
			return false
		}
		return c.text(n, s[len(n.prefix):len(s)-len(n.suffix)], field)
	case nodeAlt:
		var best *capture
		var bestField *fieldRead
		for _, a := range n.alts {
			try := c.clone()
			var tf *fieldRead
			if field != nil {
				tf = field.clone()
			}
			if try.match(a, v, tf) && (best == nil || try.score > best.score) {
				best, bestField = try, tf
			}
		}
		if best == nil {
			return false
		}
		if best.details == nil {
			// A details object with the shape of field errors reads both
			// ways: keep it as details too.
			for _, a := range n.alts {
				if a.kind == nodeSlot && a.slot == slotDetails && jsonKind(v) != 'n' {
					best.details = v
				}
			}
		}
		*c = *best
		if field != nil {
			*field = *bestField
		}
		return true
	case nodeObject:
		return c.object(n, v, field)
	case nodeArray:
		return c.array(n, v, field)
	}
	return false
}

// fieldRead is a field error being read, with what was found of it.
type fieldRead struct {
	fe      FieldError
	hasPath bool // a path or pointer placeholder found a value
	group   bool // read as the value of a map keyed by field
}

func (f *fieldRead) clone() *fieldRead {
	g := *f
	if f.fe.Attrs != nil {
		g.fe.Attrs = cloneMap(f.fe.Attrs)
	}
	return &g
}

// bare reads a placeholder that is a whole JSON value.
func (c *capture) bare(n *node, v json.RawMessage) bool {
	switch n.slot {
	case slotCode:
		if jsonKind(v) != '0' || !isInteger(string(bytes.TrimSpace(v))) {
			return false
		}
		c.setCode(string(bytes.TrimSpace(v)), n.codeSlot)
	case slotStatus:
		s, err := strconv.Atoi(string(bytes.TrimSpace(v)))
		if jsonKind(v) != '0' || err != nil {
			return false
		}
		c.setStatus(s)
	case slotDetails:
		if jsonKind(v) == 'n' {
			return false // an absent details member is left out, not null
		}
		c.details = v
	default:
		return false
	}
	c.slots++
	c.score += 2
	return true
}

func (c *capture) setCode(w string, slot int) {
	if !c.haveCode {
		c.code, c.codeSlot, c.haveCode = w, slot, true
	}
}

func (c *capture) setStatus(s int) {
	if c.status == 0 {
		c.status = s
	}
}

// text reads the value of a placeholder inside a string.
func (c *capture) text(n *node, s string, field *fieldRead) bool {
	switch n.slot {
	case slotCode:
		if s == "" {
			return false
		}
		c.setCode(s, n.codeSlot)
	case slotStatus:
		st, err := strconv.Atoi(s)
		if err != nil {
			return false
		}
		c.setStatus(st)
	case slotMessage:
		if c.message == "" {
			c.message = s
		}
	case slotTitle:
		if c.title == "" {
			c.title = s
		}
	case slotRequestID:
		if c.requestID == "" {
			c.requestID = s
		}
	case slotInstance:
	case slotAttr:
		if c.attrs == nil {
			c.attrs = map[string]string{}
		}
		if _, ok := c.attrs[n.attr]; !ok {
			c.attrs[n.attr] = s
		}
	default: // field placeholders
		f := field
		if f == nil {
			if c.promoted == nil {
				c.promoted = &fieldRead{}
			}
			f = c.promoted
		}
		switch n.slot {
		case slotField:
			if !f.group {
				f.fe.Field = s
			}
			f.hasPath = true
		case slotFieldPointer:
			path, ok := pointerToPath(s, n.fragment)
			if !ok {
				return false
			}
			if !f.group {
				f.fe.Field = path
			}
			f.hasPath = true
		case slotFieldCode:
			f.fe.Code = s
		case slotFieldMessage:
			f.fe.Message = s
		case slotFieldAttr:
			if f.fe.Attrs == nil {
				f.fe.Attrs = map[string]string{}
			}
			f.fe.Attrs[n.attr] = s
		}
	}
	c.slots++
	c.score += 2
	return true
}

func (c *capture) object(n *node, v json.RawMessage, field *fieldRead) bool {
	if jsonKind(v) != '{' {
		return false
	}
	obj, err := parseObject(v)
	if err != nil {
		return false
	}
	c.score++
	if n.keyed != nil {
		for _, kv := range obj {
			c.group(n.keyed, kv.name, kv.value)
		}
		return true
	}
	claimed := make([]bool, len(obj))
	for _, m := range n.members {
		i := obj.index(m.name)
		if i < 0 {
			if !m.val.opt {
				c.score -= 2 // a member the format always writes is missing
			}
			continue
		}
		claimed[i] = true
		if c.match(m.val, obj[i].value, field) {
			c.score += 2
		} else {
			c.score -= 2
		}
	}
	for i, kv := range obj {
		if claimed[i] {
			continue
		}
		c.score-- // a member the format does not define
		if n.extensions && field == nil {
			c.extensions = append(c.extensions, Extension{Name: kv.name, Value: kv.value})
		}
	}
	return true
}

// group reads one member of an object keyed by field path: one or more
// field errors at that path.
func (c *capture) group(val *node, path string, v json.RawMessage) {
	before := len(c.fields)
	f := &fieldRead{fe: FieldError{Field: path}, hasPath: true, group: true}
	if !c.match(val, v, f) {
		c.score--
		return
	}
	if len(c.fields) == before { // no array of messages: one field error
		c.fields = append(c.fields, f.fe)
	}
}

func (c *capture) array(n *node, v json.RawMessage, field *fieldRead) bool {
	if jsonKind(v) != '[' {
		return false
	}
	elems, err := parseArray(v)
	if err != nil {
		return false
	}
	c.score++
	if !n.section {
		for i, e := range n.elems {
			if i >= len(elems) {
				if !e.opt {
					c.score -= 2
				}
				continue
			}
			if !c.match(e, elems[i], field) {
				c.score -= 2
			}
		}
		return true
	}
	for _, el := range elems {
		f := &fieldRead{}
		if field != nil && field.group {
			f.fe.Field, f.hasPath = field.fe.Field, true
		}
		if !c.match(n.elems[0], el, f) {
			c.score -= 2
			continue
		}
		if !f.hasPath {
			// An element rendered for an error without field errors
			// (one error object per problem): what it says is the
			// error's.
			if c.message == "" {
				c.message = f.fe.Message
			}
			continue
		}
		c.fields = append(c.fields, f.fe)
	}
	return true
}

// scoreCode rates how well the code found fits the format's spelling.
func (c *capture) scoreCode() {
	if !c.haveCode {
		return
	}
	if _, ok := c.cf.reverse[c.codeSlot][c.code]; ok {
		c.score += 3
		return
	}
	s := c.cf.t.codeSlots[c.codeSlot]
	if c.cf.numeric[c.codeSlot] {
		return
	}
	if applyFilter(s.filter, unapplyFilter(s.filter, c.code)) == c.code {
		c.score++
	} else {
		c.score -= 2
	}
}

// build makes the error from a capture that matched cf.
func (c *capture) build(cf *compiledFormat, status int, header http.Header) *APIError {
	e := &APIError{status: status}
	if !isErrorStatus(status) {
		// The status is not an error's; keep the body's code but report
		// the response as a bad gateway.
		e.status = http.StatusBadGateway
	}
	e.message = c.message
	if e.message == "" {
		e.message = c.title
	}
	if ValidRequestID(c.requestID) {
		e.requestID = c.requestID // anything else is not safe to log or echo
	}
	e.details = c.details
	e.fields = c.fields
	if len(e.fields) == 0 && c.promoted != nil && c.promoted.hasPath {
		e.fields = []FieldError{c.promoted.fe}
	}
	e.extensions = c.extensions
	switch {
	case c.haveCode:
		e.code = cf.codeFromWire(c.code, c.codeSlot, e.status)
	default:
		for name, v := range c.attrs {
			if code, ok := cf.byAttr[name][v]; ok {
				e.code = code
				break
			}
		}
		if e.code == "" {
			if len(e.fields) > 0 && e.status == cf.statusOf(CodeValidation) {
				e.code = CodeValidation
			} else {
				e.code = CodeForStatus(e.status)
			}
		}
	}
	if e.requestID == "" && cf.idHeader != "" {
		if id := header.Get(cf.idHeader); ValidRequestID(id) {
			e.requestID = id
		}
	}
	keepHeaders(e, header, cf.idHeader)
	return e
}

// codeFromWire maps a wire spelling found in code slot i back to a code.
func (cf *compiledFormat) codeFromWire(w string, i int, status int) Code {
	if c, ok := cf.reverse[i][w]; ok {
		return c
	}
	if cf.numeric[i] {
		return CodeForStatus(status) // a number the format does not know
	}
	return Code(unapplyFilter(cf.t.codeSlots[i].filter, w))
}

// index returns the position of the last member named name, as
// encoding/json would read it, or -1.
func (o jsonObject) index(name string) int {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].name == name {
			return i
		}
	}
	return -1
}

// jsonEqual reports whether two JSON texts hold the same value.
func jsonEqual(a, b []byte) bool {
	if bytes.Equal(bytes.TrimSpace(a), bytes.TrimSpace(b)) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
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

// pointerToPath turns a JSON Pointer (RFC 6901), in URI fragment form
// (percent-encoded) when fragment is set, into a field path, the inverse
// of appendPointer: "/items/2/sku" is items[2].sku and "/labels/a.b"
// labels[a.b]. ok is false for text that is not a pointer.
func pointerToPath(p string, fragment bool) (string, bool) {
	if fragment {
		if u, err := unescapeFragment(p); err == nil {
			p = u // a bad escape is kept as it is
		}
	}
	if p == "" {
		return "", true
	}
	if p[0] != '/' {
		return "", false
	}
	var b strings.Builder
	for i, tok := range strings.Split(p[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch {
		case isDigits(tok) || tok == "" || strings.ContainsAny(tok, ".[]"):
			b.WriteString("[" + tok + "]")
		case i > 0:
			b.WriteString("." + tok)
		default:
			b.WriteString(tok)
		}
	}
	return b.String(), true
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
