package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"unicode/utf8"
)

// This file is the package's JSON: a reflection-free append encoder for the
// envelope's own members (encoding/json only for user-supplied values that
// are not simple types), pooled body buffers, and the small reader a
// [Parser] uses to take a body apart in document order.

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
	dst = appendJSONStringContent(dst, s)
	return append(dst, '"')
}

// appendJSONStringContent appends s escaped as appendJSONString does,
// without the quotes.
func appendJSONStringContent(dst []byte, s string) []byte {
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
	return append(dst, s[start:]...)
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

// jsonObject is a JSON object's members in document order.
type jsonObject []jsonMember

type jsonMember struct {
	name  string
	value json.RawMessage
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

// parseArray parses b, which must be one JSON array, into its elements.
func parseArray(b []byte) ([]json.RawMessage, error) {
	var out []json.RawMessage
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}
