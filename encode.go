package envelope

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The envelope's own members are written by a reflection-free append
// encoder; encoding/json is used only for user-supplied values (details and
// extensions) that are not one of the simple types handled inline.

// maxMessageBytes caps public messages and field messages on the wire. A
// longer one is cut at a UTF-8 boundary and ends in "…".
const maxMessageBytes = 8 << 10

// renderInput is what a render needs beyond the error itself.
type renderInput struct {
	status    int
	message   string
	requestID string
	instance  string
	details   bool // render details and extensions (false after a marshal failure)
	// problem overrides the problem type and adds extension members; set
	// by annotate (render.go).
	problem problemAnnotation
}

// appendError appends the body of e. It returns an error only when a
// user-supplied value (details or an extension) fails to marshal; the
// caller then renders again with in.details false.
func (cf *compiledFormat) appendError(dst []byte, e *APIError, in renderInput) ([]byte, error) {
	hasFields := len(e.fields) > 0 && cf.hasFieldsOut
	dst = append(dst, cf.open...)
	first := true
	sep := func(dst []byte) []byte {
		if first {
			first = false
			return dst
		}
		return append(dst, ',')
	}
	var err error
	for i := range cf.members {
		m := &cf.members[i]
		if m.OmitWithFields && hasFields {
			continue
		}
		switch m.Kind {
		case MemberCode:
			dst = append(sep(dst), m.key...)
			dst = cf.appendCode(dst, e.Code())
		case MemberMessage:
			dst = append(sep(dst), m.key...)
			dst = appendJSONString(dst, truncateMessage(in.message))
		case MemberDetails:
			switch {
			case m.CarriesFields && hasFields:
				dst = append(sep(dst), m.key...)
				dst = appendFields(dst, e.fields, m.Fields)
			case e.details != nil && in.details:
				dst = append(sep(dst), m.key...)
				if dst, err = appendValue(dst, e.details); err != nil {
					return dst, err
				}
			default:
				dst = appendEmpty(dst, m, sep)
			}
		case MemberFields:
			if len(e.fields) > 0 {
				dst = append(sep(dst), m.key...)
				dst = appendFields(dst, e.fields, m.Fields)
			} else {
				dst = appendEmpty(dst, m, sep)
			}
		case MemberRequestID:
			if in.requestID != "" {
				dst = append(sep(dst), m.key...)
				dst = appendJSONString(dst, in.requestID)
			}
		case MemberStatus:
			dst = append(sep(dst), m.key...)
			dst = strconv.AppendInt(dst, int64(in.status), 10)
		case MemberType:
			dst = append(sep(dst), m.key...)
			if in.problem.typeURI != "" {
				dst = appendJSONString(dst, in.problem.typeURI)
			} else if cf.f.TypeBase == "" {
				dst = append(dst, `"about:blank"`...)
			} else {
				dst = appendJSONString(dst, cf.f.TypeBase+string(e.Code()))
			}
		case MemberTitle:
			dst = append(sep(dst), m.key...)
			if in.problem.title != "" {
				dst = appendJSONString(dst, in.problem.title)
			} else if cf.f.TypeBase == "" {
				dst = appendJSONString(dst, http.StatusText(in.status))
			} else {
				dst = appendJSONString(dst, defaultMessage(e.Code(), in.status))
			}
		case MemberInstance:
			if in.instance != "" {
				dst = append(sep(dst), m.key...)
				dst = appendJSONString(dst, in.instance)
			}
		}
	}
	if in.details {
		xs := e.extensions
		if len(in.problem.extensions) > 0 {
			xs = append(append([]Extension(nil), in.problem.extensions...), xs...)
		}
		for i, x := range xs {
			if x.Name == "" || cf.reserved[x.Name] || !utf8.ValidString(x.Name) || extensionSeen(xs[:i], x.Name) {
				continue
			}
			dst = sep(dst)
			dst = appendJSONString(dst, x.Name)
			dst = append(dst, ':')
			if dst, err = appendValue(dst, x.Value); err != nil {
				return dst, err
			}
		}
	}
	return append(dst, cf.close...), nil
}

func extensionSeen(xs []Extension, name string) bool {
	for _, x := range xs {
		if x.Name == name {
			return true
		}
	}
	return false
}

func appendEmpty(dst []byte, m *compiledMember, sep func([]byte) []byte) []byte {
	switch m.Empty {
	case EmptyNull:
		return append(append(sep(dst), m.key...), "null"...)
	case EmptyObject:
		return append(append(sep(dst), m.key...), "{}"...)
	}
	return dst
}

func truncateMessage(s string) string {
	if len(s) <= maxMessageBytes {
		return s
	}
	return truncateUTF8(s, maxMessageBytes-len("…")) + "…"
}

// fieldGroups calls fn once per distinct field path, in order of first
// appearance, with the indexes of its errors. Small lists are grouped by a
// linear scan; larger ones through a map, so the cost stays linear.
func fieldGroups(fields []FieldError, fn func(path string, idx []int)) {
	var stack [16]int
	if len(fields) <= 8 {
		var done [8]bool
		for i := range fields {
			if done[i] {
				continue
			}
			idx := stack[:0]
			for j := i; j < len(fields); j++ {
				if !done[j] && fields[j].Field == fields[i].Field {
					done[j] = true
					idx = append(idx, j)
				}
			}
			fn(fields[i].Field, idx)
		}
		return
	}
	order := make([]string, 0, len(fields))
	groups := make(map[string][]int, len(fields))
	for i, f := range fields {
		if _, ok := groups[f.Field]; !ok {
			order = append(order, f.Field)
		}
		groups[f.Field] = append(groups[f.Field], i)
	}
	for _, p := range order {
		fn(p, groups[p])
	}
}

func appendFields(dst []byte, fields []FieldError, style FieldStyle) []byte {
	switch style {
	case FieldsObjects, FieldsPointers:
		dst = append(dst, '[')
		for i, f := range fields {
			if i > 0 {
				dst = append(dst, ',')
			}
			if style == FieldsObjects {
				dst = append(dst, `{"field":`...)
				dst = appendJSONString(dst, f.Field)
				if f.Code != "" {
					dst = append(dst, `,"code":`...)
					dst = appendJSONString(dst, f.Code)
				}
				dst = append(dst, `,"message":`...)
				dst = appendJSONString(dst, truncateMessage(f.Message))
			} else {
				dst = append(dst, `{"detail":`...)
				dst = appendJSONString(dst, truncateMessage(f.Message))
				dst = append(dst, `,"pointer":`...)
				dst = appendPointer(dst, f.Field)
				if f.Code != "" {
					dst = append(dst, `,"code":`...)
					dst = appendJSONString(dst, f.Code)
				}
			}
			dst = append(dst, '}')
		}
		return append(dst, ']')
	}
	dst = append(dst, '{')
	first := true
	fieldGroups(fields, func(path string, idx []int) {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendJSONString(dst, path)
		dst = append(dst, ':')
		if style == FieldsMessages {
			dst = append(dst, '[')
			for k, i := range idx {
				if k > 0 {
					dst = append(dst, ',')
				}
				dst = appendJSONString(dst, truncateMessage(fields[i].Message))
			}
			dst = append(dst, ']')
			return
		}
		if len(idx) == 1 {
			dst = appendJSONString(dst, truncateMessage(fields[idx[0]].Message))
			return
		}
		joined := make([]byte, 0, 64)
		for k, i := range idx {
			if k > 0 {
				joined = append(joined, "; "...)
			}
			joined = append(joined, fields[i].Message...)
		}
		dst = appendJSONString(dst, truncateMessage(string(joined)))
	})
	return append(dst, '}')
}

// appendPointer appends the JSON Pointer (RFC 6901) of a dotted field path
// in URI fragment form (RFC 6901 §6), as a JSON string: "items[2].sku"
// becomes "#/items/2/sku" and "" the root, "#". "~" and "/" inside a segment
// are escaped as "~0" and "~1"; bytes a fragment may not hold are
// percent-encoded.
func appendPointer(dst []byte, path string) []byte {
	buf := make([]byte, 0, len(path)+8)
	buf = append(buf, '#')
	segments := strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
	for _, seg := range segments {
		buf = append(buf, '/')
		for i := 0; i < len(seg); i++ {
			switch c := seg[i]; {
			case c == '~':
				buf = append(buf, "~0"...)
			case c == '/':
				buf = append(buf, "~1"...)
			case fragmentSafe(c):
				buf = append(buf, c)
			default:
				buf = append(buf, '%', upperHex[c>>4], upperHex[c&15])
			}
		}
	}
	return appendJSONString(dst, string(buf))
}

const upperHex = "0123456789ABCDEF"

// fragmentSafe reports whether c may appear unescaped in a URI fragment
// (RFC 3986 §3.5), excluding '/' which separates pointer segments.
func fragmentSafe(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '?':
		return true
	}
	return false
}

// appendValue appends v as JSON. Common simple types are written inline;
// anything else goes through encoding/json, which escapes HTML and replaces
// invalid UTF-8 as this encoder does.
func appendValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendJSONString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	}
	b, err := marshalJSON(v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// maxValueDepth caps how deep a details or extension value may nest arrays
// and objects. encoding/json writes any depth but reads at most 10,000
// levels, and many parsers stop far sooner (around 1,000), so a deeper
// value would make a body that clients cannot read. Real details nest a
// few levels.
const maxValueDepth = 256

// marshalJSON is json.Marshal that also turns a panic in a MarshalJSON or
// MarshalText method (which encoding/json re-panics) into an error, so a
// broken details value leaves the details out instead of crashing Write,
// and rejects a value nested deeper than maxValueDepth.
func marshalJSON(v any) (b []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("json: marshalling %T panicked: %s", v, safePanicText(p))
		}
	}()
	b, err = json.Marshal(v)
	if err == nil && jsonDepthExceeds(b, maxValueDepth) {
		return nil, fmt.Errorf("json: %T nests deeper than %d levels", v, maxValueDepth)
	}
	return b, err
}

// jsonDepthExceeds reports whether the valid JSON text b nests arrays and
// objects more than max levels deep.
func jsonDepthExceeds(b []byte, max int) bool {
	depth, inString := 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			if depth++; depth > max {
				return true
			}
		case ']', '}':
			depth--
		}
	}
	return false
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, byte for byte as
// encoding/json would (a fuzz test holds it to that). Like encoding/json it escapes
// '<', '>' and '&' (so a body is safe to embed in HTML), U+2028 and U+2029,
// and replaces invalid UTF-8 with U+FFFD: the result is always valid JSON
// and valid UTF-8.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Body buffers are pooled. A buffer that grew past maxPooledBuffer is
// dropped rather than kept, so one huge error does not pin memory.
const maxPooledBuffer = 64 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuffer() *[]byte { return bufPool.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if cap(*b) > maxPooledBuffer {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

func httpCanonicalHeaderKey(k string) string { return http.CanonicalHeaderKey(k) }
