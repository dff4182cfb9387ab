package benchmarks

import (
	"bytes"
	"encoding/json"
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
		ss = append(ss, scenarioFor(ec))
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

// TestOursMatchesFloor checks both floors write the same bytes as envelope,
// so the ratio to them measures only envelope's work.
func TestOursMatchesFloor(t *testing.T) {
	t.Parallel()
	for _, s := range allScenarios() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			ours := httptest.NewRecorder()
			s.contenders[0].serve(ours, s.request())
			for _, c := range s.contenders[1:3] {
				floor := httptest.NewRecorder()
				c.serve(floor, s.request())
				assert.Equal(t, ours.Body.String(), floor.Body.String(), c.name)
				assert.Equal(t, ours.Header(), floor.Header(), c.name)
				assert.Equal(t, ours.Code, floor.Code, c.name)
			}
		})
	}
}
