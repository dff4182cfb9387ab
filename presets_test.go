package envelope

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenErrors are rendered in every preset and compared with
// testdata/golden/<format>/<name>.json.
func goldenErrors(t testing.TB) map[string]error {
	return map[string]error{
		"/not_found": NotFound("Flag not found"),
		"/validation": Validation("").WithFields(FieldError{Field: "email", Code: "required", Message: "is required"}).
			WithField("items[2].sku", "must not be empty").WithField("email", "must be a valid email address"),
		"/internal":     Internal(""),
		"/conflict":     Conflict("Version conflict").WithDetails(map[string]int{"current_version": 3}).WithExtension("liveVersion", 8),
		"/rate_limited": RateLimited("Slow down.").WithHeader("Retry-After", "30"),
		"/domain":       domainErr(t, "version_drift"),
		"/escaping":     InvalidRequest("<script>&\u2028\"quoted\"\n"),
	}
}

func TestGoldenPresets(t *testing.T) {
	t.Parallel()
	for _, f := range Presets() {
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			errs := goldenErrors(t)
			srv := errorServer(t, WriterOptions{Format: f}, errs)
			for path := range errs {
				t.Run(path[1:], func(t *testing.T) {
					t.Parallel()
					resp, body := do(t, srv, http.MethodGet, path, http.Header{"X-Test-Id": {"req_golden"}}, nil)
					assert.True(t, json.Valid(body), "body is not JSON: %s", body)
					golden := filepath.Join("testdata", "golden", f.Name, path[1:]+".json")
					if *updateGolden {
						require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
						require.NoError(t, os.WriteFile(golden, append(body, '\n'), 0o644))
					}
					want, err := os.ReadFile(golden)
					require.NoError(t, err, "run go test -update to create the golden files")
					assert.Equal(t, string(want), string(body)+"\n")
					assert.Equal(t, "req_golden", resp.Header.Get("X-Request-Id"))
				})
			}
		})
	}
}

func TestPresetsValid(t *testing.T) {
	t.Parallel()
	names := map[string]bool{}
	for _, f := range Presets() {
		_, err := NewWriter(WriterOptions{Format: f})
		require.NoError(t, err, f.Name)
		_, err = f.Schema()
		require.NoError(t, err, f.Name)
		assert.False(t, names[f.Name], "two presets named %q", f.Name)
		names[f.Name] = true
	}
	assert.Equal(t, "flat", Presets()[0].Name, "the default comes first")
	// Presets are fresh copies: changing one does not change the next.
	p := Presets()
	p[1].Codes[CodeNotFound] = FormatCode{Wire: "gone_missing"}
	_, changed := NullDetailsFormat().Codes[CodeNotFound]
	assert.False(t, changed)
}

func TestProblemFormat(t *testing.T) {
	t.Parallel()
	errs := map[string]error{
		"/items/7": NotFound("Flag not found").
			WithExtension("status", 200).
			WithExtension("type", "https://evil.example/").
			WithExtension("title", "overridden").
			WithExtension("detail", "overridden").
			WithExtension("instance", "/elsewhere").
			WithExtension("code", "overridden").
			WithExtension("balance", 30),
		"/validate": Validation("Your request is not valid.").WithFields(FieldError{Field: "age", Code: "min", Message: "must be a positive integer"}).
			WithField("profile.color", "must be 'green', 'red' or 'blue'"),
		"/teapot":    New("odd_status", "").WithStatus(299),
		"/unprocess": Unprocessable("").WithStatus(422),
		"/canceled":  Canceled(""),
		"/domain":    domainErr(t, "token_rate_limit"),
	}
	srv := errorServer(t, WriterOptions{Format: ProblemFormat()}, errs)
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/items/7", 404, `{"type":"about:blank","title":"Not Found","status":404,"detail":"Flag not found","instance":"/items/7","code":"not_found","requestId":"req_p","balance":30}`},
		{"/validate", 400, `{"type":"about:blank","title":"Bad Request","status":400,"detail":"Your request is not valid.","instance":"/validate","code":"validation_failed","errors":[{"detail":"must be a positive integer","pointer":"#/age","code":"min"},{"detail":"must be 'green', 'red' or 'blue'","pointer":"#/profile/color"}],"requestId":"req_p"}`},
		{"/teapot", 500, `{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"` + defaultMessage(CodeInternal) + `","instance":"/teapot","code":"odd_status","requestId":"req_p"}`},
		// RFC 9457 §3.1.3: a title even where the status has no reason
		// phrase: the code's default message.
		{"/canceled", 499, `{"type":"about:blank","title":"Client Closed Request","status":499,"detail":"The request was canceled.","instance":"/canceled","code":"canceled","requestId":"req_p"}`},
		{"/domain", 429, `{"type":"about:blank","title":"Too Many Requests","status":429,"detail":"The token's rate limit is exhausted.","instance":"/domain","code":"token_rate_limit","requestId":"req_p"}`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			resp, body := do(t, srv, http.MethodGet, tt.path, http.Header{"X-Test-Id": {"req_p"}}, nil)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, ProblemMediaType, resp.Header.Get("Content-Type"))
			assert.Equal(t, tt.want, string(body), "member order")
			var doc struct{ Status int }
			require.NoError(t, json.Unmarshal(body, &doc))
			assert.Equal(t, resp.StatusCode, doc.Status, "status member equals the real status (RFC 9457 §3.1.2)")
		})
	}
}

// TestProblemTypesPerCode gives codes problem types spelled as their
// owners spell them, declared once with the code (CodeInfo.Attrs) or with
// the format (FormatCode.Attrs); library-made errors (here the router's
// 404 and a 413 from the body limit) render them too.
func TestProblemTypesPerCode(t *testing.T) {
	t.Parallel()
	codes, err := NewCodes(CodeInfo{
		Code: "out_of_credit", Status: 403, Message: "You do not have enough credit.",
		Attrs: map[string]string{"type": "https://example.com/probs/out-of-credit", "title": "You do not have enough credit."},
	})
	require.NoError(t, err)
	f := ProblemFormat()
	f.Codes = map[Code]FormatCode{
		CodeNotFound:        {Attrs: map[string]string{"type": "https://example.com/probs/not-found"}},
		CodePayloadTooLarge: {Attrs: map[string]string{"type": "https://example.com/probs/too-large", "title": "Body too large"}},
	}
	ew := newWriter(t, WriterOptions{Format: f, Codes: codes})
	mw, err := Middleware(MiddlewareOptions{Writer: ew, MaxBodyBytes: 4})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("POST /account/12345/msgs/abc", HandlerFunc(func(http.ResponseWriter, *http.Request) error {
		return New("out_of_credit", "Your current balance is 30, but that costs 50.").WithExtension("balance", 30)
	}))
	srv := serve(t, mw(mux))

	_, body := fetch(t, srv, "POST", "/account/12345/msgs/abc", nil, "X-Request-Id", "r1")
	assert.Equal(t, `{"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","status":403,"detail":"Your current balance is 30, but that costs 50.","instance":"/account/12345/msgs/abc","code":"out_of_credit","requestId":"r1","balance":30}`, string(body))
	_, body = fetch(t, srv, "GET", "/nowhere", nil, "X-Request-Id", "r2")
	assert.Equal(t, `{"type":"https://example.com/probs/not-found","title":"The requested resource was not found.","status":404,"detail":"The requested resource was not found.","instance":"/nowhere","code":"not_found","requestId":"r2"}`, string(body), "a code with a type and no title: its default message")
	resp, body := fetch(t, srv, "POST", "/account/12345/msgs/abc", bytesReader("too long"), "X-Request-Id", "r3")
	assert.Equal(t, 413, resp.StatusCode)
	assert.Equal(t, `{"type":"https://example.com/probs/too-large","title":"Body too large","status":413,"detail":"The request body must not exceed 4 bytes.","instance":"/account/12345/msgs/abc","code":"payload_too_large","requestId":"r3"}`, string(body))

	// A client given the format reads the code back from the type alone.
	noCode := ProblemFormat()
	noCode.Body = `{"type": "{{attr type}}" | "about:blank", "title": "{{title}}", "status": {{status}}, "detail": "{{message}}"}`
	p, err := NewParser(ParserOptions{Formats: []Format{noCode}, Codes: codes})
	require.NoError(t, err)
	got := p.Parse(403, http.Header{"Content-Type": {ProblemMediaType}}, []byte(`{"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","status":403,"detail":"x"}`))
	assert.Equal(t, Code("out_of_credit"), got.Code())
}

// TestCustomFormatRoundTrip declares a format, serves an error in it and
// parses it with a parser told about the format.
func TestCustomFormatRoundTrip(t *testing.T) {
	t.Parallel()
	f := Format{
		Name:      "custom",
		MediaType: "application/vnd.example.error+json",
		Body: `{"failure": {"kind": "E_{{code | upper}}", "text": "{{message}}",
			"problems": [{"field": "{{field}}", "code": "{{field.code}}", "message": "{{field.message}}"}],
			"trace": "{{requestId}}"}}`,
		Codes:           map[Code]FormatCode{CodeValidation: {Wire: "BAD_INPUT", Status: 422}},
		RequestIDHeader: "X-Trace-Id",
	}
	srv := errorServer(t, WriterOptions{Format: f}, map[string]error{
		"/v": Validation("no").WithFields(FieldError{Field: "a.b", Code: "required", Message: "is required"}),
		"/n": NotFound("gone fishing"),
	})
	p, err := NewParser(ParserOptions{Formats: append(Presets(), f)})
	require.NoError(t, err)
	resp, body := do(t, srv, http.MethodGet, "/v", http.Header{"X-Test-Id": {"t1"}}, nil)
	assert.Equal(t, `{"failure":{"kind":"E_BAD_INPUT","text":"no","problems":[{"field":"a.b","code":"required","message":"is required"}],"trace":"t1"}}`, string(body))
	assert.Equal(t, "t1", resp.Header.Get("X-Trace-Id"))
	assert.Empty(t, resp.Header.Get("X-Request-Id"))
	e := p.Parse(resp.StatusCode, resp.Header, body)
	assert.Equal(t, CodeValidation, e.Code())
	assert.Equal(t, 422, e.Status())
	assert.Equal(t, []FieldError{{Field: "a.b", Code: "required", Message: "is required"}}, e.Fields())
	assert.Equal(t, "t1", e.RequestID())
	resp, body = do(t, srv, http.MethodGet, "/n", nil, nil)
	e = p.Parse(resp.StatusCode, resp.Header, body)
	assert.Equal(t, CodeNotFound, e.Code())
	assert.Equal(t, "gone fishing", e.Message())
}
