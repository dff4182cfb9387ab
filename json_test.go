package envelope

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAppendJSONStringAgreesWithEncodingJSON checks the table-driven scan
// against encoding/json on every single byte, the escaped runes and random
// strings: the output is valid JSON that decodes to what encoding/json's
// output decodes to, and never holds a raw '<', '>' or '&'.
func TestAppendJSONStringAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	inputs := []string{"", "plain", "a\u2028b\u2029c", "\xff\xfe", "<script>&amp;</script>", "tab\tnl\ncr\r", `q"b\`, "é日本\U0001F600"}
	for c := 0; c < 256; c++ {
		inputs = append(inputs, string([]byte{'x', byte(c), 'y'}))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab<>&\"\\\x00\x1f\x7f\xc3\xa9\xe2\x80\xa8\xff ")
	for range 500 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		got := appendJSONString(nil, s)
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.True(t, json.Valid(got), "%q -> %s", s, got)
		require.True(t, utf8.Valid(got), "%q -> %s", s, got)
		assert.NotContains(t, string(got), "<")
		assert.NotContains(t, string(got), ">")
		assert.NotContains(t, string(got), "&")
		var g, w string
		require.NoError(t, json.Unmarshal(got, &g))
		require.NoError(t, json.Unmarshal(want, &w))
		assert.Equal(t, w, g, "input %q", s)
	}
}

// TestAppendMarshaledMatchesMarshal checks the pooled encoder writes what
// json.Marshal does, appends after existing bytes, and leaves dst as it was
// on failure.
func TestAppendMarshaledMatchesMarshal(t *testing.T) {
	t.Parallel()
	values := []any{map[string]any{"b": "<&>", "a": []int{1, 2}}, struct {
		X float64 `json:"x"`
	}{1.5}, []string{"\u2028", "\xff"}, json.RawMessage(`{"k" : 1}`)}
	for _, v := range values {
		want, err := json.Marshal(v)
		require.NoError(t, err)
		got, err := appendMarshaled([]byte("prefix"), v)
		require.NoError(t, err)
		assert.Equal(t, "prefix"+string(want), string(got))
	}
	got, err := appendMarshaled([]byte("prefix"), func() {})
	require.Error(t, err)
	assert.Equal(t, "prefix", string(got))
}

// TestJSONDepthExceeds checks the depth guard on values nested past what
// parsers read, strings with brackets inside not counted.
func TestJSONDepthExceeds(t *testing.T) {
	t.Parallel()
	deep := func(n int) []byte {
		b := make([]byte, 0, 2*n)
		for range n {
			b = append(b, '[')
		}
		for range n {
			b = append(b, ']')
		}
		return b
	}
	assert.False(t, jsonDepthExceeds(deep(maxValueDepth), maxValueDepth))
	assert.True(t, jsonDepthExceeds(deep(maxValueDepth+1), maxValueDepth))
	assert.False(t, jsonDepthExceeds([]byte(`["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]`), 2))
}
