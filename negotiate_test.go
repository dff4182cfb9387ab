package envelope

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNegotiation(t *testing.T) {
	t.Parallel()
	errs := map[string]error{"/x": NotFound("nope")}
	srv := errorServer(t, WriterOptions{Alternates: []Format{ProblemFormat()}}, errs)
	plain := errorServer(t, WriterOptions{}, errs)
	tests := []struct {
		name, accept, vary, want string
	}{
		{"no accept", "", "", "application/json"},
		{"problem", "application/problem+json", "", ProblemMediaType},
		{"problem preferred", "application/json;q=0.5, application/problem+json", "", ProblemMediaType},
		{"json preferred", "application/problem+json;q=0.4, application/json", "", "application/json"},
		{"tie keeps main", "application/problem+json, application/json", "", "application/json"},
		{"wildcard", "*/*", "", "application/json"},
		{"application wildcard", "application/*", "", "application/json"},
		{"case and spaces", " Application/Problem+JSON ; q=1.0", "", ProblemMediaType},
		{"refused", "application/problem+json;q=0", "", "application/json"},
		{"bad q", "application/problem+json;q=abc", "", "application/json"},
		{"vary kept", "application/problem+json", "Origin", ProblemMediaType},
		{"vary not duplicated", "application/problem+json", "accept", ProblemMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.accept != "" {
				h.Set("Accept", tt.accept)
			}
			path := "/x"
			resp, body := do(t, srv, http.MethodGet, path, h, nil)
			assert.Equal(t, tt.want, resp.Header.Get("Content-Type"))
			assert.Equal(t, 404, resp.StatusCode)
			assert.True(t, json.Valid(body))
			assert.Equal(t, []string{"Accept"}, resp.Header.Values("Vary"))
			resp, _ = do(t, plain, http.MethodGet, path, h, nil)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), "no negotiation without alternates")
			assert.Empty(t, resp.Header.Values("Vary"))
		})
	}
}

func TestNegotiationVaryMerge(t *testing.T) {
	t.Parallel()
	ew := newWriter(t, WriterOptions{Alternates: []Format{ProblemFormat()}})
	for _, pre := range [][]string{{"Origin"}, {"accept"}, {"Origin, Accept-Encoding"}, {"*"}} {
		srv := newVaryServer(t, ew, pre)
		resp, _ := do(t, srv, http.MethodGet, "/", nil, nil)
		got := resp.Header.Values("Vary")
		switch pre[0] {
		case "accept", "*":
			assert.Equal(t, pre, got)
		default:
			assert.Equal(t, append(append([]string(nil), pre...), "Accept"), got)
		}
	}
}

func newVaryServer(t *testing.T, ew *Writer, vary []string) *httptest.Server {
	t.Helper()
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Vary"] = vary
		ew.Write(w, r, NotFound(""))
	}))
}

func TestAlternatesValidated(t *testing.T) {
	t.Parallel()
	_, err := NewWriter(WriterOptions{Alternates: []Format{FlatFormat()}})
	assert.Error(t, err, "same media type as the main format")
	_, err = NewWriter(WriterOptions{Alternates: []Format{ProblemFormat(), ProblemFormat()}})
	assert.Error(t, err, "two alternates with one media type")
	_, err = NewWriter(WriterOptions{Alternates: []Format{{Name: "empty", MediaType: "application/x+json"}}})
	assert.Error(t, err, "invalid alternate")
}

func TestAcceptQuality(t *testing.T) {
	t.Parallel()
	tests := []struct {
		accept string
		mt     string
		want   int
	}{
		{"application/problem+json", ProblemMediaType, 1000},
		{"application/problem+json;q=0.5", ProblemMediaType, 500},
		{"application/problem+json; Q=0.25", ProblemMediaType, 250},
		{"application/problem+json;q=1.000", ProblemMediaType, 1000},
		{"application/problem+json;q=1.5", ProblemMediaType, 0},
		{"application/problem+json;q=0.1234", ProblemMediaType, 0},
		{"application/problem+json;q=", ProblemMediaType, 0},
		{"application/*;q=0.3, application/problem+json;q=0.7", ProblemMediaType, 700},
		{"application/problem+json;q=0.7, application/*;q=0.3", ProblemMediaType, 700},
		{"*/*;q=0.1", ProblemMediaType, 100},
		{"text/html", ProblemMediaType, 0},
		{"garbage, ,;;", "application/json", 0},
		{"application/json;charset=utf-8", "application/json; charset=utf-8", 1000},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, acceptQuality([]string{tt.accept}, tt.mt))
		})
	}
}
