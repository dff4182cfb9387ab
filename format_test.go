package envelope

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFormatRefusesClashes: a format is checked against the codes it
// serves when the writer (or parser) is built, and each refusal names both
// sides.
func TestFormatRefusesClashes(t *testing.T) {
	t.Parallel()
	domain, err := NewCodes(CodeInfo{Code: "permission_denied", Status: 403, Message: "Denied."})
	require.NoError(t, err)
	numeric := Format{Name: "num", Body: `{"code": {{code}}, "message": "{{message}}"}`}
	cases := []struct {
		name  string
		f     Format
		codes *Codes
		want  string
	}{
		{"two codes one spelling", Format{Name: "x", Body: `{"c": "{{code}}"}`, Codes: map[Code]FormatCode{CodeNotFound: {Wire: "missing"}, CodeGone: {Wire: "missing"}}}, nil,
			`codes "not_found" and "gone" are all spelled "missing"`},
		{"two primaries", Format{Name: "x", Body: `{"c": "{{code}}"}`, Codes: map[Code]FormatCode{CodeNotFound: {Wire: "missing", Primary: true}, CodeGone: {Wire: "missing", Primary: true}}}, nil,
			"mark exactly one of them Primary"},
		{"domain code spelled as a built-in", NestedFormat(), domain,
			`codes "forbidden" and "permission_denied" are all spelled "permission_denied"`},
		{"domain code spelled as a built-in after a filter", Format{Name: "x", Body: `{"c": "{{code | upper}}"}`, Codes: map[Code]FormatCode{CodeForbidden: {Wire: "PERMISSION_DENIED"}}}, domain,
			`codes "forbidden" and "permission_denied" are all spelled "PERMISSION_DENIED"`},
		{"numeric without numbers", numeric, nil, `built-in code "invalid_request" has no integer Wire`},
		{"numeric with a word", Format{Name: "x", Body: numeric.Body, Codes: map[Code]FormatCode{CodeNotFound: {Wire: "five"}}}, nil, `wire "five" is not an integer`},
		{"status out of range", Format{Name: "x", Body: `{"c": "{{code}}"}`, Codes: map[Code]FormatCode{CodeNotFound: {Status: 200}}}, nil, "status 200 is not a 4xx or 5xx status"},
		{"undeclared code", Format{Name: "x", Body: `{"c": "{{code}}"}`, Codes: map[Code]FormatCode{"in_use": {Wire: "IN_USE"}}}, nil, `code "in_use" is neither built in nor declared`},
		{"bad media type", Format{Name: "x", Body: `{"c": "{{code}}"}`, MediaType: "not a type"}, nil, "media type"},
		{"bad indent", Format{Name: "x", Body: `{"c": "{{code}}"}`, Indent: " x"}, nil, "indent"},
		{"bad request ID header", Format{Name: "x", Body: `{"c": "{{code}}"}`, RequestIDHeader: "X Id"}, nil, "request ID header"},
		{"challenge placeholder outside quotes", Format{Name: "x", Body: `{"c": "{{code}}"}`, Challenge: `Bearer error={{code}}`}, nil, "inside a quoted-string"},
		{"challenge unknown placeholder", Format{Name: "x", Body: `{"c": "{{code}}"}`, Challenge: `Bearer error="{{nope}}"`}, nil, "unknown placeholder"},
		{"challenge unclosed quote", Format{Name: "x", Body: `{"c": "{{code}}"}`, Challenge: `Bearer error="x`}, nil, "unclosed quoted-string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewWriter(WriterOptions{Format: tc.f, Codes: tc.codes})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			_, err = NewParser(ParserOptions{Formats: []Format{tc.f}, Codes: tc.codes})
			assert.Error(t, err, "the parser refuses it too")
		})
	}
}

// TestSharedSpellingDecodesAsPrimary: several codes may share one wire
// spelling when one is Primary; the parser reads it back as that one.
// Contract 001 spells validation errors invalid_request.
func TestSharedSpellingDecodesAsPrimary(t *testing.T) {
	t.Parallel()
	f := FlatFormat()
	f.Codes = map[Code]FormatCode{CodeValidation: {Wire: "invalid_request"}, CodeInvalidRequest: {Primary: true}}
	srv := errorServer(t, WriterOptions{Format: f}, map[string]error{
		"/v": Validation("email is required").WithField("email", "must be a valid email address"),
		"/i": InvalidRequest("malformed"),
	})
	p, err := NewParser(ParserOptions{Formats: []Format{f}})
	require.NoError(t, err)
	for _, path := range []string{"/v", "/i"} {
		resp, body := do(t, srv, http.MethodGet, path, nil, nil)
		assert.Equal(t, 400, resp.StatusCode)
		assert.Equal(t, "invalid_request", decodeBody(t, body)["code"])
		assert.Equal(t, CodeInvalidRequest, p.Parse(resp.StatusCode, resp.Header, body).Code(), "the Primary code")
	}
}

// TestNumericCodes: a numeric {{code}} renders each code's number; a code
// without one its category's; a client reads numbers back through the table.
func TestNumericCodes(t *testing.T) {
	t.Parallel()
	codes, err := NewCodes(CodeInfo{Code: "in_use", Status: 409, Message: "Still referenced."}, CodeInfo{Code: "seat_limit", Status: 403, Message: "No seats."})
	require.NoError(t, err)
	own := map[Code]FormatCode{"seat_limit": {Wire: "21403"}}
	for _, info := range builtins {
		own[info.Code] = FormatCode{Wire: strconv.Itoa(10 * info.Status)}
	}
	own[CodeValidation] = FormatCode{Wire: "4001"}
	f := Format{Name: "num", Body: `{"code": {{code}}, "message": "{{message}}"}`, Codes: own}
	ew := newWriter(t, WriterOptions{Format: f, Codes: codes})
	p, err := NewParser(ParserOptions{Formats: []Format{f}, Codes: codes})
	require.NoError(t, err)
	cases := []struct {
		err  *APIError
		body string
		back Code
	}{
		{NotFound("x"), `{"code":4040,"message":"x"}`, CodeNotFound},
		{Validation("x"), `{"code":4001,"message":"x"}`, CodeValidation},
		{New("seat_limit", ""), `{"code":21403,"message":"No seats."}`, "seat_limit"},
		{New("in_use", ""), `{"code":4090,"message":"Still referenced."}`, CodeConflict},
		{New("undeclared", "x").WithStatus(429), `{"code":4290,"message":"x"}`, CodeRateLimited},
	}
	for _, tc := range cases {
		status, body := ew.Render(nil, nil, tc.err)
		assert.Equal(t, tc.body, string(body))
		assert.Equal(t, tc.back, p.Parse(status, nil, body).Code(), "%s", body)
	}
	assert.Equal(t, CodeTimeout, p.Parse(504, nil, []byte(`{"code":99999,"message":"x"}`)).Code(), "an unknown number reads as its status's code")
}

// TestChallengeTemplate: a format's challenge is built from the error, each
// value quoted as RFC 9110 §5.6.4 says, on every 401 that carries none (an
// empty or blank one counts as none, RFC 9110 §11.6.1).
func TestChallengeTemplate(t *testing.T) {
	t.Parallel()
	f := FlatFormat()
	f.Challenge = `Bearer realm="api", error="{{code}}", error_description="{{message}}"`
	f.Codes = map[Code]FormatCode{CodeUnauthorized: {Wire: "invalid_token"}}
	ew := newWriter(t, WriterOptions{Format: f})
	cases := []struct {
		err  *APIError
		want string
	}{
		{Unauthorized(`token "t1" expired\now`), `Bearer realm="api", error="invalid_token", error_description="token \"t1\" expired\\now"`},
		{Unauthorized("naïve\r\ninjected: yes"), `Bearer realm="api", error="invalid_token", error_description="na?ve??injected: yes"`},
		{Unauthorized("").WithHeader("WWW-Authenticate", ""), `Bearer realm="api", error="invalid_token", error_description="Authentication is required."`},
		{Unauthorized("").WithHeader("WWW-Authenticate", "   "), `Bearer realm="api", error="invalid_token", error_description="Authentication is required."`},
		{Unauthorized("").WithHeader("WWW-Authenticate", `Basic realm="x"`), `Basic realm="x"`},
	}
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
		i := int(r.URL.Path[1] - '0')
		ew.Write(w, r, cases[i].err)
	})
	for i, tc := range cases {
		resp, _ := fetch(t, srv, "GET", "/"+string(rune('0'+i)), nil)
		assert.Equal(t, 401, resp.StatusCode)
		assert.Equal(t, []string{tc.want}, resp.Header.Values("Www-Authenticate"), "case %d", i)
	}
	// A 403 gets no challenge.
	resp, _ := fetch(t, serveError(t, func(w http.ResponseWriter, r *http.Request) { ew.Write(w, r, Forbidden("")) }), "GET", "/", nil)
	assert.Empty(t, resp.Header.Values("Www-Authenticate"))
}

// TestIndentReproducesDocumentedLayout pretty-prints bodies as a contract
// documents them.
func TestIndentReproducesDocumentedLayout(t *testing.T) {
	t.Parallel()
	f := NullDetailsFormat()
	f.Indent = "\t"
	_, body := newWriter(t, WriterOptions{Format: f}).Render(nil, nil, NotFound("x"))
	assert.Equal(t, "{\n\t\"code\": \"not_found\",\n\t\"message\": \"x\",\n\t\"details\": null\n}", string(body))
}
