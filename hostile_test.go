package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// panickyMarshaler is a details value whose MarshalJSON panics.
type panickyMarshaler struct{}

func (panickyMarshaler) MarshalJSON() ([]byte, error) { panic("marshaller bug") }

// nilDerefError is an error type whose Error method dereferences its
// receiver, so a typed nil of it panics when printed.
type nilDerefError struct{ msg string }

func (e *nilDerefError) Error() string { return e.msg }

// nilDerefWrapper is an error type whose Unwrap dereferences its receiver.
type nilDerefWrapper struct{ err error }

func (e *nilDerefWrapper) Error() string { return "wrapper" }
func (e *nilDerefWrapper) Unwrap() error { return e.err }

func nested(depth int) any {
	var v any = "leaf"
	for range depth {
		v = map[string]any{"a": v}
	}
	return v
}

func cyclic() any {
	m := map[string]any{}
	m["self"] = m
	return m
}

const (
	logHeaderLeftOut = "envelope: error header left out (invalid, or not an error's to set)"
	logNotMarshaled  = "envelope: details or extension did not marshal; left out"
	logPanic         = "envelope: panic recovered"
	logAfterStart    = "envelope: error after the response started; nothing written"
)

// TestHostileInputs sends errors built from hostile values through the
// chain on a real server. Each response is a clean answer, rendered by the
// writer itself (never by the panic recovery): an error status, a valid
// JSON and UTF-8 body that decodes to the expected code, the request ID in
// header and body, and only clean header values.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	mb := strings.Repeat("é", 1<<19) // 1 MiB
	var typedNil *APIError
	var typedNilCustom *nilDerefError
	var typedNilWrapper *nilDerefWrapper
	cases := []struct {
		name    string
		err     error
		status  int
		message string // expected decoded message; "" skips the check
		details bool   // whether details must be present
		logged  string // a log message that must be recorded; "" skips
		check   func(t *testing.T, h http.Header, body []byte)
	}{
		{name: "CR LF in message", err: Conflict("a\r\nSet-Cookie: x=1"), status: 409, message: "a\r\nSet-Cookie: x=1"},
		{name: "NUL and invalid UTF-8 in message", err: Conflict("a\x00b\xffc"), status: 409, message: "a\x00b\ufffdc"},
		{name: "bidi controls in message", err: Conflict("\u202egnp.exe\u2066"), status: 409, message: "\u202egnp.exe\u2066"},
		{name: "CR LF in header value", err: Conflict("x").WithHeader("X-Next", "a\r\nSet-Cookie: x=1"), status: 409,
			logged: logHeaderLeftOut,
			check: func(t *testing.T, h http.Header, _ []byte) {
				assert.Empty(t, h.Values("X-Next"))
				assert.Empty(t, h.Values("Set-Cookie"))
			}},
		{name: "NUL in header name", err: Conflict("x").WithHeader("X-\x00", "v"), status: 409,
			logged: logHeaderLeftOut},
		{name: "framing header", err: Conflict("x").WithHeader("Transfer-Encoding", "chunked").WithHeader("Content-Length", "1"), status: 409,
			logged: logHeaderLeftOut},
		{name: "invalid UTF-8 in header value", err: Conflict("x").WithHeader("X-Next", "\xff\xfe"), status: 409,
			check: func(t *testing.T, h http.Header, _ []byte) {
				// RFC 9110 §5.5 allows obs-text; the value passes as sent.
				assert.Equal(t, "\xff\xfe", h.Get("X-Next"))
			}},
		{name: "1 MiB message", err: Conflict(mb), status: 409,
			check: func(t *testing.T, _ http.Header, body []byte) {
				assert.Less(t, len(body), 2*maxMessageBytes, "the message is capped")
				assert.True(t, strings.HasSuffix(decodeBody(t, body)["message"].(string), "…"))
			}},
		{name: "1 MiB field", err: Validation("x").WithField(mb, mb), status: 400},
		{name: "1 MiB details", err: Conflict("x").WithDetails(mb), status: 409, message: "x", details: true},
		{name: "nested details", err: Conflict("x").WithDetails(nested(maxValueDepth)), status: 409, message: "x", details: true},
		{name: "too deeply nested details", err: Conflict("x").WithDetails(nested(maxValueDepth + 1)), status: 409, message: "x",
			logged: logNotMarshaled},
		{name: "details deeper than encoding/json reads", err: Conflict("x").WithDetails(nested(20000)), status: 409, message: "x",
			logged: logNotMarshaled},
		{name: "nested brackets in strings", err: Conflict("x").WithDetails(strings.Repeat("[{\\\"", 1000)), status: 409, message: "x", details: true},
		{name: "cyclic details", err: Conflict("x").WithDetails(cyclic()), status: 409, message: "x",
			logged: logNotMarshaled},
		{name: "channel details", err: Conflict("x").WithDetails(make(chan int)), status: 409, message: "x",
			logged: logNotMarshaled},
		{name: "NaN extension", err: Conflict("x").WithExtension("n", math.NaN()), status: 409, message: "x",
			logged: logNotMarshaled},
		{name: "panicking MarshalJSON", err: Conflict("x").WithDetails(panickyMarshaler{}), status: 409, message: "x",
			logged: logNotMarshaled},
		{name: "status 0", err: Conflict("x").WithStatus(0), status: 500},
		{name: "status 99", err: Conflict("x").WithStatus(99), status: 500},
		{name: "status 1000", err: Conflict("x").WithStatus(1000), status: 500},
		{name: "status 200", err: Conflict("x").WithStatus(200), status: 500},
		{name: "typed nil APIError", err: typedNil, status: 500, message: defaultMessage(CodeInternal)},
		{name: "wrapped typed nil APIError", err: fmt.Errorf("x: %w", typedNil), status: 500, message: defaultMessage(CodeInternal)},
		{name: "typed nil custom error", err: typedNilCustom, status: 500, message: defaultMessage(CodeInternal)},
		{name: "typed nil custom wrapper", err: typedNilWrapper, status: 500, message: defaultMessage(CodeInternal)},
		{name: "nil error", err: nil, status: 500, message: defaultMessage(CodeInternal)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rec, logger := newLogRecorder()
			srv := serve(t, chainFor(t, newWriter(t, WriterOptions{Logger: logger}), MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, c.err)
			})))
			resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
			assert.Equal(t, c.status, resp.StatusCode)
			assertWellFormed(t, resp.Header, body)
			m := decodeBody(t, body)
			if c.message != "" {
				assert.Equal(t, c.message, m["message"])
			}
			_, hasDetails := m["details"]
			assert.Equal(t, c.details, hasDetails && m["details"] != nil, "details")
			// A large body reaches the client before the writer logs:
			// wait for the record that ends every error response.
			rec.waitRecord(t, "the writer's record of the error", isFinalRecord)
			msgs := loggedMessages(rec)
			if c.logged != "" {
				assert.Contains(t, msgs, c.logged)
			}
			assert.NotContains(t, msgs, logPanic, "the writer handles the error itself")
			if c.check != nil {
				c.check(t, resp.Header, body)
			}
		})
	}
}

// isFinalRecord reports whether r is the record a writer logs last for
// every error response it writes.
func isFinalRecord(r loggedRecord) bool {
	switch r.msg {
	case "envelope: client error", "envelope: server error", "envelope: unexpected error":
		return true
	}
	return false
}

// TestTypedNilCustomErrors is the regression test for error values whose
// own methods panic: a typed nil of an error type whose Error or Unwrap
// dereferences its receiver. Writing one used to crash Write (resolve
// called its Error method to look for a JSON decoding error), and CodeOf
// with it; without the middleware's panic recovery the client got no
// response at all. Now such an error is an unexpected error: a 500 with
// the generic message, logged with a placeholder for its text.
func TestTypedNilCustomErrors(t *testing.T) {
	t.Parallel()
	var custom *nilDerefError
	var wrapper *nilDerefWrapper
	for name, err := range map[string]error{
		"Error panics":              custom,
		"Unwrap panics":             wrapper,
		"wrapped, Error panics":     fmt.Errorf("x: %w", custom),
		"joined, Unwrap panics":     errors.Join(errors.New("x"), wrapper),
		"wrapped twice, with cause": fmt.Errorf("y: %w", &nilDerefWrapper{err: custom}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, CodeInternal, CodeOf(err))
			ew, rec := recordingWriter(t)
			srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ew.Write(w, r, err) }))
			resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
			assert.Equal(t, 500, resp.StatusCode)
			assert.JSONEq(t, `{"code":"internal","message":"An internal error occurred."}`, string(body))
			r := rec.waitMsg(t, "envelope: unexpected error")
			assert.Equal(t, slog.LevelError, r.level)
			status, _ := ew.Render(nil, nil, err)
			assert.Equal(t, 500, status)
		})
	}
}

// assertWellFormed checks what every error response must be: valid JSON
// and UTF-8 without raw HTML characters, the request ID in the header and
// the body, nosniff and no-store, and clean header values.
func assertWellFormed(t *testing.T, h http.Header, body []byte) {
	t.Helper()
	require.True(t, json.Valid(body), "body %.200q", body)
	assert.True(t, utf8.Valid(body))
	assert.False(t, bytes.ContainsAny(body, "<>&"))
	id := h.Get("X-Request-Id")
	assert.NotEmpty(t, id)
	var m struct {
		RequestID string `json:"requestId"`
	}
	require.NoError(t, json.Unmarshal(body, &m))
	assert.Equal(t, id, m.RequestID)
	assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
	assert.Equal(t, "no-store", h.Get("Cache-Control"))
	for k, vs := range h {
		for _, v := range vs {
			assert.True(t, validHeaderValue(v), "header %s: %q", k, v)
		}
	}
}

// TestWriteTwice covers Write called twice, and Write after the handler
// already wrote, with and without the middleware, over a real server.
//
// With the middleware, the wrapper knows the response started: the later
// Write sends nothing and logs, so the response is exactly the first one.
// Without it, Write cannot know: net/http drops the second status line
// (logging "superfluous response.WriteHeader call") and appends the second
// body, as it would for any handler that writes twice. The test pins that
// behaviour so a change in it is noticed.
func TestWriteTwice(t *testing.T) {
	t.Parallel()
	twice := func(write func(http.ResponseWriter, *http.Request, error)) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			write(w, r, Conflict("first"))
			write(w, r, NotFound("second"))
		})
	}
	afterWrite := func(write func(http.ResponseWriter, *http.Request, error)) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "partial")
			write(w, r, Conflict("late"))
		})
	}
	t.Run("twice with middleware", func(t *testing.T) {
		t.Parallel()
		ew, rec := recordingWriter(t)
		srv, sl := serveLogged(t, chainFor(t, ew, MiddlewareOptions{}, twice(Write)))
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		assert.Equal(t, 409, resp.StatusCode)
		assertWellFormed(t, resp.Header, body)
		assert.Equal(t, "first", decodeBody(t, body)["message"])
		r := rec.waitMsg(t, logAfterStart)
		assert.Equal(t, string(CodeNotFound), r.attrs["code"], "the late error is logged")
		assert.NotContains(t, sl.String(), "superfluous")
	})
	t.Run("after the handler wrote, with middleware", func(t *testing.T) {
		t.Parallel()
		ew, rec := recordingWriter(t)
		srv, sl := serveLogged(t, chainFor(t, ew, MiddlewareOptions{}, afterWrite(Write)))
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "partial", string(body), "the success body is not corrupted")
		rec.waitMsg(t, logAfterStart)
		assert.NotContains(t, sl.String(), "superfluous")
	})
	t.Run("twice without middleware", func(t *testing.T) {
		t.Parallel()
		srv, sl := serveLogged(t, twice(quietWriter(t).Write))
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		assert.Equal(t, 409, resp.StatusCode, "the first status stands")
		dec := json.NewDecoder(bytes.NewReader(body))
		var first, second map[string]any
		require.NoError(t, dec.Decode(&first), "the first body is intact")
		assert.Equal(t, "first", first["message"])
		require.NoError(t, dec.Decode(&second), "net/http appends the second body")
		assert.Contains(t, sl.String(), "superfluous response.WriteHeader call")
	})
	t.Run("after the handler wrote, without middleware", func(t *testing.T) {
		t.Parallel()
		srv, sl := serveLogged(t, afterWrite(quietWriter(t).Write))
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		assert.Equal(t, 200, resp.StatusCode)
		assert.True(t, strings.HasPrefix(string(body), "partial{"), "net/http appends the envelope: %s", body)
		assert.Contains(t, sl.String(), "superfluous response.WriteHeader call")
	})
}

// TestPanickingMarshalJSON is the regression test for a details value whose
// MarshalJSON panics: encoding/json re-panics it, which used to crash
// Write (and, without the middleware, drop the connection). Now it is
// a valid envelope without details or extensions, and a log line.
func TestPanickingMarshalJSON(t *testing.T) {
	t.Parallel()
	ew, rec := recordingWriter(t)
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ew.Write(w, r, Conflict("x").WithDetails(panickyMarshaler{}).WithExtension("e", panickyMarshaler{}))
	}))
	resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, 409, resp.StatusCode)
	m := decodeBody(t, body)
	assert.Equal(t, "x", m["message"])
	assert.Nil(t, m["details"])
	assert.NotContains(t, m, "e")
	r := rec.waitMsg(t, logNotMarshaled)
	assert.Contains(t, r.attrs["error"], "panicked: marshaller bug")
	assert.Equal(t, logNotMarshaled, rec.all()[0].msg, "the first record")
	out, err := appendMarshaled([]byte("prefix"), panickyMarshaler{})
	assert.Error(t, err)
	assert.Equal(t, "prefix", string(out), "nothing is appended")
	out, err = appendMarshaled(nil, map[string]int{"after": 1})
	require.NoError(t, err, "the pool still hands out working encoders")
	assert.Equal(t, `{"after":1}`, string(out))
}

// TestHostileRequestBodies sends hostile JSON bodies to a handler that
// decodes them with [DecodeRequest]: member names with CR/LF, NUL, invalid
// UTF-8 and bidi controls, a body over the limit, and nesting deeper than
// encoding/json accepts. Each gets a clean 4xx envelope with the request ID;
// the message names the problem, never echoes the hostile text, and holds
// no decoder internals.
func TestHostileRequestBodies(t *testing.T) {
	t.Parallel()
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v struct{ Name string }
		if err := DecodeRequest(r, &v); err != nil {
			Write(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	cases := []struct {
		name   string
		body   string
		status int
	}{
		{"CR LF in member name", "{\"a\\r\\nSet-Cookie: x\":1}", 400},
		{"raw CR LF in member name", "{\"a\r\nb\":1}", 400},
		{"NUL and invalid UTF-8 in member name", "{\"a\\u0000\xff\":1}", 400},
		{"bidi in member name", "{\"\u202eeman\":1}", 400},
		{"invalid UTF-8 in value", "{\"Name\":\"\xff\xfe\"}", 204},
		{"wrong type", `{"Name":{"\u202e":1}}`, 400},
		{"over the limit", `{"Name":"` + strings.Repeat("x", 2<<20) + `"}`, 413},
		{"deep nesting", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), 400},
		{"truncated", `{"Name":"x`, 400},
		{"empty", ``, 400},
		{"two values", `{"Name":"x"} {"Name":"y"}`, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			resp, body := do(t, srv, http.MethodPost, "/", http.Header{"Content-Type": {"application/json"}}, strings.NewReader(c.body))
			assert.Equal(t, c.status, resp.StatusCode, "%s", body)
			if c.status == 204 {
				return
			}
			assertWellFormed(t, resp.Header, body)
			m := decodeBody(t, body)
			msg, _ := m["message"].(string)
			assert.NotEmpty(t, msg)
			assert.False(t, containsControl(msg) || strings.ContainsAny(msg, "\u202e\ufffd") || !utf8.ValidString(msg), "message %q", msg)
			assert.NotContains(t, msg, "json:", "no decoder internals")
		})
	}
}

// TestLogEscapesRequest is the regression test for the request path in
// Write's log record: it comes from the client, and was logged raw, so a
// path with CR/LF (sent percent-encoded) could forge a line for a log
// handler that does not quote, and a huge path made a huge record. It is
// now escaped and capped, as the panic recovery does.
func TestLogEscapesRequest(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 64<<10)
	for _, c := range []struct{ name, path, want string }{
		{"CR LF and NUL", "/a%0D%0Alevel=ERROR%00msg=forged", `/a\r\nlevel=ERROR\x00msg=forged`},
		{"bidi", "/%E2%80%AEexe", `/\u202eexe`},
		{"64 KiB", "/" + long, "/" + long[:maxLoggedPathBytes-1] + "…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ew, rec := recordingWriter(t)
			srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ew.Write(w, r, errors.New("x"))
			}))
			resp, _ := do(t, srv, http.MethodGet, c.path, nil, nil)
			assert.Equal(t, 500, resp.StatusCode)
			r := rec.waitMsg(t, "envelope: unexpected error")
			assert.Len(t, rec.all(), 1)
			assert.Equal(t, c.want, r.attrs["path"])
			assert.Equal(t, "GET", r.attrs["method"])
		})
	}
}
