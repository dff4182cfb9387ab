package envelope

import (
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Format is the wire shape of error bodies: one published error contract.
// Its Body is the contract's own example with placeholders where the
// error's values go; Codes says how the format spells codes, which status
// and which attributes it gives them. Start from a preset ([FlatFormat],
// [ProblemFormat], ...) or write the Body from the contract's
// documentation.
//
// A Format is validated and compiled when a [Writer] or [Parser] is built
// from it, together with the [Codes] it serves; changing it afterwards has
// no effect on them. The zero Format stands for [FlatFormat] where an
// option takes a Format.
type Format struct {
	// Name identifies the format in documents and logs, such as "flat".
	Name string

	// MediaType is the Content-Type of error bodies. Empty means
	// "application/json".
	MediaType string

	// Body is the template of an error body: JSON in the shape of the
	// contract, where a placeholder in double braces stands for a value of
	// the error. Required. For example, a body nested under "error" with
	// the code spelled in upper case:
	//
	//	{"error": {"code": "{{code | upper}}", "message": "{{message}}",
	//	           "details": {{details}}, "request_id": "{{requestId}}"}}
	//
	// Placeholders inside a string render as text, with the string's
	// literal text around them ("https://example.com/probs/{{code |
	// kebab}}"); a string holds at most one. The error's values:
	//
	//	{{code}}       the code's wire spelling: its FormatCode.Wire, or else
	//	               its Go spelling, through the filter if there is one:
	//	               {{code | upper}} (NOT_FOUND), pascal (NotFound),
	//	               camel (notFound), kebab (not-found). Outside a
	//	               string, a JSON number:
	//	               every built-in code then needs an integer Wire, and a
	//	               code without one renders its category's.
	//	{{status}}     the HTTP status; a JSON number outside a string
	//	{{message}}    the public message, localized
	//	{{title}}      the code's "title" attribute; else, for a code with a
	//	               "type" attribute, its default message; else the
	//	               status's reason phrase (RFC 9457 §3.1.3), or the
	//	               default message when the status has none
	//	{{attr NAME}}  an attribute of the code (FormatCode.Attrs, then
	//	               CodeInfo.Attrs)
	//	{{requestId}}  the request ID
	//	{{instance}}   the request's path, as a relative reference
	//	               (RFC 9457 §3.1.5)
	//	{{details}}    the error's details, any JSON value; never in a string
	//
	// Field errors: an object whose one member is named "{{field}}" is a
	// map from field path to the value, rendered once per field path; an
	// array whose one element uses a field placeholder repeats it once per
	// field error (and, for an error without any, renders it once with no
	// field). Their values:
	//
	//	{{field}}          the path as the client sent it: items[2].sku
	//	{{field.pointer}}  the path as a JSON Pointer (RFC 6901):
	//	                   /items/2/sku; in URI fragment form, percent-encoded,
	//	                   when the string's text before it starts with "#"
	//	{{field.code}}     the field error's code
	//	{{field.message}}  its message; in a map value, the messages of the
	//	                   path joined with "; ", unless the value is an
	//	                   array of them: ["{{field.message}}"]
	//	{{field.attr NAME}} one of its attributes (FieldError.Attrs)
	//
	// Outside such a section, field placeholders stand for the first field
	// error, such as a top-level "param": "{{field}}".
	//
	// A value whose placeholders have nothing to carry (no details, no
	// request ID, no field errors) is absent, and its member or array
	// element is left out; an object or array all of whose placeholders
	// are absent is absent too. Alternatives say what to render instead:
	// "details": {{details}} | null renders null when there are no details,
	// and "details": {"{{field}}": ["{{field.message}}"]} | {{details}} |
	// null carries the field errors when there are any, else the details,
	// else null. Literal values (constants such as "version": 1) are
	// written as they are.
	//
	// The error's extension members go where the object names a member
	// {{extensions}}; without one, at the end of the object that holds
	// {{message}}, or of the body. They never take the name of a member
	// of that object.
	Body string

	// Codes says, per code, how this format differs from the code table:
	// its wire spelling, its status and its attributes. Codes not listed
	// are spelled by the Body's filter, with the status of the [Codes]
	// table. Several codes may share one wire spelling when exactly one of
	// them is Primary: the one a client reads it back as.
	Codes map[Code]FormatCode

	// RequestIDHeader is the response header that carries the request ID,
	// and the request header an incoming ID is read from (see
	// [RequestIDOptions]). Empty means "X-Request-Id"; "-" means none. It
	// may not be a header that frames the body or the connection, nor one
	// the writer sets for its own purpose (Content-Type, Cache-Control,
	// Vary, WWW-Authenticate, ...; see [APIError.WithHeader]).
	RequestIDHeader string

	// Challenge is the WWW-Authenticate value sent with a 401 whose error
	// carries none (RFC 9110 §11.6.1 requires one). Empty means "Bearer".
	// It may hold the placeholders {{code}}, {{message}}, {{status}},
	// {{requestId}} and {{attr NAME}}, each inside a quoted-string, whose
	// values are escaped as RFC 9110 §5.6.4 says:
	//
	//	Bearer error="{{code}}", error_description="{{message}}"
	//
	// (RFC 6750 §3). Bytes outside printable ASCII become '?'.
	Challenge string

	// Indent, when set, pretty-prints bodies with this indent per level (as
	// [encoding/json.Indent] does), for contracts that document an indented
	// layout. It may hold only spaces and tabs. Empty means compact bodies,
	// which is what almost every API sends.
	Indent string
}

// FormatCode is how a [Format] treats one code.
type FormatCode struct {
	// Wire is the code's spelling in the format, such as "internal_error"
	// or "INVALID_ARGUMENT", or, where the Body writes {{code}} as a
	// number, a decimal integer such as "20404". A filter in the Body
	// applies to it as to the Go spelling ({{code | kebab}} spells the Wire
	// "resource_missing" resource-missing). Empty means the Go spelling.
	Wire string
	// Status is the code's status in the format, 400 to 599, such as 422
	// for validation_failed. Zero keeps the status of the [Codes] table.
	Status int
	// Attrs are the code's attributes in the format, over those of its
	// [CodeInfo]: a documentation URL, a category, a problem type URI.
	Attrs map[string]string
	// Primary marks, among codes that share one Wire spelling, the one a
	// [Parser] decodes it as. Two codes that share a spelling without
	// exactly one Primary are refused.
	Primary bool
}

// compiledFormat is a Format validated and compiled for one table of codes.
type compiledFormat struct {
	name      string
	mediaType string
	indent    string
	idHeader  string // canonical; "" for none
	t         *template
	challenge *challenge // nil: the literal "Bearer"
	codes     *Codes
	entries   map[Code]*codeEntry
	numeric   []bool            // per code slot: rendered as a JSON number
	reverse   []map[string]Code // per code slot: wire spelling -> code
	byAttr    map[string]map[string]Code
	typed     bool   // has a media type of its own (not application/json)
	typeAttr  bool   // the body renders {{attr type}}, a problem type
	src       Format // as given, for Writer.Formats
}

// clone returns a copy of f that shares no map with it.
func (f Format) clone() Format {
	if f.Codes != nil {
		codes := make(map[Code]FormatCode, len(f.Codes))
		for c, fc := range f.Codes {
			fc.Attrs = maps.Clone(fc.Attrs)
			codes[c] = fc
		}
		f.Codes = codes
	}
	return f
}

// usesTypeAttr reports whether the body renders a problem type attribute.
func (cf *compiledFormat) usesTypeAttr() bool { return cf.typeAttr }

// codeEntry is what a compiled format knows about one code of its table.
type codeEntry struct {
	code    Code
	status  int
	message string // the declared default message
	attrs   map[string]string
	wire    [][]byte // per code slot: the escaped text, or the digits
	builtin bool
}

// isZero reports whether f is the zero Format, which stands for the flat
// format.
func (f *Format) isZero() bool {
	return f.Name == "" && f.MediaType == "" && f.Body == "" && f.Codes == nil &&
		f.RequestIDHeader == "" && f.Challenge == "" && f.Indent == ""
}

// validStatus0 reports whether s is 0 or an error status.
func validStatus0(s int) bool { return s == 0 || isErrorStatus(s) }

// compileFormat validates f for the table codes and compiles it.
func compileFormat(f Format, codes *Codes) (*compiledFormat, error) {
	codes = codes.or()
	name := f.Name
	if name == "" {
		name = "unnamed"
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("envelope: format %s: %s", name, fmt.Sprintf(format, args...))
	}
	cf := &compiledFormat{name: name, mediaType: f.MediaType, indent: f.Indent, codes: codes, src: f.clone()}
	if cf.mediaType == "" {
		cf.mediaType = "application/json"
	} else if _, _, err := mime.ParseMediaType(f.MediaType); err != nil || !validHeaderValue(f.MediaType) {
		return nil, fail("media type %q does not parse", f.MediaType)
	}
	cf.typed = mediaTypeBase(cf.mediaType) != "application/json"
	if strings.Trim(f.Indent, " \t") != "" {
		return nil, fail("indent %q holds other than spaces and tabs", f.Indent)
	}
	switch f.RequestIDHeader {
	case "":
		cf.idHeader = "X-Request-Id"
	case "-":
	default:
		if !validHeaderName(f.RequestIDHeader) {
			return nil, fail("request ID header %q is not a valid header name", f.RequestIDHeader)
		}
		cf.idHeader = http.CanonicalHeaderKey(f.RequestIDHeader)
		if refusedHeader(cf.idHeader) || ownHeader(cf.idHeader) {
			return nil, fail("request ID header %q is a header the writer or the connection needs; choose another name", f.RequestIDHeader)
		}
	}
	t, err := parseTemplate(f.Body)
	if err != nil {
		return nil, fail("%v", err)
	}
	cf.t = t
	cf.typeAttr = slices.Contains(t.attrs, "type")
	if f.Challenge != "" {
		if cf.challenge, err = parseChallenge(f.Challenge); err != nil {
			return nil, fail("%v", err)
		}
	}
	cf.numeric = make([]bool, len(t.codeSlots))
	anyNumeric := false
	for i, s := range t.codeSlots {
		cf.numeric[i] = s.kind == nodeSlot
		anyNumeric = anyNumeric || cf.numeric[i]
	}

	// The format's own entries: each names a known code, a valid status,
	// wire spelling and attributes.
	for _, c := range slices.Sorted(maps.Keys(f.Codes)) {
		fc := f.Codes[c]
		switch {
		case codes.lookup(c) == nil:
			return nil, fail("code %q is neither built in nor declared in the Codes", c)
		case !validStatus0(fc.Status):
			return nil, fail("code %q: status %d is not a 4xx or 5xx status", c, fc.Status)
		case fc.Wire != "" && anyNumeric && !isInteger(fc.Wire):
			return nil, fail("code %q: wire %q is not an integer, and the body writes {{code}} as a number", c, fc.Wire)
		case fc.Wire != "" && !validHeaderValue(fc.Wire):
			return nil, fail("code %q: wire %q holds control characters", c, fc.Wire)
		}
		for k := range fc.Attrs {
			if !validAttrName(k) {
				return nil, fail("code %q: attribute name %q is not made of ASCII letters, digits, '_', '-' and '.'", c, k)
			}
		}
	}
	if anyNumeric {
		for _, b := range builtins {
			if !isInteger(f.Codes[b.Code].Wire) {
				return nil, fail("the body writes {{code}} as a number, but built-in code %q has no integer Wire", b.Code)
			}
		}
	}

	cf.entries = make(map[Code]*codeEntry, len(codes.list))
	for i := range codes.list {
		info := &codes.list[i]
		fc := f.Codes[info.Code]
		e := &codeEntry{code: info.Code, status: info.Status, message: info.Message, builtin: i < len(builtins)}
		if fc.Status != 0 {
			e.status = fc.Status
		}
		e.attrs = cloneMap(info.Attrs)
		if len(fc.Attrs) > 0 {
			if e.attrs == nil {
				e.attrs = make(map[string]string, len(fc.Attrs))
			}
			for k, v := range fc.Attrs {
				e.attrs[k] = v
			}
		}
		cf.entries[info.Code] = e
	}
	for _, e := range cf.entries {
		e.wire = make([][]byte, len(t.codeSlots))
		for i, s := range t.codeSlots {
			e.wire[i] = cf.wireBytes(nil, e.code, s, f.Codes)
		}
	}
	if err := cf.buildReverse(f.Codes); err != nil {
		return nil, fail("%v", err)
	}
	cf.byAttr = make(map[string]map[string]Code)
	for _, a := range t.attrs {
		m := map[string]Code{}
		seen := map[string]bool{}
		for _, info := range codes.list {
			v := cf.entries[info.Code].attrs[a]
			if v == "" {
				continue
			}
			if seen[v] {
				delete(m, v) // shared by two codes: says nothing
				continue
			}
			seen[v] = true
			m[v] = info.Code
		}
		cf.byAttr[a] = m
	}
	return cf, nil
}

// isInteger reports whether s is a JSON integer: an optional '-' and
// digits without a leading zero.
func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return isDigits(s) && (s == "0" || s[0] != '0') && len(s) <= 18
}

// wireBytes appends how code is rendered in the code slot s: for a string
// slot its spelling, escaped for a JSON string; for a number slot its
// integer, or its category's.
func (cf *compiledFormat) wireBytes(dst []byte, code Code, s *node, own map[Code]FormatCode) []byte {
	if s.kind == nodeSlot { // a JSON number
		if w := own[code].Wire; w != "" {
			return append(dst, w...)
		}
		return append(dst, own[CodeForStatus(cf.statusOf(code))].Wire...)
	}
	w := own[code].Wire
	if w == "" {
		w = string(code)
	}
	return appendJSONStringContent(dst, applyFilter(s.filter, w))
}

// statusOf returns code's status in the format, 500 for an unknown code.
func (cf *compiledFormat) statusOf(code Code) int {
	if e, ok := cf.entries[code]; ok && e.status != 0 {
		return e.status
	}
	if s := cf.codes.status(code); s != 0 {
		return s
	}
	return 500
}

// buildReverse builds, per code slot, the map from wire spelling back to
// codes, and refuses two codes spelled alike without exactly one Primary.
// A code whose number is its category's (no integer Wire of its own) does
// not take part: it renders as its category and decodes as it.
func (cf *compiledFormat) buildReverse(own map[Code]FormatCode) error {
	cf.reverse = make([]map[string]Code, len(cf.t.codeSlots))
	for i, s := range cf.t.codeSlots {
		spelled := map[string][]Code{}
		for _, info := range cf.codes.list {
			if s.kind == nodeSlot && own[info.Code].Wire == "" {
				continue
			}
			w := cf.wireText(info.Code, i)
			spelled[w] = append(spelled[w], info.Code)
		}
		rev := make(map[string]Code, len(spelled))
		for _, w := range slices.Sorted(maps.Keys(spelled)) {
			cs := spelled[w]
			if len(cs) == 1 {
				rev[w] = cs[0]
				continue
			}
			var primary []Code
			for _, c := range cs {
				if own[c].Primary {
					primary = append(primary, c)
				}
			}
			if len(primary) != 1 {
				names := make([]string, len(cs))
				for j, c := range cs {
					names[j] = strconv.Quote(string(c))
				}
				return fmt.Errorf("codes %s are all spelled %q; mark exactly one of them Primary, the one a Parser decodes it as", strings.Join(names, " and "), w)
			}
			rev[w] = primary[0]
		}
		cf.reverse[i] = rev
	}
	return nil
}

// wireText returns code's spelling in code slot i, unescaped.
func (cf *compiledFormat) wireText(code Code, i int) string {
	var b []byte
	if e, ok := cf.entries[code]; ok {
		b = e.wire[i]
	} else {
		b = cf.wireBytes(nil, code, cf.t.codeSlots[i], nil)
	}
	if cf.numeric[i] {
		return string(b)
	}
	var s string
	if json.Unmarshal(append(append([]byte{'"'}, b...), '"'), &s) != nil {
		return string(b)
	}
	return s
}

// newEntry makes the entry of a code of no table (what the format knows
// of it), made on the spot, numbered as the category of status.
func (cf *compiledFormat) newEntry(code Code, status int) *codeEntry {
	e := &codeEntry{code: code, status: status, wire: make([][]byte, len(cf.t.codeSlots))}
	for i, s := range cf.t.codeSlots {
		if s.kind == nodeSlot {
			e.wire[i] = cf.entries[CodeForStatus(status)].wire[i]
			continue
		}
		e.wire[i] = appendJSONStringContent(nil, applyFilter(s.filter, string(code)))
	}
	return e
}

// statusEntry returns the status e renders with in this format (its own,
// else its code's in the format, else 500) and what the format knows of
// its code (for a code of no table, [compiledFormat.newEntry]'s), with
// one lookup of the code.
func (cf *compiledFormat) statusEntry(e *APIError) (int, *codeEntry) {
	ent, ok := cf.entries[e.Code()]
	status := 500
	switch {
	case e.status != 0:
		if isErrorStatus(e.status) {
			status = e.status
		} // else an impossible status (golang/go#22880): 500, never a panic
	case ok:
		status = ent.status
	}
	if !ok {
		ent = cf.newEntry(e.Code(), status)
	}
	return status, ent
}

// applyFilter spells a snake_case code as the filter says.
func applyFilter(f codeFilter, s string) string {
	switch f {
	case filterUpper:
		return strings.ToUpper(s)
	case filterKebab:
		return strings.ReplaceAll(s, "_", "-")
	case filterPascal, filterCamel:
		var b strings.Builder
		b.Grow(len(s))
		up := f == filterPascal
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == '_' {
				up = true
				continue
			}
			if up && c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			up = false
			b.WriteByte(c)
		}
		return b.String()
	}
	return s
}

// unapplyFilter turns a wire spelling of an unknown code back into the Go
// spelling the filter would have produced it from.
func unapplyFilter(f codeFilter, s string) string {
	switch f {
	case filterUpper:
		return strings.ToLower(s)
	case filterKebab:
		return strings.ReplaceAll(s, "-", "_")
	case filterPascal, filterCamel:
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				if i > 0 {
					b.WriteByte('_')
				}
				c += 'a' - 'A'
			}
			b.WriteByte(c)
		}
		return b.String()
	}
	return s
}
