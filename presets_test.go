package envelope

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
		"/not_found":    NotFound("Flag not found"),
		"/validation":   Validation("").WithFieldCode("email", "required", "is required").WithField("items[2].sku", "must not be empty").WithField("email", "must be a valid email address"),
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
			srv := errorServer(t, Config{Format: fp(f)}, errs)
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
		require.NoError(t, f.Validate(), f.Name)
		assert.False(t, names[f.Name], "two presets named %q", f.Name)
		names[f.Name] = true
	}
	assert.Equal(t, "flat", Presets()[0].Name, "the default comes first")
	// Presets are fresh copies: changing one does not change the next.
	p := Presets()
	p[1].CodeNames[CodeNotFound] = "gone_missing"
	_, changed := NullDetailsFormat().CodeNames[CodeNotFound]
	assert.False(t, changed)
}

func TestFormatValidate(t *testing.T) {
	t.Parallel()
	base := func(mod func(*Format)) Format {
		f := FlatFormat()
		mod(&f)
		return f
	}
	tests := []struct {
		name string
		f    Format
		ok   bool
	}{
		{"flat", FlatFormat(), true},
		{"indent spaces", base(func(f *Format) { f.Indent = "  " }), true},
		{"indent tab", base(func(f *Format) { f.Indent = "\t" }), true},
		{"indent junk", base(func(f *Format) { f.Indent = " x" }), false},
		{"duplicate names", base(func(f *Format) { f.Members[1].Name = "code" }), false},
		{"empty name", base(func(f *Format) { f.Members[0].Name = "" }), false},
		{"no members", Format{Name: "x"}, false},
		{"bad kind", base(func(f *Format) { f.Members[0].Kind = 0 }), false},
		{"validation 418", base(func(f *Format) { f.ValidationStatus = 418 }), false},
		{"bad media type", base(func(f *Format) { f.MediaType = "not a media type" }), false},
		{"shared spelling", base(func(f *Format) {
			f.CodeNames = map[Code]string{CodeNotFound: "missing", CodeGone: "missing"}
		}), false},
		{"empty spelling", base(func(f *Format) { f.CodeNames = map[Code]string{CodeNotFound: ""} }), false},
		{"fields on code", base(func(f *Format) { f.Members[0].CarriesFields = true }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.f.Validate()
			_, nerr := NewErrorWriter(Config{Format: &tt.f})
			if tt.ok {
				assert.NoError(t, err)
				assert.NoError(t, nerr)
			} else {
				assert.Error(t, err)
				assert.Error(t, nerr, "NewErrorWriter must validate too")
			}
		})
	}
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
		"/validate":  Validation("Your request is not valid.").WithFieldCode("age", "min", "must be a positive integer").WithField("profile.color", "must be 'green', 'red' or 'blue'"),
		"/teapot":    New("odd_status", "").WithStatus(299),
		"/unprocess": Unprocessable("").WithStatus(422),
	}
	srv := errorServer(t, Config{Format: fp(ProblemFormat())}, errs)
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/items/7", 404, `{"type":"about:blank","title":"Not Found","status":404,"detail":"Flag not found","instance":"/items/7","code":"not_found","requestId":"req_p","balance":30}`},
		{"/validate", 400, `{"type":"about:blank","title":"Bad Request","status":400,"detail":"Your request is not valid.","instance":"/validate","code":"validation_failed","errors":[{"detail":"must be a positive integer","pointer":"#/age","code":"min"},{"detail":"must be 'green', 'red' or 'blue'","pointer":"#/profile/color"}],"requestId":"req_p"}`},
		{"/teapot", 500, `{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"` + builtinMessage(CodeInternal) + `","instance":"/teapot","code":"odd_status","requestId":"req_p"}`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			resp, body := do(t, srv, http.MethodGet, tt.path, http.Header{"X-Test-Id": {"req_p"}}, nil)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, ProblemMediaType, resp.Header.Get("Content-Type"))
			assert.JSONEq(t, tt.want, string(body))
			assert.Equal(t, tt.want, string(body), "member order")
			var doc struct{ Status int }
			require.NoError(t, json.Unmarshal(body, &doc))
			assert.Equal(t, resp.StatusCode, doc.Status, "status member equals the real status (RFC 9457 §3.1.2)")
		})
	}
}

func TestProblemTypeBase(t *testing.T) {
	t.Parallel()
	f := ProblemFormat()
	f.TypeBase = "https://api.example/problems/"
	srv := errorServer(t, Config{Format: &f}, map[string]error{"/x": Gone("")})
	_, body := do(t, srv, http.MethodGet, "/x", nil, nil)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(body, &doc))
	assert.Equal(t, "https://api.example/problems/gone", doc["type"])
	assert.Equal(t, builtinMessage(CodeGone), doc["title"])
}

// TestWireCodeMatchesEncoder keeps Format.WireCode, used by the generated
// documents, in step with what the encoder writes.
func TestWireCodeMatchesEncoder(t *testing.T) {
	t.Parallel()
	for _, f := range Presets() {
		cf, err := compileFormat(f)
		require.NoError(t, err)
		for _, info := range Codes() {
			var want string
			require.NoError(t, json.Unmarshal(cf.appendCode(nil, info.Code), &want))
			assert.Equal(t, want, f.WireCode(info.Code), "%s %s", f.Name, info.Code)
		}
	}
}

// TestCustomFormatRoundTrip declares a format, serves an error in it and
// decodes it with a decoder told about the format.
func TestCustomFormatRoundTrip(t *testing.T) {
	t.Parallel()
	f := Format{
		Name:      "custom",
		MediaType: "application/vnd.example.error+json",
		Wrap:      "failure",
		Members: []Member{
			{Kind: MemberCode, Name: "kind"},
			{Kind: MemberMessage, Name: "text"},
			{Kind: MemberFields, Name: "problems", Fields: FieldsObjects},
			{Kind: MemberRequestID, Name: "trace"},
		},
		CodeCase:         CodeUpper,
		CodePrefix:       "E_",
		CodeNames:        map[Code]string{CodeValidation: "E_BAD_INPUT"},
		ValidationStatus: 422,
		RequestIDHeader:  "X-Trace-Id",
	}
	srv := errorServer(t, Config{Format: &f}, map[string]error{
		"/v": Validation("no").WithFieldCode("a.b", "required", "is required"),
		"/n": NotFound("gone fishing"),
	})
	d, err := NewDecoder(DecoderConfig{Formats: append(Presets(), f)})
	require.NoError(t, err)
	resp, body := do(t, srv, http.MethodGet, "/v", http.Header{"X-Test-Id": {"t1"}}, nil)
	assert.Equal(t, `{"failure":{"kind":"E_BAD_INPUT","text":"no","problems":[{"field":"a.b","code":"required","message":"is required"}],"trace":"t1"}}`, string(body))
	assert.Equal(t, "t1", resp.Header.Get("X-Trace-Id"))
	assert.Empty(t, resp.Header.Get("X-Request-Id"))
	e := d.Decode(resp.StatusCode, resp.Header, body)
	assert.Equal(t, CodeValidation, e.Code())
	assert.Equal(t, 422, e.Status())
	assert.Equal(t, []FieldError{{Field: "a.b", Code: "required", Message: "is required"}}, e.Fields())
	resp, body = do(t, srv, http.MethodGet, "/n", nil, nil)
	e = d.Decode(resp.StatusCode, resp.Header, body)
	assert.Equal(t, CodeNotFound, e.Code())
	assert.Equal(t, "gone fishing", e.Message())
}

func BenchmarkWriteFormats(b *testing.B) {
	e := Validation("email is required").WithField("email", "must be a valid email address")
	indented := NullDetailsFormat()
	indented.Indent = "  "
	for _, f := range append(Presets(), indented) {
		name := f.Name
		if f.Indent != "" {
			name += "-indent"
		}
		b.Run(name, func(b *testing.B) {
			ew, err := NewErrorWriter(Config{Format: &f, Logger: slog.New(slog.DiscardHandler)})
			require.NoError(b, err)
			r := httptest.NewRequest(http.MethodPost, "/flags", nil)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				ew.Write(w, r, e)
			}
		})
	}
}

func BenchmarkWriteNegotiated(b *testing.B) {
	ew, err := NewErrorWriter(Config{Alternates: []Format{ProblemFormat()}, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(b, err)
	r := httptest.NewRequest(http.MethodGet, "/flags/x", nil)
	r.Header.Set("Accept", "application/json;q=0.9, application/problem+json")
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		ew.Write(w, r, ErrNotFound)
	}
}

// discardWriter is a ResponseWriter that keeps headers and drops the body.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}
