package envelope

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type signup struct {
	Email string `json:"email"`
	Age   int    `json:"age"`
	User  struct {
		Tags []string `json:"tags"`
	} `json:"user"`
}

func TestDecodeRequestOverTheWire(t *testing.T) {
	t.Parallel()
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{}, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var in signup
		dec := RequestDecoder{MaxBytes: 64}
		if r.URL.Path == "/lenient" {
			dec.AllowUnknownFields = true
		}
		if err := dec.Decode(r, &in); err != nil {
			return err
		}
		return json.NewEncoder(w).Encode(in)
	})))
	cases := []struct {
		name, path, ctype, body string
		status                  int
		want                    string
	}{
		{"ok", "/", "application/json", `{"email":"a@b.c","age":3}`, 200, ""},
		{"ok +json", "/", "application/merge-patch+json; charset=utf-8", `{"age":3}`, 200, ""},
		{"no content type", "/", "", `{"age":3}`, 200, ""},
		{"wrong content type", "/", "text/plain", `{}`, 415,
			`{"code":"unsupported_media_type","message":"The request body must be JSON (Content-Type: application/json)."}`},
		{"malformed content type", "/", "application/", `{}`, 415, ""},
		{"empty", "/", "application/json", ``, 400,
			`{"code":"invalid_request","message":"The request body is empty."}`},
		{"syntax", "/", "application/json", `{"email":}`, 400,
			`{"code":"invalid_request","message":"The request body is not valid JSON (syntax error at byte 10)."}`},
		{"truncated", "/", "application/json", `{"email":"a`, 400,
			`{"code":"invalid_request","message":"The request body is truncated."}`},
		{"wrong type", "/", "application/json", `{"age":"three"}`, 400,
			`{"code":"invalid_request","message":"A field of the request body has the wrong type.","fields":{"age":"must be an integer"}}`},
		{"nested wrong type", "/", "application/json", `{"user":{"tags":"x"}}`, 400,
			`{"code":"invalid_request","message":"A field of the request body has the wrong type.","fields":{"user.tags":"must be an array"}}`},
		{"top-level wrong type", "/", "application/json", `[1]`, 400,
			`{"code":"invalid_request","message":"The request body must be a JSON object."}`},
		{"unknown field", "/", "application/json", `{"emial":"x"}`, 400,
			`{"code":"invalid_request","message":"The request body has an unknown field.","fields":{"emial":"is not a known field"}}`},
		// The name as the client sent it, control characters and quotes
		// included (escaped by JSON on the wire), not as Go quotes it.
		{"unknown field with controls", "/", "application/json", `{"ctl\u0001x\"q\\":1}`, 400,
			`{"code":"invalid_request","message":"The request body has an unknown field.","fields":{"ctl\u0001x\"q\\":"is not a known field"}}`},
		{"unknown field non-ascii", "/", "application/json", `{"naïve\u2028":1}`, 400,
			`{"code":"invalid_request","message":"The request body has an unknown field.","fields":{"naïve\u2028":"is not a known field"}}`},
		{"unknown field allowed", "/lenient", "application/json", `{"emial":"x"}`, 200, ""},
		{"trailing data", "/", "application/json", `{"age":1}{"age":2}`, 400,
			`{"code":"invalid_request","message":"The request body must hold a single JSON value."}`},
		{"too large", "/", "application/json", `{"email":"` + strings.Repeat("a", 100) + `"}`, 413,
			`{"code":"payload_too_large","message":"The request body must not exceed 64 bytes."}`},
		{"too large after a value", "/", "application/json", `{"age":1}` + strings.Repeat(" ", 100), 413, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var hdr []string
			if tc.ctype != "" {
				hdr = []string{"Content-Type", tc.ctype}
			}
			resp, body := fetch(t, srv, "POST", tc.path, strings.NewReader(tc.body), hdr...)
			assert.Equal(t, tc.status, resp.StatusCode, "%s", body)
			if tc.want != "" {
				var m map[string]any
				require.NoError(t, json.Unmarshal(body, &m))
				delete(m, "requestId")
				got, _ := json.Marshal(m)
				assert.JSONEq(t, tc.want, string(got))
			}
			assert.NotContains(t, string(body), "Go struct", "no Go type names on the wire")
			assert.NotContains(t, string(body), "json:", "no Go error text on the wire")
		})
	}
}

func TestDecodeRequestErrorsKeepTheirCause(t *testing.T) {
	t.Parallel()
	req, err := http.NewRequest("POST", "/", strings.NewReader(`{"age":"x"}`))
	require.NoError(t, err)
	var in signup
	derr := DecodeRequest(req, &in)
	var te *json.UnmarshalTypeError
	assert.ErrorAs(t, derr, &te, "the encoding/json error is the cause")
	assert.Equal(t, CodeInvalidRequest, CodeOf(derr))
	var ae *APIError
	require.ErrorAs(t, derr, &ae)
	assert.Equal(t, []FieldError{{Field: "age", Code: "type", key: "type_integer"}}, ae.Fields(), "the message comes from the catalog")

	req, _ = http.NewRequest("POST", "/", nil)
	assert.Equal(t, CodeInvalidRequest, CodeOf(DecodeRequest(req, &in)))
	req, _ = http.NewRequest("POST", "/", io.NopCloser(strings.NewReader(strings.Repeat(" ", 2<<20))))
	tooLarge := DecodeRequest(req, &in)
	assert.Equal(t, CodePayloadTooLarge, CodeOf(tooLarge), "the default cap is 1 MiB")
	var mbe *http.MaxBytesError
	require.True(t, errors.As(tooLarge, &mbe), "the limit error is the cause")
	assert.Equal(t, int64(1<<20), mbe.Limit)
}

func TestHandlerFunc(t *testing.T) {
	t.Parallel()
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{}, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Path == "/ok" {
			_, err := io.WriteString(w, "fine")
			return err
		}
		return NotFound("Flag not found")
	})))
	resp, body := fetch(t, srv, "GET", "/ok", nil)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "fine", string(body))
	resp, body = fetch(t, srv, "GET", "/missing", nil)
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, "Flag not found", decodeBody(t, body)["message"])
}

// TestWrongTypeSpeaksAsDecodeRequest: the field error adapters build for a
// value that does not parse is the one DecodeRequest builds.
func TestWrongTypeSpeaksAsDecodeRequest(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest("POST", "/", strings.NewReader(`{"age":"x"}`))
	var in signup
	var ae *APIError
	require.ErrorAs(t, DecodeRequest(req, &in), &ae)
	assert.Equal(t, ae.Fields()[0], WrongType("age", reflect.TypeFor[int]()))
	for typ, want := range map[reflect.Type]string{
		reflect.TypeFor[int64](): "must be an integer", reflect.TypeFor[uint8](): "must be a non-negative integer",
		reflect.TypeFor[[]string](): "must be an array", reflect.TypeFor[*bool](): "must be a boolean",
		reflect.TypeFor[float32](): "must be a number", reflect.TypeFor[map[string]int](): "must be an object",
		reflect.TypeFor[string](): "must be a string", nil: "has the wrong type",
	} {
		_, body := quietWriter(t).Render(nil, nil, Validation("").WithFields(WrongType("limit", typ)))
		assert.Contains(t, string(body), `"limit":"`+want+`"`, "%v", typ)
	}
}

// TestValueErrorOverTheWire parses query parameters as an adapter binding
// them would, and checks the field errors a client receives, localized:
// a syntax error is the wrong type, as DecodeRequest says it of a JSON
// member; a range error, a time out of its layout and anything else are
// worded without the parser's text, which holds the value and Go names.
func TestValueErrorOverTheWire(t *testing.T) {
	t.Parallel()
	parse := map[string]func(string) error{
		"atoi":     func(v string) error { _, err := strconv.Atoi(v); return err },
		"int8":     func(v string) error { _, err := strconv.ParseInt(v, 10, 8); return err },
		"uint":     func(v string) error { _, err := strconv.ParseUint(v, 10, 64); return err },
		"float":    func(v string) error { _, err := strconv.ParseFloat(v, 64); return err },
		"bool":     func(v string) error { _, err := strconv.ParseBool(v); return err },
		"since":    func(v string) error { _, err := time.Parse(time.DateOnly, v); return err },
		"duration": func(v string) error { _, err := time.ParseDuration(v); return err },
	}
	loc, err := NewLocalizer(LocalizerOptions{})
	require.NoError(t, err)
	ew := newWriter(t, WriterOptions{Format: ProblemFormat(), Localizer: loc})
	srv := httptest.NewServer(chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var fields []FieldError
		for name, vs := range r.URL.Query() {
			if err := parse[name](vs[0]); err != nil {
				// Wrapped, as a binding library returns it.
				fields = append(fields, ValueError(name, fmt.Errorf("binding %s: %w", name, err)))
			}
		}
		Write(w, r, InvalidRequest("").WithFields(fields...))
	})))
	t.Cleanup(srv.Close)
	tests := []struct {
		name, value, lang, code, detail string
	}{
		{"atoi", "abc", "", "type", "must be an integer"},
		{"atoi", "abc", "de", "type", "muss eine ganze Zahl sein"},
		{"uint", "-1", "", "type", "must be a non-negative integer"},
		{"float", "half", "", "type", "must be a number"},
		{"bool", "maybe", "", "type", "must be a boolean"},
		{"int8", "300", "", "invalid", "is invalid"},
		{"since", "yesterday", "", "pattern", "has an invalid format"},
		{"duration", "soon", "", "invalid", "is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value+"/"+tt.lang, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/?"+tt.name+"="+url.QueryEscape(tt.value), nil)
			require.NoError(t, err)
			if tt.lang != "" {
				req.Header.Set("Accept-Language", tt.lang)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			var p struct {
				Errors []struct{ Detail, Pointer, Code string }
			}
			require.NoError(t, json.Unmarshal(body, &p), "%s", body)
			require.Len(t, p.Errors, 1, "%s", body)
			assert.Equal(t, "#/"+tt.name, p.Errors[0].Pointer)
			assert.Equal(t, tt.code, p.Errors[0].Code)
			assert.Equal(t, tt.detail, p.Errors[0].Detail)
			for _, internal := range []string{"strconv", "parsing", "binding", "syntax", "range"} {
				assert.NotContains(t, string(body), internal, "the parser's text stays out")
			}
		})
	}
}
