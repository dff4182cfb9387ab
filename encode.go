package envelope

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
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

// fieldLink chains the field errors that share a path: next is the index
// of the following error with the same path (0 for none: a successor always
// has a higher index than some earlier error, so never 0), and follower
// marks an error whose path appeared earlier.
type fieldLink struct {
	next     int32
	follower bool
}

// smallFieldList is the longest field list grouped by a pairwise scan
// (bounded by smallFieldList² comparisons); stackFieldList the longest
// grouped with no allocation at all, its links and hash table on the stack.
const (
	smallFieldList = 8
	stackFieldList = 32
)

// fieldSeed seeds the hash that groups long field lists, so that paths a
// client chose cannot be made to collide.
var fieldSeed = maphash.MakeSeed()

// linkFieldGroups fills links (len(fields) long) so that walking from each
// non-follower through next visits one path's errors in order. Small lists
// are linked by a pairwise scan; longer ones through an open-addressing
// table of seeded hashes at most a quarter full (on the stack up to
// stackFieldList errors), so the cost stays linear.
func linkFieldGroups(fields []FieldError, links []fieldLink) {
	if len(fields) <= smallFieldList {
		for i := range fields {
			if links[i].follower {
				continue
			}
			prev := i
			for j := i + 1; j < len(fields); j++ {
				if !links[j].follower && fields[j].Field == fields[i].Field {
					links[prev].next = int32(j)
					links[j].follower = true
					prev = j
				}
			}
		}
		return
	}
	var stack [4 * stackFieldList]int32
	size := len(stack)
	for size < 4*len(fields) {
		size <<= 1
	}
	table := stack[:]
	if size > len(stack) {
		table = make([]int32, size)
	}
	mask := uint64(size - 1)
	// A slot holds 1 + the index of the last error seen with its path.
	for i := range fields {
		for h := maphash.String(fieldSeed, fields[i].Field) & mask; ; h = (h + 1) & mask {
			slot := table[h]
			if slot == 0 {
				table[h] = int32(i + 1)
				break
			}
			if last := slot - 1; fields[last].Field == fields[i].Field {
				links[last].next = int32(i)
				links[i].follower = true
				table[h] = int32(i + 1)
				break
			}
		}
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
	var stack [stackFieldList]fieldLink
	links := stack[:]
	if len(fields) > len(stack) {
		links = make([]fieldLink, len(fields))
	}
	links = links[:len(fields)]
	linkFieldGroups(fields, links)
	dst = append(dst, '{')
	first := true
	for i := range fields {
		if links[i].follower {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendJSONString(dst, fields[i].Field)
		dst = append(dst, ':')
		switch {
		case style == FieldsMessages:
			dst = append(dst, '[')
			for k := i; ; k = int(links[k].next) {
				if k != i {
					dst = append(dst, ',')
				}
				dst = appendJSONString(dst, truncateMessage(fields[k].Message))
				if links[k].next == 0 {
					break
				}
			}
			dst = append(dst, ']')
		case links[i].next == 0:
			dst = appendJSONString(dst, truncateMessage(fields[i].Message))
		default:
			joined := make([]byte, 0, 64)
			for k := i; ; k = int(links[k].next) {
				if k != i {
					joined = append(joined, "; "...)
				}
				joined = append(joined, fields[k].Message...)
				if links[k].next == 0 {
					break
				}
			}
			dst = appendJSONString(dst, truncateMessage(string(joined)))
		}
	}
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
	return appendMarshaled(dst, v)
}

// valueEncoder is an encoding/json Encoder that appends to a byte slice;
// pooled, so that marshaling a user value into the body costs no more than
// encoding/json's own (pooled) work, and no copy of the result.
type valueEncoder struct {
	buf []byte
	enc *json.Encoder
}

func (ve *valueEncoder) Write(p []byte) (int, error) {
	ve.buf = append(ve.buf, p...)
	return len(p), nil
}

var encoderPool = sync.Pool{New: func() any {
	ve := &valueEncoder{}
	ve.enc = json.NewEncoder(ve) // escapes HTML, like json.Marshal
	return ve
}}

// appendMarshaled appends json.Marshal(v) to dst: the same bytes, written
// by a pooled Encoder straight into dst. On error dst is returned as it
// was. A MarshalJSON or MarshalText method that panics is an error, not a
// crash (encoding/json re-panics it), and so is a value nested deeper than
// maxValueDepth, which decoders reject.
func appendMarshaled(dst []byte, v any) (out []byte, err error) {
	ve := encoderPool.Get().(*valueEncoder)
	defer func() {
		if p := recover(); p != nil {
			// The encoder's state is unknown: it is not pooled again.
			out, err = dst, fmt.Errorf("json: marshalling %T panicked: %s", v, safePanicText(p))
		}
	}()
	ve.buf = dst
	err = ve.enc.Encode(v)
	out = ve.buf
	ve.buf = nil // do not keep the caller's buffer alive in the pool
	encoderPool.Put(ve)
	if err != nil {
		return dst, err
	}
	out = out[:len(out)-1] // Encode ends each value with a newline
	if jsonDepthExceeds(out[len(dst):], maxValueDepth) {
		return dst, fmt.Errorf("json: %T nests deeper than %d levels", v, maxValueDepth)
	}
	return out, nil
}

// maxValueDepth caps how deep a details or extension value may nest arrays
// and objects. encoding/json writes any depth but reads at most 10,000
// levels, and many parsers stop far sooner (around 1,000), so a deeper
// value would make a body that clients cannot read. Real details nest a
// few levels.
const maxValueDepth = 256

// jsonDepthExceeds reports whether the valid JSON text b nests arrays and
// objects more than max levels deep.
func jsonDepthExceeds(b []byte, max int) bool {
	// Fewer openers than max cannot nest deeper than max: count them
	// first, which is far cheaper than the walk below.
	if bytes.Count(b, []byte{'['})+bytes.Count(b, []byte{'{'}) <= max {
		return false
	}
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

// jsonSafe[c] is true for the ASCII bytes appendJSONString copies as they
// are: printable, and none of '"', '\\', '<', '>', '&'. Bytes >= 0x80 are
// false and take the UTF-8 path. One table load per byte keeps the common
// all-safe scan tight.
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

// appendJSONString appends s as a JSON string, byte for byte as
// encoding/json would (a fuzz test holds it to that). Like encoding/json it escapes
// '<', '>' and '&' (so a body is safe to embed in HTML), U+2028 and U+2029,
// and replaces invalid UTF-8 with U+FFFD: the result is always valid JSON
// and valid UTF-8. Runs of safe bytes are copied with one append each.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip safe bytes four at a time: most strings are all safe.
		for i+4 <= len(s) && jsonSafe[s[i]] && jsonSafe[s[i+1]] && jsonSafe[s[i+2]] && jsonSafe[s[i+3]] {
			i += 4
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if jsonSafe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
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
