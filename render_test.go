package envelope

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProblemAnnotation covers the hook through which the library overrides
// the problem type and adds extensions (for quota-exceeded 429s).
func TestProblemAnnotation(t *testing.T) {
	t.Parallel()
	cf, err := compileFormat(ProblemFormat())
	require.NoError(t, err)
	e := RateLimited("").WithExtension("violated-policies", "user's own").WithExtension("extra", 1)
	in := renderInput{status: 429, message: e.Message(), details: true, problem: problemAnnotation{
		typeURI:    "https://iana.org/assignments/http-problem-types#quota-exceeded",
		title:      "Request cannot be satisfied as assigned quota has been exceeded",
		extensions: []Extension{{Name: "violated-policies", Value: []string{"day"}}, {Name: "status", Value: 1}},
	}}
	body, err := cf.appendError(nil, e, in)
	require.NoError(t, err)
	assert.Equal(t, `{"type":"https://iana.org/assignments/http-problem-types#quota-exceeded","title":"Request cannot be satisfied as assigned quota has been exceeded","status":429,"detail":"`+e.Message()+`","code":"rate_limited","violated-policies":["day"],"extra":1}`, string(body))
}

func TestNegotiation(t *testing.T) {
	t.Parallel()
	errs := map[string]error{"/x": NotFound("nope")}
	srv := errorServer(t, Config{Alternates: []Format{ProblemFormat()}}, errs)
	plain := errorServer(t, Config{}, errs)
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
	ew, err := NewErrorWriter(Config{Alternates: []Format{ProblemFormat()}})
	require.NoError(t, err)
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

func newVaryServer(t *testing.T, ew *ErrorWriter, vary []string) *httptestServer {
	t.Helper()
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Vary"] = vary
		ew.Write(w, r, NotFound(""))
	}))
}

func TestAlternatesValidated(t *testing.T) {
	t.Parallel()
	_, err := NewErrorWriter(Config{Alternates: []Format{FlatFormat()}})
	assert.Error(t, err, "same media type as the main format")
	_, err = NewErrorWriter(Config{Alternates: []Format{ProblemFormat(), ProblemFormat()}})
	assert.Error(t, err, "two alternates with one media type")
	_, err = NewErrorWriter(Config{Alternates: []Format{{Name: "empty", MediaType: "application/x+json"}}})
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

// TestProblemQuotaExceededOverTheWire: a 429 carrying bucket state renders,
// in the problem format, as the draft's quota-exceeded type naming the
// denying policies, with the rate-limit headers beside it; without state it
// stays about:blank.
func TestProblemQuotaExceededOverTheWire(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rl, err := NewRateLimitHeaders(RateLimitConfig{Now: func() time.Time { return now }})
	require.NoError(t, err)
	key := Bucket{Policy: "per-key", Limit: 60, Window: time.Minute, Remaining: 0, Reset: now.Add(42 * time.Second), Denied: true}
	org := Bucket{Policy: "org", Limit: 1000, Window: time.Minute, Remaining: 500, Reset: now.Add(10 * time.Second)}
	srv := errorServer(t, Config{Format: fp(ProblemFormat()), RateLimit: rl}, map[string]error{
		"/limited": RateLimitedBy(key, org),
		"/plain":   RateLimited(""),
	})
	resp, body := do(t, srv, http.MethodGet, "/limited", nil, nil)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, ProblemMediaType, resp.Header.Get("Content-Type"))
	assert.Equal(t, "42", resp.Header.Get("Retry-After"))
	assert.Equal(t, `"per-key";r=0;t=42, "org";r=500;t=10`, resp.Header.Get("RateLimit"))
	assert.JSONEq(t, `{"type":"https://iana.org/assignments/http-problem-types#quota-exceeded",
		"title":"Request cannot be satisfied as assigned quota has been exceeded","status":429,
		"detail":"Too many requests. Try again later.","instance":"/limited","code":"rate_limited",
		"violated-policies":["per-key"]}`, string(body))

	_, body = do(t, srv, http.MethodGet, "/plain", nil, nil)
	assert.JSONEq(t, `{"type":"about:blank","title":"Too Many Requests","status":429,
		"detail":"Too many requests. Try again later.","instance":"/plain","code":"rate_limited"}`, string(body))
}
