package envelope

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
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

// referenceGroups renders field errors in the messages-by-path styles the
// obvious way (first-appearance order, a map of slices), for comparison.
func referenceGroups(fields []FieldError, style FieldStyle) string {
	var order []string
	msgs := map[string][]string{}
	for _, f := range fields {
		if _, ok := msgs[f.Field]; !ok {
			order = append(order, f.Field)
		}
		msgs[f.Field] = append(msgs[f.Field], f.Message)
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, p := range order {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(appendJSONString(nil, p))
		b.WriteByte(':')
		if style == FieldsMessages {
			b.WriteByte('[')
			for k, m := range msgs[p] {
				if k > 0 {
					b.WriteByte(',')
				}
				b.Write(appendJSONString(nil, m))
			}
			b.WriteByte(']')
			continue
		}
		b.Write(appendJSONString(nil, strings.Join(msgs[p], "; ")))
	}
	b.WriteByte('}')
	return b.String()
}

// TestFieldGroupingMatchesReference covers every grouping strategy (the
// pairwise scan, the hash table on the stack, the allocated one) with
// random lists whose paths repeat.
func TestFieldGroupingMatchesReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 7, smallFieldList, smallFieldList + 1, stackFieldList, stackFieldList + 1, 200} {
		for _, paths := range []int{1, 3, n + 1} {
			fields := make([]FieldError, n)
			for i := range fields {
				fields[i] = FieldError{Field: fmt.Sprintf("p%d", rng.IntN(paths)), Message: fmt.Sprintf("m%d", i)}
			}
			for _, style := range []FieldStyle{FieldsMessage, FieldsMessages} {
				got := string(appendFields(nil, fields, style))
				assert.Equal(t, referenceGroups(fields, style), got, "n=%d paths=%d style=%d", n, paths, style)
			}
		}
	}
}

// TestWriteDeletesStaleHeadersOverTheWire sets stale and unrelated headers
// before Write, fewer and more than there are stale names (the two paths of
// deleteStaleHeaders), and checks what a client receives.
func TestWriteDeletesStaleHeadersOverTheWire(t *testing.T) {
	t.Parallel()
	stale := map[string]string{"Etag": `"v1"`, "Last-Modified": "Mon, 02 Jan 2006 15:04:05 GMT", "Content-Disposition": "attachment", "Expires": "0", "Accept-Ranges": "bytes", "Content-Location": "/x", "Content-Range": "bytes 0-1/2"}
	tests := []struct {
		name  string
		stale []string
		extra int
	}{
		{"none", nil, 0},
		{"few", []string{"Etag", "Content-Disposition"}, 1},
		{"all stale", []string{"Etag", "Last-Modified", "Content-Disposition", "Expires", "Accept-Ranges", "Content-Location", "Content-Range"}, 0},
		{"many", []string{"Etag", "Expires"}, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
				h := w.Header()
				for _, k := range tt.stale {
					h.Set(k, stale[k])
				}
				for i := range tt.extra {
					h.Set(fmt.Sprintf("X-Keep-%d", i), "yes")
				}
				Write(w, r, NotFound(""))
			})
			resp, body := fetch(t, srv, http.MethodGet, "/", nil)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode)
			assert.True(t, json.Valid(body))
			for k := range stale {
				assert.Empty(t, resp.Header.Get(k), k)
			}
			for i := range tt.extra {
				assert.Equal(t, "yes", resp.Header.Get(fmt.Sprintf("X-Keep-%d", i)))
			}
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
		})
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

// TestIsStaleHeaderMatchesTheList keeps the switch used for small header
// maps in step with staleHeaders, which the other path deletes.
func TestIsStaleHeaderMatchesTheList(t *testing.T) {
	t.Parallel()
	for _, k := range staleHeaders {
		assert.True(t, isStaleHeader(k), k)
	}
	for _, k := range []string{"Content-Type", "Content-Encoding", "Vary", "X-Request-Id", "etag", ""} {
		assert.False(t, isStaleHeader(k), k)
	}
}

// TestHeaderValuesAreNotSharedBetweenRequests changes a header value in
// place after Write, as a careless middleware might, and checks the next
// request's response is unaffected: Write's values belong to one request.
func TestHeaderValuesAreNotSharedBetweenRequests(t *testing.T) {
	t.Parallel()
	for _, withID := range []bool{true, false} {
		t.Run(fmt.Sprintf("id=%v", withID), func(t *testing.T) {
			t.Parallel()
			srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
				if withID {
					r = r.WithContext(ContextWithRequestID(r.Context(), "req-"+r.URL.Query().Get("n")))
				}
				Write(w, r, NotFound(""))
				h := w.Header()
				h["Cache-Control"][0] = "mutated"
				h["X-Content-Type-Options"][0] = "mutated"
			})
			for n := range 3 {
				resp, _ := fetch(t, srv, http.MethodGet, fmt.Sprintf("/?n=%d", n), nil)
				assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
				assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
				if withID {
					assert.Equal(t, fmt.Sprintf("req-%d", n), resp.Header.Get("X-Request-Id"))
				}
			}
		})
	}
}

// TestHeaderValuesUseTheRequestsArray checks that the context helpers and
// the request ID middleware leave the values Write needs in the request
// state, and that a state without them, an ID from the error or another
// format's media type gets a fresh array.
func TestHeaderValuesUseTheRequestsArray(t *testing.T) {
	t.Parallel()
	ew, err := NewErrorWriter(Config{Challenge: "Basic"})
	require.NoError(t, err)
	mt := ew.format.mediaType
	ctx := ContextWithErrorWriter(ContextWithRequestID(t.Context(), "abc"), ew)
	st := stateFrom(ctx)
	require.NotNil(t, st)
	assert.Same(t, &st.values, headerValues(st, mt, "abc", "Basic"))
	assert.Equal(t, headerArray{mt, "nosniff", "no-store", "abc", "Basic"}, st.values)
	for _, other := range []*headerArray{
		headerValues(st, mt, "from-error", "Basic"),
		headerValues(st, "application/problem+json", "abc", "Basic"),
	} {
		assert.NotSame(t, &st.values, other)
	}
	assert.Equal(t, headerArray{mt, "nosniff", "no-store", "from-error", "Basic"}, *headerValues(st, mt, "from-error", "Basic"))
	bare := &requestState{id: "abc", writer: ew}
	assert.NotSame(t, &bare.values, headerValues(bare, mt, "abc", "Basic"))
	assert.Equal(t, headerArray{"x", "nosniff", "no-store", "", "y"}, *headerValues(nil, "x", "", "y"))

	// The middleware's state carries them too.
	var got *requestState
	mw, err := RequestID(RequestIDOptions{})
	require.NoError(t, err)
	h := mw(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got = stateFrom(r.Context())
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	require.NotNil(t, got)
	ew = writerFor(httptest.NewRequest(http.MethodGet, "/", nil).WithContext(context.WithValue(t.Context(), ctxKey{}, got)))
	assert.Same(t, &got.values, headerValues(got, ew.format.mediaType, got.id, ew.challenge))
}

// fieldGroups calls fn once per distinct field path, in order of first
// appearance, with the indexes of its errors, walking the links the encoder
// groups by. Tests use it to say what a grouped body holds.
func fieldGroups(fields []FieldError, fn func(path string, idx []int)) {
	links := make([]fieldLink, len(fields))
	linkFieldGroups(fields, links)
	var idx []int
	for i := range fields {
		if links[i].follower {
			continue
		}
		idx = idx[:0]
		for k := i; ; k = int(links[k].next) {
			idx = append(idx, k)
			if links[k].next == 0 {
				break
			}
		}
		fn(fields[i].Field, idx)
	}
}

// TestLocalizedHeaderValuesAreNotShared does the same for the values a
// Localizer and Alternates add: Content-Language and Vary.
func TestLocalizedHeaderValuesAreNotShared(t *testing.T) {
	t.Parallel()
	loc, err := NewLocalizer(LocalizerOptions{})
	require.NoError(t, err)
	ew, err := NewErrorWriter(Config{Localizer: loc, Alternates: []Format{ProblemFormat()}, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
		ew.Write(w, r, ErrNotFound)
		h := w.Header()
		h["Content-Language"][0] = "mutated"
		h["Vary"][0] = "mutated"
	})
	for range 3 {
		resp, _ := fetch(t, srv, http.MethodGet, "/", nil, "Accept-Language", "de")
		assert.Equal(t, "de", resp.Header.Get("Content-Language"))
		assert.Equal(t, []string{"Accept-Language", "Accept"}, resp.Header.Values("Vary"))
	}
}
