package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// presetFieldShape says how each preset carries field errors: joined (a map
// from path to one message, several joined with "; "), grouped (a map from
// path to a list of messages), or listed (one object per field error, with
// its code); and whether code and message are left out when there are
// field errors.
var presetFieldShape = map[string]struct {
	shape          string
	dropsCodeWithF bool
}{
	"flat": {"joined", false}, "null-details": {"joined", false}, "message-first": {"joined", false},
	"prefixed-upper": {"grouped", true}, "nested": {"grouped", false}, "problem": {"listed", false},
}

// expectedFields is what field errors look like after a round trip through
// a preset.
func expectedFields(in []FieldError, shape string) []FieldError {
	if len(in) == 0 {
		return nil
	}
	if shape == "listed" {
		out := make([]FieldError, len(in))
		for i, f := range in {
			out[i] = FieldError{Field: f.Field, Code: f.Code, Message: f.Message}
		}
		return out
	}
	var order []string
	byPath := map[string][]string{}
	for _, f := range in {
		if _, ok := byPath[f.Field]; !ok {
			order = append(order, f.Field)
		}
		byPath[f.Field] = append(byPath[f.Field], f.Message)
	}
	var out []FieldError
	for _, p := range order {
		if shape == "joined" {
			out = append(out, FieldError{Field: p, Message: strings.Join(byPath[p], "; ")})
			continue
		}
		for _, m := range byPath[p] {
			out = append(out, FieldError{Field: p, Message: m})
		}
	}
	return out
}

func TestParseRoundTripEveryPreset(t *testing.T) {
	t.Parallel()
	errs := map[string]error{
		"/not_found": NotFound("Flag not found"),
		"/validation": Validation("Check the fields.").WithFields(FieldError{Field: "email", Code: "required", Message: "is required"}).
			WithField("items[2].sku", "must not be empty").WithField("email", "is taken").WithField("labels[a.b]", "is too long"),
		"/internal": errors.New("database password is hunter2"),
		"/domain":   domainErr(t, "subscription_required"),
		"/unknown":  New("theme_premium_required", "Theme needs a premium plan.").WithStatus(403),
		"/rate":     RateLimited("Slow down.").WithHeader("Retry-After", "30"),
		"/conflict": Conflict("Version conflict").WithDetails(map[string]int{"current_version": 3}).WithExtension("liveVersion", 8),
		"/unauth":   Unauthorized("Token expired."),
	}
	codes := testCodes(t)
	for _, f := range Presets() {
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			srv := errorServer(t, WriterOptions{Format: f, Codes: codes}, errs)
			ew := newWriter(t, WriterOptions{Format: f, Codes: codes})
			p, err := NewParser(ParserOptions{Codes: codes})
			require.NoError(t, err)
			shape := presetFieldShape[f.Name]
			for path, err := range errs {
				t.Run(path[1:], func(t *testing.T) {
					t.Parallel()
					want, _ := resolve(err)
					req, rerr := http.NewRequest(http.MethodGet, srv.URL+path, nil)
					require.NoError(t, rerr)
					req.Header.Set("X-Test-Id", "req_rt")
					resp, rerr := srv.Client().Do(req)
					require.NoError(t, rerr)
					got := p.ParseResponse(resp)
					require.NotNil(t, got)
					status, _ := ew.Render(nil, nil, err)
					assert.Equal(t, status, got.Status())
					wantCode := want.Code()
					if shape.dropsCodeWithF && len(want.fields) > 0 {
						wantCode = CodeValidation // from the fields at the validation status
					}
					assert.Equal(t, wantCode, got.Code())
					if !(shape.dropsCodeWithF && len(want.fields) > 0) {
						wantMsg := want.Message()
						if info, ok := codes.Lookup(want.Code()); ok && want.message == "" {
							wantMsg = info.Message
						}
						assert.Equal(t, wantMsg, got.Message())
					}
					assert.Equal(t, expectedFields(want.fields, shape.shape), got.Fields())
					assert.Equal(t, "req_rt", got.RequestID())
					assert.NotContains(t, got.Message(), "hunter2")
					if path == "/rate" {
						d, ok := got.RetryAfter()
						assert.True(t, ok)
						assert.Equal(t, 30*time.Second, d)
					}
					if path == "/unknown" {
						assert.Equal(t, Code("theme_premium_required"), got.Code(), "unknown codes are kept")
						assert.Equal(t, CodeForbidden, got.Category())
					}
					if path == "/conflict" {
						require.Len(t, got.Extensions(), 1)
						assert.Equal(t, "liveVersion", got.Extensions()[0].Name)
						assert.JSONEq(t, "8", string(got.Extensions()[0].Value.(json.RawMessage)))
					}
				})
			}
		})
	}
}

func TestParseDocumentedBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		code   Code
		msg    string
		fields []FieldError
		id     string
	}{
		{"null details", 401, "", `{"code":"unauthorized","message":"token is expired or invalid","details":null}`, CodeUnauthorized, "token is expired or invalid", nil, ""},
		{"null details internal", 500, "", `{"code":"internal_error","message":"billing failed","details":null}`, CodeInternal, "billing failed", nil, ""},
		{"flat", 400, "", `{"code":"invalid_request","message":"email is required","fields":{"email":"must be a valid email address"},"requestId":"req_9f7a32b5"}`,
			CodeInvalidRequest, "email is required", []FieldError{{Field: "email", Message: "must be a valid email address"}}, "req_9f7a32b5"},
		{"prefixed", 400, "", `{"error":"ERROR_CODE_INVALID_PARAM","message":"The parameter 'title' is not valid."}`, CodeInvalidRequest, "The parameter 'title' is not valid.", nil, ""},
		{"prefixed domain", 403, "", `{"error":"ERROR_CODE_CSM_LIMIT_REACHED","message":"Maximum CSM seats reached."}`, "csm_limit_reached", "Maximum CSM seats reached.", nil, ""},
		{"prefixed validation", 422, "", `{"errors":{"title":["can't be blank"],"bucket_id":["is not a valid bucket"]}}`, CodeValidation, defaultMessage(CodeValidation),
			[]FieldError{{Field: "title", Message: "can't be blank"}, {Field: "bucket_id", Message: "is not a valid bucket"}}, ""},
		{"nested", 422, "", `{"error":{"code":"validation_error","message":"Validation failed.","details":{"email":["Already in use."]},"request_id":"9f2c5b4d-77b2-4f48-a4d3-8b3f01b8d8f2"}}`,
			CodeValidation, "Validation failed.", []FieldError{{Field: "email", Message: "Already in use."}}, "9f2c5b4d-77b2-4f48-a4d3-8b3f01b8d8f2"},
		{"nested renamed", 401, "", `{"error":{"code":"authentication_failed","message":"Refresh.","details":null}}`, CodeUnauthorized, "Refresh.", nil, ""},
		{"message first", 404, "", `{ "error": "Flag not found", "code": "NOT_FOUND"}`, CodeNotFound, "Flag not found", nil, ""},
		{"message first validation", 400, "", `{"error":"Missing required fields: key, enabled","code":"VALIDATION_ERROR"}`, CodeValidation, "Missing required fields: key, enabled", nil, ""},
		{"problem", 403, ProblemMediaType, `{"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","detail":"Your current balance is 30, but that costs 50.","instance":"/account/12345/msgs/abc","balance":30}`,
			CodeForbidden, "Your current balance is 30, but that costs 50.", nil, ""},
		{"problem validation", 422, ProblemMediaType, `{"type":"about:blank","title":"Unprocessable Content","status":422,"errors":[{"detail":"must be a positive integer","pointer":"#/age"},{"detail":"must be 'green', 'red' or 'blue'","pointer":"#/profile/color"}]}`,
			CodeUnprocessable, "Unprocessable Content", []FieldError{{Field: "age", Message: "must be a positive integer"}, {Field: "profile.color", Message: "must be 'green', 'red' or 'blue'"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.ctype != "" {
				h.Set("Content-Type", tt.ctype)
			}
			e := Parse(tt.status, h, []byte(tt.body))
			require.NotNil(t, e)
			assert.Equal(t, tt.code, e.Code())
			assert.Equal(t, tt.status, e.Status())
			assert.Equal(t, tt.msg, e.Message())
			assert.Equal(t, tt.fields, e.Fields())
			assert.Equal(t, tt.id, e.RequestID())
			assert.NoError(t, e.Unwrap(), "an envelope parses without a cause")
		})
	}
}

// countingBody counts what is read from it and whether it was closed.
type countingBody struct {
	r      io.Reader
	read   int64
	closed bool
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

func (b *countingBody) Close() error { b.closed = true; return nil }

// endless is an unbounded stream of bytes.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func TestParseNotAnEnvelope(t *testing.T) {
	t.Parallel()
	huge := io.MultiReader(strings.NewReader(`{"code":"not_found","message":"`), endless{})
	tests := []struct {
		name    string
		status  int
		ctype   string
		body    io.Reader
		code    Code
		status2 int
	}{
		{"html 502", 502, "text/html", strings.NewReader("<html><body><h1>502 Bad Gateway</h1></body></html>"), CodeBadGateway, 502},
		{"empty 503", 503, "", strings.NewReader(""), CodeUnavailable, 503},
		{"truncated json", 404, "application/json", strings.NewReader(`{"code":"not_fou`), CodeNotFound, 404},
		{"array", 400, "application/json", strings.NewReader(`[1,2]`), CodeInvalidRequest, 400},
		{"string", 429, "application/json", strings.NewReader(`"slow down"`), CodeRateLimited, 429},
		{"other object", 418, "application/json", strings.NewReader(`{"teapot":true}`), CodeInvalidRequest, 418},
		{"trailing data", 500, "application/json", strings.NewReader(`{"code":"internal","message":"x"} {}`), CodeInternal, 500},
		{"deep nesting", 400, "application/json", strings.NewReader(strings.Repeat("[", 100000)), CodeInvalidRequest, 400},
		{"huge", 404, "application/json", io.LimitReader(huge, 64<<20), CodeNotFound, 404},
		{"endless", 500, "application/json", endless{}, CodeInternal, 500},
		{"redirect", 302, "text/html", strings.NewReader("moved"), CodeBadGateway, 502},
		{"unknown 5xx", 599, "", strings.NewReader(""), CodeInternal, 599},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := &countingBody{r: tt.body}
			h := http.Header{"X-Request-Id": {"req_proxy"}}
			if tt.ctype != "" {
				h.Set("Content-Type", tt.ctype)
			}
			e := ParseResponse(&http.Response{StatusCode: tt.status, Header: h, Body: body})
			require.NotNil(t, e)
			assert.Equal(t, tt.code, e.Code())
			assert.Equal(t, tt.status2, e.Status())
			assert.Equal(t, defaultMessage(tt.code), e.Message(), "the default message, never the body")
			assert.Error(t, e.Unwrap(), "the reason is kept as the cause")
			assert.Equal(t, "req_proxy", e.RequestID())
			assert.True(t, body.closed, "the body is closed")
			assert.LessOrEqual(t, body.read, int64(defaultMaxResponseBytes+1+drainBytes), "the read is bounded")
		})
	}
}

func TestParseResponseSuccessAndNil(t *testing.T) {
	t.Parallel()
	assert.Nil(t, ParseResponse(nil))
	body := &countingBody{r: strings.NewReader(`{"ok":true}`)}
	assert.Nil(t, ParseResponse(&http.Response{StatusCode: 204, Header: http.Header{}, Body: body}))
	assert.True(t, body.closed)
	assert.Nil(t, Parse(200, nil, []byte(`{"code":"not_found"}`)))
	e := ParseResponse(&http.Response{StatusCode: 404})
	require.NotNil(t, e, "no body and no header still parses")
	assert.Equal(t, CodeNotFound, e.Code())
}

func TestParseHeaders(t *testing.T) {
	t.Parallel()
	date := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		retry string
		want  time.Duration
		ok    bool
	}{
		{"seconds", "120", 120 * time.Second, true},
		{"http date", date.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"past date", date.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"garbage", "soon", 0, false},
		{"negative", "-5", 0, false},
		{"absurd", "99999999999999999999999", maxRetryAfter, true},
		{"none", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{
				"Date":                  {date.Format(http.TimeFormat)},
				"X-Ratelimit-Limit":     {"100"},
				"X-Ratelimit-Remaining": {"0"},
				"X-Ratelimit-Reset":     {"1767323045000"},
				"Ratelimit":             {`"default";r=0;t=30`},
				"Ratelimit-Policy":      {`"default";q=100;w=60`},
				"Set-Cookie":            {"secret=1"},
			}
			if tt.retry != "" {
				h.Set("Retry-After", tt.retry)
			}
			e := Parse(429, h, []byte(`{"code":"rate_limited","message":"Slow down."}`))
			d, ok := e.RetryAfter()
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, d)
			got := e.Header()
			assert.Equal(t, "0", got.Get("X-Ratelimit-Remaining"))
			assert.Equal(t, "1767323045000", got.Get("X-Ratelimit-Reset"))
			assert.Equal(t, `"default";r=0;t=30`, got.Get("Ratelimit"))
			assert.Equal(t, `"default";q=100;w=60`, got.Get("Ratelimit-Policy"))
			assert.Empty(t, got.Get("Set-Cookie"), "only the headers a client acts on are kept")
		})
	}
}

func TestParserOptions(t *testing.T) {
	t.Parallel()
	_, err := NewParser(ParserOptions{MaxBytes: -1})
	assert.Error(t, err)
	_, err = NewParser(ParserOptions{Formats: []Format{}})
	assert.Error(t, err)
	_, err = NewParser(ParserOptions{Formats: []Format{{Name: "broken"}}})
	assert.Error(t, err)

	// One format: every object body is read in it.
	f := FlatFormat()
	f.Codes = map[Code]FormatCode{CodeNotFound: {Wire: "NOPE"}}
	p, err := NewParser(ParserOptions{Formats: []Format{f}, MaxBytes: 64})
	require.NoError(t, err)
	e := p.Parse(404, nil, []byte(`{"code":"NOPE","message":"m"}`))
	assert.Equal(t, CodeNotFound, e.Code())
	e = p.Parse(404, nil, []byte(`{"code":"not_found","message":"`+strings.Repeat("x", 100)+`"}`))
	assert.Equal(t, defaultMessage(CodeNotFound), e.Message(), "over MaxBytes: not parsed")
	assert.Error(t, e.Unwrap())
}

// TestParseDomainCodesBackToThemselves: a domain code spelled in a format
// reads back as itself, not as a built-in, and a parser refuses a format
// whose spellings clash, as the writer does.
func TestParseDomainCodesBackToThemselves(t *testing.T) {
	t.Parallel()
	codes, err := NewCodes(CodeInfo{Code: "seat_limit", Status: 403, Message: "No seats left."})
	require.NoError(t, err)
	p, err := NewParser(ParserOptions{Formats: []Format{PrefixedUpperFormat()}, Codes: codes})
	require.NoError(t, err)
	e := p.Parse(403, nil, []byte(`{"error":"ERROR_CODE_SEAT_LIMIT","message":"No seats left."}`))
	assert.Equal(t, Code("seat_limit"), e.Code())

	clash, err := NewCodes(CodeInfo{Code: "permission_denied", Status: 403, Message: "Denied."})
	require.NoError(t, err)
	_, err = NewParser(ParserOptions{Formats: []Format{NestedFormat()}, Codes: clash})
	assert.ErrorContains(t, err, `codes "forbidden" and "permission_denied" are all spelled "permission_denied"`)
}

func TestPointerToPath(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"email", "user.email", "items[2].sku", "a~b", "a/b", "naïve", "x y", "", "[2]", "matrix[0][1]", "labels[a.b]", "labels[a.b].x", "m[a]b]", "m[]"} {
		for _, fragment := range []bool{false, true} {
			b := appendPointer(nil, path, fragment)
			var p string
			require.NoError(t, json.Unmarshal(append(append([]byte{'"'}, b...), '"'), &p))
			got, ok := pointerToPath(p, fragment)
			require.True(t, ok, "pointer %q", p)
			assert.Equal(t, path, got, "pointer %s (fragment %v)", p, fragment)
		}
	}
	got, _ := pointerToPath("/a/b", false)
	assert.Equal(t, "a.b", got)
	got, _ = pointerToPath("/labels/a.b", false)
	assert.Equal(t, "labels[a.b]", got, "a token that holds a dot is one key")
	got, _ = pointerToPath("/a%zz", true)
	assert.Equal(t, "a%zz", got, "bad escapes are kept")
	_, ok := pointerToPath("a/b", false)
	assert.False(t, ok, "not a pointer")
}

func BenchmarkParse(b *testing.B) {
	body := []byte(`{"error":{"code":"validation_error","message":"Validation failed.","details":{"email":["Already in use."]},"request_id":"9f2c5b4d"}}`)
	h := http.Header{"Content-Type": {"application/json"}}
	b.ReportAllocs()
	for b.Loop() {
		if Parse(422, h, bytes.Clone(body)) == nil {
			b.Fatal("nil")
		}
	}
}
