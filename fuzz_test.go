package envelope

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzAppendJSONString holds the append encoder to encoding/json, the
// trusted encoder: for any input the bytes are identical.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "<script>&", "\x00\x1f\x7f\b\f\n\r\t", "\xff\xfe", "é\u2028\u2029", `"\`, "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		got := appendJSONString(nil, s)
		require.Equal(t, string(want), string(got))
	})
}

// sanitized is what a JSON string holding s decodes to: s with each invalid
// byte replaced by U+FFFD, as encoding/json does.
func sanitized(s string) string {
	b, _ := json.Marshal(s)
	var out string
	_ = json.Unmarshal(b, &out)
	return out
}

// FuzzWrite renders errors built from arbitrary strings. Whatever the input,
// the body is valid JSON and valid UTF-8 with HTML characters escaped, and it
// decodes back to the same code, message and fields.
func FuzzWrite(f *testing.F) {
	f.Add("Flag not found", "email", "must be valid", "req_1", "details")
	f.Add("<b>&</b>", "items[2].sku", "\xff\x00", "", "\u2028")
	f.Add("", "", "", "bad id\r\n", "")
	f.Fuzz(func(t *testing.T, msg, field, fieldMsg, id, detail string) {
		e := InvalidRequest(msg).WithDetails(map[string]string{"d": detail}).WithRequestID(id)
		if field != "" || fieldMsg != "" {
			e = e.WithField(field, fieldMsg)
		}
		rec := httptest.NewRecorder()
		quietWriter(t).Write(rec, httptest.NewRequest("GET", "/", nil), e)
		body := rec.Body.Bytes()
		require.True(t, json.Valid(body), "%q", body)
		require.True(t, utf8.Valid(body))
		require.False(t, strings.ContainsAny(string(body), "<>&"))
		var got struct {
			Code      string            `json:"code"`
			Message   string            `json:"message"`
			Details   map[string]string `json:"details"`
			Fields    map[string]string `json:"fields"`
			RequestID *string           `json:"requestId"`
		}
		require.NoError(t, json.Unmarshal(body, &got))
		assert.Equal(t, "invalid_request", got.Code)
		if len(e.Message()) <= maxMessageBytes {
			assert.Equal(t, sanitized(e.Message()), got.Message)
		}
		assert.Equal(t, sanitized(detail), got.Details["d"])
		if field != "" || fieldMsg != "" {
			assert.Equal(t, map[string]string{sanitized(field): sanitized(truncateMessage(fieldMsg))}, got.Fields)
		}
		if validRequestID(id) {
			require.NotNil(t, got.RequestID)
			assert.Equal(t, id, *got.RequestID)
			assert.Equal(t, id, rec.Header().Get("X-Request-Id"))
		} else {
			assert.Nil(t, got.RequestID, "an unsafe ID is never echoed")
			assert.Empty(t, rec.Header().Get("X-Request-Id"))
		}
	})
}

// FuzzAppendPointer checks that a field path always becomes a JSON string
// holding a URI-fragment JSON Pointer whose segments are the path's.
func FuzzAppendPointer(f *testing.F) {
	for _, s := range []string{"", "email", "items[2].sku", "a/b~c", "a..b", "[0][1]", "é %\"<"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		out := appendPointer(nil, path)
		require.True(t, json.Valid(out), "%q", out)
		var ptr string
		require.NoError(t, json.Unmarshal(out, &ptr))
		require.True(t, strings.HasPrefix(ptr, "#"))
		for i := 1; i < len(ptr); i++ {
			c := ptr[i]
			require.True(t, c == '/' || c == '%' || fragmentSafe(c), "byte %q not allowed in a fragment: %q", c, ptr)
		}
		want := strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
		var segs []string
		if ptr != "#" {
			for _, s := range strings.Split(ptr[2:], "/") {
				segs = append(segs, unescapePointerSegment(t, s))
			}
		}
		assert.Equal(t, len(want), len(segs))
		for i := range min(len(want), len(segs)) {
			assert.Equal(t, want[i], segs[i])
		}
	})
}

func unescapePointerSegment(t *testing.T, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '%' && i+2 < len(s):
			v, err := hexByte(s[i+1], s[i+2])
			require.NoError(t, err)
			b.WriteByte(v)
			i += 2
		case strings.HasPrefix(s[i:], "~0"):
			b.WriteByte('~')
			i++
		case strings.HasPrefix(s[i:], "~1"):
			b.WriteByte('/')
			i++
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func hexByte(a, b byte) (byte, error) {
	var v byte
	for _, c := range []byte{a, b} {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= c - '0'
		case c >= 'A' && c <= 'F':
			v |= c - 'A' + 10
		default:
			return 0, &json.SyntaxError{}
		}
	}
	return v, nil
}
