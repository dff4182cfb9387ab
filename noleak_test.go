package envelope

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostilePieces are fragments a cause or panic value is built from, so the
// no-leak property is checked against text that tries to break out of a
// header, a JSON string or a log line.
var hostilePieces = []string{
	"\r\n", "\x00", "\xff\xfe", "\u202e", "\u2028", "<script>", "\"}", "\\", "%s%n",
	"Set-Cookie: a=b", "{\"code\":\"owned\"}", "é", strings.Repeat("x", 300),
}

// secretText returns a hostile string holding a marker that is unique to
// this call, and the marker. The marker is plain ASCII, so it survives any
// escaping a leak could go through.
func secretText(rng *rand.Rand) (text, marker string) {
	var b [8]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	marker = "SECRET" + hex.EncodeToString(b[:])
	var sb strings.Builder
	for range 1 + rng.IntN(4) {
		sb.WriteString(hostilePieces[rng.IntN(len(hostilePieces))])
	}
	sb.WriteString(marker)
	sb.WriteString(hostilePieces[rng.IntN(len(hostilePieces))])
	return sb.String(), marker
}

// leakyPanic is a panic value whose text holds the secret.
type leakyPanic struct{ s string }

func (p leakyPanic) String() string { return p.s }

// leakCases are the ways a handler can fail with secret text: as the cause
// of an error, as an unexpected error, and as every kind of panic value.
var leakCases = []struct {
	name string
	fail func(w http.ResponseWriter, r *http.Request, secret string)
}{
	{"unexpected error", func(w http.ResponseWriter, r *http.Request, s string) {
		Write(w, r, fmt.Errorf("query failed: %s", s))
	}},
	{"cause of an APIError", func(w http.ResponseWriter, r *http.Request, s string) {
		Write(w, r, Wrap(errors.New(s), CodeConflict, "").WithArgs(1))
	}},
	{"cause of a 500", func(w http.ResponseWriter, r *http.Request, s string) {
		Write(w, r, Internal("").WithCause(errors.New(s)))
	}},
	{"joined", func(w http.ResponseWriter, r *http.Request, s string) {
		Write(w, r, errors.Join(errors.New(s), NotFound("").WithCause(errors.New(s))))
	}},
	{"wrapped standard error", func(w http.ResponseWriter, r *http.Request, s string) {
		Write(w, r, fmt.Errorf("%s: %w", s, &http.MaxBytesError{Limit: 10}))
	}},
	{"wrapped JSON error", func(w http.ResponseWriter, r *http.Request, s string) {
		Write(w, r, fmt.Errorf("%s: %w", s, &json.SyntaxError{Offset: 3}))
	}},
	{"cause of a Prepare'd error", func(w http.ResponseWriter, r *http.Request, s string) {
		Write(w, r, Forbidden("").WithCause(errors.New(s)))
	}},
	{"panic string", func(_ http.ResponseWriter, _ *http.Request, s string) { panic(s) }},
	{"panic error", func(_ http.ResponseWriter, _ *http.Request, s string) { panic(errors.New(s)) }},
	{"panic stringer", func(_ http.ResponseWriter, _ *http.Request, s string) { panic(leakyPanic{s}) }},
	{"panic struct", func(_ http.ResponseWriter, _ *http.Request, s string) { panic(struct{ A, B string }{s, s}) }},
}

// TestNoLeak is the no-leak property: for random hostile causes and panic
// values, in every preset format and every shipped language, over a real
// server, no response body or header holds the cause text, the panic value
// or a stack trace, and every response is a well-formed error envelope
// that a client reads back with the request ID. A Prepare hook that turns
// forbidden into not_found (keeping the cause) runs on every error, as an
// application's would.
func TestNoLeak(t *testing.T) {
	t.Parallel()
	loc, err := NewLocalizer(LocalizerOptions{})
	require.NoError(t, err)
	hide := func(_ *http.Request, e *APIError) *APIError {
		if e.Code() == CodeForbidden {
			return NotFound("").WithCause(e)
		}
		return nil
	}
	for pi, p := range Presets() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			ew := newWriter(t, WriterOptions{Format: p, Localizer: loc, Prepare: hide})
			secrets := make(chan string, 1)
			srv := serve(t, chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := <-secrets
				for _, c := range leakCases {
					if r.URL.Path == "/"+strings.ReplaceAll(c.name, " ", "-") {
						c.fail(w, r, s)
						return
					}
				}
				http.NotFound(w, r)
			})))
			rng := rand.New(rand.NewPCG(uint64(pi), 42))
			for _, lm := range loc.langs {
				lang := lm.tag.String()
				for _, c := range leakCases {
					text, marker := secretText(rng)
					secrets <- text
					resp, body := do(t, srv, http.MethodGet, "/"+strings.ReplaceAll(c.name, " ", "-"), http.Header{"Accept-Language": {lang}}, nil)
					where := fmt.Sprintf("%s, %s, %s", p.Name, lang, c.name)
					require.GreaterOrEqual(t, resp.StatusCode, 400, where)
					assertNoLeak(t, where, resp.Header, body, marker)
					e := Parse(resp.StatusCode, resp.Header, body)
					require.NotNil(t, e, where)
					assert.Nil(t, e.Unwrap(), "%s: not an envelope: %s", where, body)
					id := resp.Header.Get("X-Request-Id")
					require.NotEmpty(t, id, where)
					assert.Equal(t, id, e.RequestID(), where)
					assert.NotEqual(t, CodeForbidden, e.Code(), "%s: Prepare ran", where)
				}
			}
		})
	}
}

// assertNoLeak fails when the marker, or a sign of a stack trace, is in the
// body or any header.
func assertNoLeak(t *testing.T, where string, h http.Header, body []byte, marker string) {
	t.Helper()
	for _, s := range []string{marker, "goroutine ", ".go:", "panic("} {
		assert.NotContains(t, string(body), s, "%s: body %s", where, body)
		for k, vs := range h {
			for _, v := range vs {
				assert.NotContains(t, v, s, "%s: header %s", where, k)
			}
		}
	}
}
