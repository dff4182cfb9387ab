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

// expectedFields is what field errors look like after a round trip through
// a field style: grouped by path with messages joined for FieldsMessage,
// grouped without codes for FieldsMessages, unchanged for the list styles.
func expectedFields(in []FieldError, style FieldStyle) []FieldError {
	if len(in) == 0 {
		return nil
	}
	var out []FieldError
	switch style {
	case FieldsObjects, FieldsPointers:
		return in
	case FieldsMessages:
		fieldGroups(in, func(path string, idx []int) {
			for _, i := range idx {
				out = append(out, FieldError{Field: path, Message: in[i].Message})
			}
		})
	default:
		fieldGroups(in, func(path string, idx []int) {
			msgs := make([]string, len(idx))
			for k, i := range idx {
				msgs[k] = in[i].Message
			}
			out = append(out, FieldError{Field: path, Message: strings.Join(msgs, "; ")})
		})
	}
	return out
}

// fieldStyleOf returns the style in which f carries field errors.
func fieldStyleOf(f Format) FieldStyle {
	for _, m := range f.Members {
		if m.Kind == MemberFields || m.CarriesFields {
			return m.Fields
		}
	}
	return FieldsMessage
}

// dropsCodeWithFields reports whether f leaves code and message out of
// errors that have field errors.
func dropsCodeWithFields(f Format) bool {
	for _, m := range f.Members {
		if m.Kind == MemberCode && m.OmitWithFields {
			return true
		}
	}
	return false
}

// expectedCode is the code a client decodes for e rendered in f.
func expectedCode(f Format, e *APIError, status int) Code {
	if dropsCodeWithFields(f) && len(e.fields) > 0 {
		vs := f.ValidationStatus
		if vs == 0 {
			vs = 400
		}
		if status == vs {
			return CodeValidation
		}
		return codeForStatus(status)
	}
	return e.Code()
}

func TestDecodeRoundTripEveryFormat(t *testing.T) {
	t.Parallel()
	errs := map[string]error{
		"/not_found":  NotFound("Flag not found"),
		"/validation": Validation("Check the fields.").WithFieldCode("email", "required", "is required").WithField("items[2].sku", "must not be empty").WithField("email", "is taken"),
		"/internal":   errors.New("database password is hunter2"),
		"/domain":     domainErr(t, "subscription_required"),
		"/unknown":    New("theme_premium_required", "Theme needs a premium plan.").WithStatus(403),
		"/rate":       RateLimited("Slow down.").WithHeader("Retry-After", "30"),
		"/conflict":   Conflict("Version conflict").WithDetails(map[string]int{"current_version": 3}).WithExtension("liveVersion", 8),
		"/unauth":     Unauthorized("Token expired."),
	}
	for _, f := range Presets() {
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			srv := errorServer(t, Config{Format: fp(f)}, errs)
			for path, err := range errs {
				t.Run(path[1:], func(t *testing.T) {
					t.Parallel()
					want, _ := resolve(err)
					req, rerr := http.NewRequest(http.MethodGet, srv.URL+path, nil)
					require.NoError(t, rerr)
					req.Header.Set("X-Test-Id", "req_rt")
					resp, rerr := srv.Client().Do(req)
					require.NoError(t, rerr)
					got := FromResponse(resp)
					require.NotNil(t, got)
					cf, cerr := compileFormat(f)
					require.NoError(t, cerr)
					status := cf.status(want)
					assert.Equal(t, status, got.Status())
					assert.Equal(t, expectedCode(f, want, status), got.Code())
					if !(dropsCodeWithFields(f) && len(want.fields) > 0) {
						assert.Equal(t, want.Message(), got.Message())
					}
					assert.Equal(t, expectedFields(want.fields, fieldStyleOf(f)), got.Fields())
					assert.Equal(t, "req_rt", got.RequestID())
					assert.NotContains(t, got.Message(), "hunter2")
					if path == "/rate" {
						d, ok := RetryAfterOf(got)
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

func TestDecodeDocumentedBodies(t *testing.T) {
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
		{"prefixed validation", 422, "", `{"errors":{"title":["can't be blank"],"bucket_id":["is not a valid bucket"]}}`, CodeValidation, builtinMessage(CodeValidation),
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
			e := Decode(tt.status, h, []byte(tt.body))
			require.NotNil(t, e)
			assert.Equal(t, tt.code, e.Code())
			assert.Equal(t, tt.status, e.Status())
			assert.Equal(t, tt.msg, e.Message())
			assert.Equal(t, tt.fields, e.Fields())
			assert.Equal(t, tt.id, e.RequestID())
			assert.NoError(t, e.Unwrap(), "an envelope decodes without a cause")
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

func TestDecodeNotAnEnvelope(t *testing.T) {
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
			e := FromResponse(&http.Response{StatusCode: tt.status, Header: h, Body: body})
			require.NotNil(t, e)
			assert.Equal(t, tt.code, e.Code())
			assert.Equal(t, tt.status2, e.Status())
			assert.Equal(t, builtinMessage(tt.code), e.Message(), "the default message, never the body")
			assert.Error(t, e.Unwrap(), "the reason is kept as the cause")
			assert.Equal(t, "req_proxy", e.RequestID())
			assert.True(t, body.closed, "the body is closed")
			assert.LessOrEqual(t, body.read, int64(DefaultMaxResponseBytes+1+drainBytes), "the read is bounded")
		})
	}
}

func TestFromResponseSuccessAndNil(t *testing.T) {
	t.Parallel()
	assert.Nil(t, FromResponse(nil))
	body := &countingBody{r: strings.NewReader(`{"ok":true}`)}
	assert.Nil(t, FromResponse(&http.Response{StatusCode: 204, Header: http.Header{}, Body: body}))
	assert.True(t, body.closed)
	assert.Nil(t, Decode(200, nil, []byte(`{"code":"not_found"}`)))
	e := FromResponse(&http.Response{StatusCode: 404})
	require.NotNil(t, e, "no body and no header still decodes")
	assert.Equal(t, CodeNotFound, e.Code())
}

func TestDecodeHeaders(t *testing.T) {
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
			e := Decode(429, h, []byte(`{"code":"rate_limited","message":"Slow down."}`))
			d, ok := RetryAfterOf(e)
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
	_, ok := RetryAfterOf(errors.New("plain"))
	assert.False(t, ok)
}

func TestDecoderConfig(t *testing.T) {
	t.Parallel()
	_, err := NewDecoder(DecoderConfig{MaxBytes: -1})
	assert.Error(t, err)
	_, err = NewDecoder(DecoderConfig{Formats: []Format{}})
	assert.Error(t, err)
	_, err = NewDecoder(DecoderConfig{Formats: []Format{{Name: "broken"}}})
	assert.Error(t, err)

	// One format: every object body is read in it, even one that would
	// look like another shape.
	f := FlatFormat()
	f.CodeNames = map[Code]string{CodeNotFound: "NOPE"}
	d, err := NewDecoder(DecoderConfig{Formats: []Format{f}, MaxBytes: 64})
	require.NoError(t, err)
	e := d.Decode(404, nil, []byte(`{"code":"NOPE","message":"m"}`))
	assert.Equal(t, CodeNotFound, e.Code())
	e = d.Decode(404, nil, []byte(`{"code":"not_found","message":"`+strings.Repeat("x", 100)+`"}`))
	assert.Equal(t, builtinMessage(CodeNotFound), e.Message(), "over MaxBytes: not parsed")
	assert.Error(t, e.Unwrap())
}

func TestPointerToPath(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"email", "user.email", "items[2].sku", "a~b", "a/b", "naïve", "x y", "", "2", "matrix[0][1]"} {
		b := appendPointer(nil, path)
		var p string
		require.NoError(t, json.Unmarshal(b, &p))
		assert.Equal(t, path, pointerToPath(p), "pointer %s", p)
	}
	assert.Equal(t, "a.b", pointerToPath("/a/b"), "plain pointers too")
	assert.Equal(t, "a%zz", pointerToPath("#/a%zz"), "bad escapes are kept")
}

func BenchmarkDecode(b *testing.B) {
	body := []byte(`{"error":{"code":"validation_error","message":"Validation failed.","details":{"email":["Already in use."]},"request_id":"9f2c5b4d"}}`)
	h := http.Header{"Content-Type": {"application/json"}}
	b.ReportAllocs()
	for b.Loop() {
		if Decode(422, h, bytes.Clone(body)) == nil {
			b.Fatal("nil")
		}
	}
}
