package benchmarks

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allScenarios lists every scenario the benchmarks run, so that a broken
// contender fails go test rather than quietly measuring nothing.
func allScenarios() []scenario {
	var ss []scenario
	for _, ec := range errorCases() {
		ss = append(ss, scenarioFor(ec), chainScenarioFor(ec))
	}
	return ss
}

// TestContenders runs each contender once against a recorder and checks it
// sends its expected status, a Content-Type and a non-empty body, which is
// valid JSON except for http.Error's plain text.
func TestContenders(t *testing.T) {
	t.Parallel()
	for _, s := range allScenarios() {
		for _, c := range s.contenders {
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				rec := httptest.NewRecorder()
				c.serve(rec, s.request())
				assert.Equal(t, c.status, rec.Code)
				require.NotEmpty(t, rec.Body.Bytes())
				assert.NotEmpty(t, rec.Header().Get("Content-Type"))
				if c.name != "http_Error" {
					assert.True(t, json.Valid(bytes.TrimSpace(rec.Body.Bytes())), "body is not JSON: %s", rec.Body.String())
				}
			})
		}
	}
}

// TestContendersReuseWriter serves each contender twice on one
// discardWriter, reset in between as the benchmarks do, and checks the
// second response is complete too (a contender that only works once would
// otherwise be measured doing nothing).
func TestContendersReuseWriter(t *testing.T) {
	t.Parallel()
	for _, s := range allScenarios() {
		for _, c := range s.contenders {
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				r := s.request()
				w := newDiscardWriter()
				c.serve(w, r)
				first := w.n
				w.reset()
				c.serve(w, r)
				assert.Equal(t, c.status, w.status)
				assert.Equal(t, first, w.n)
				assert.Positive(t, w.n)
			})
		}
	}
}

// TestOursMatchesFloor checks the like-for-like floor sends what envelope
// sends (the same status, headers and body, over the wire, so the chain's
// headers are in it too in the chain scenarios), so the ratio to it
// measures only envelope's work; and that each response of either has
// header values of its own: one changed in place after the response does
// not reach the next.
func TestOursMatchesFloor(t *testing.T) {
	t.Parallel()
	for _, s := range allScenarios() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			type sent struct {
				status int
				header http.Header
				body   string
			}
			get := func(c contender) sent {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					c.serve(w, s.request())
					for _, v := range w.Header() {
						v[0] = "mutated" // must not reach the next response
					}
				}))
				defer srv.Close()
				var first sent
				for i := range 2 {
					resp, err := http.Get(srv.URL)
					require.NoError(t, err)
					body, err := io.ReadAll(resp.Body)
					_ = resp.Body.Close()
					require.NoError(t, err)
					resp.Header.Del("Date")
					got := sent{resp.StatusCode, resp.Header, string(body)}
					if i == 0 {
						first = got
						continue
					}
					assert.Equal(t, first, got, "%s: the second response differs", c.name)
				}
				return first
			}
			ours, floor := get(s.contenders[0]), get(s.contenders[1])
			require.Equal(t, "floor", s.contenders[1].name)
			assert.Equal(t, ours, floor)
			assert.NotEmpty(t, ours.header.Get("X-Request-Id"))
		})
	}
}
