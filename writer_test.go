package envelope

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteGoldenBodies(t *testing.T) {
	t.Parallel()
	cases := map[string]error{
		"flat_not_found.json":       NotFound("Flag not found"),
		"flat_default_message.json": Forbidden(""),
		"flat_validation.json": InvalidRequest("email is required").
			WithField("email", "must be a valid email address"),
		"flat_validation_multi.json": Validation("").WithFields(
			FieldError{Field: "email", Code: "required", Message: "is required"},
			FieldError{Field: "items[2].sku", Code: "format", Message: "must be an SKU"},
			FieldError{Field: "email", Code: "email", Message: "must be a valid email address"}),
		"flat_details.json": Conflict("Version conflict").
			WithDetails(map[string]any{"current_version": 3, "tags": []string{"a", "b"}}),
		"flat_extensions.json": New("test_version_drift_golden", "The environment moved on.").WithStatus(409).
			WithExtension("liveVersion", 7).WithExtension("proposedVersion", 5),
		"flat_internal.json": fmt.Errorf("charging card: %w", errors.New("provider said: key sk_live_123 invalid")),
		"flat_internal_public.json": Wrap(errors.New("provider timeout"), CodeInternal,
			"billing provider returned an unexpected error"),
		"flat_hostile.json": InvalidRequest("<script>alert(1)</script> & \"quotes\" \x00\u2028\xff").
			WithField("a\"b<c>", "line1\nline2\r\t"),
	}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ew := quietWriter(t)
			srv := serveError(t, withID(ew, err))
			resp, body := fetch(t, srv, "GET", "/x", nil)
			status, _ := ew.Render(nil, nil, err)
			assert.Equal(t, status, resp.StatusCode)
			assert.True(t, json.Valid(body), "valid JSON: %s", body)
			golden(t, name, body)
		})
	}
}

func TestWriteHeaders(t *testing.T) {
	t.Parallel()
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// Headers the handler set for the body it meant to send.
		h.Set("Content-Length", "12345")
		h.Set("ETag", `"abc"`)
		h.Set("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
		h.Set("Content-Disposition", "attachment")
		h.Set("Content-Type", "text/html")
		h.Set("X-App", "kept")
		r = r.WithContext(ContextWithRequestID(r.Context(), "req_abc"))
		quietWriter(t).Write(w, r, RateLimited("slow down").WithHeader("Retry-After", "30"))
	})
	resp, body := fetch(t, srv, "GET", "/", nil)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Equal(t, "req_abc", resp.Header.Get("X-Request-Id"))
	assert.Equal(t, "30", resp.Header.Get("Retry-After"))
	assert.Equal(t, "kept", resp.Header.Get("X-App"))
	for _, stale := range []string{"ETag", "Last-Modified", "Content-Disposition"} {
		assert.Empty(t, resp.Header.Values(stale), stale)
	}
	assert.Equal(t, int64(len(body)), resp.ContentLength, "Content-Length describes the error body")
	assert.JSONEq(t, `{"code":"rate_limited","message":"slow down","requestId":"req_abc"}`, string(body))
}

func TestWriteKeepsContentEncoding(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Encoding", "gzip")
	quietWriter(t).Write(rec, httptest.NewRequest("GET", "/", nil), NotFound(""))
	assert.Equal(t, "gzip", rec.Header().Get("Content-Encoding"), "compressing middleware wraps the writer and owns this header")
}

func TestWriteRequiredHeaders(t *testing.T) {
	t.Parallel()
	f := FlatFormat()
	f.Challenge = `Bearer realm="api"`
	ew := newWriter(t, WriterOptions{Format: f})
	cases := []struct {
		name    string
		ew      *Writer
		err     error
		header  string
		want    string
		preset  string
		present string
	}{
		{name: "401 gets the default challenge", err: Unauthorized(""), header: "WWW-Authenticate", want: "Bearer"},
		{name: "401 gets a configured challenge", ew: ew, err: Unauthorized("token expired"), header: "WWW-Authenticate", want: `Bearer realm="api"`},
		{name: "401 keeps its own challenge", err: Unauthorized("").WithHeader("WWW-Authenticate", `Basic realm="x"`), header: "WWW-Authenticate", want: `Basic realm="x"`},
		{name: "401 keeps the handler's challenge", err: Unauthorized(""), header: "WWW-Authenticate", want: `Digest realm="d"`, preset: `Digest realm="d"`},
		{name: "405 carries Allow", err: MethodNotAllowed("", "GET", "HEAD"), header: "Allow", want: "GET, HEAD"},
		{name: "Location", err: Gone("").WithHeader("Location", "/v2/things"), header: "Location", want: "/v2/things"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.preset != "" {
					w.Header().Set(tc.header, tc.preset)
				}
				ew := tc.ew
				if ew == nil {
					ew = quietWriter(t)
				}
				ew.Write(w, r, tc.err)
			})
			resp, _ := fetch(t, srv, "GET", "/", nil)
			assert.Equal(t, []string{tc.want}, resp.Header.Values(tc.header))
		})
	}
}

func TestWriteDropsInvalidErrorHeaders(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	ew := newWriter(t, WriterOptions{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	e := NotFound("").WithHeader("X-Bad", "a\r\nSet-Cookie: evil=1").WithHeader("Bad Name", "v").WithHeader("X-Nul", "a\x00b").WithHeader("X-Good", "ok")
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) { ew.Write(w, r, e) })
	resp, _ := fetch(t, srv, "GET", "/", nil)
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, "ok", resp.Header.Get("X-Good"))
	assert.Empty(t, resp.Header.Values("X-Bad"))
	assert.Empty(t, resp.Header.Values("Set-Cookie"))
	assert.Empty(t, resp.Header.Values("X-Nul"))
	assert.Contains(t, logs.String(), "error header left out")
}

func TestWriteHEADHasHeadersButNoBody(t *testing.T) {
	t.Parallel()
	srv := serveError(t, withID(quietWriter(t), NotFound("Flag not found")))
	get, getBody := fetch(t, srv, "GET", "/", nil)
	head, headBody := fetch(t, srv, "HEAD", "/", nil)
	require.NotEmpty(t, getBody)
	assert.Empty(t, headBody)
	assert.Equal(t, get.StatusCode, head.StatusCode)
	for _, h := range []string{"Content-Type", "X-Content-Type-Options", "Cache-Control", "X-Request-Id"} {
		assert.Equal(t, get.Header.Get(h), head.Header.Get(h), h)
	}
}

func TestWriteImpossibleStatusIsA500NotAPanic(t *testing.T) {
	t.Parallel()
	for _, s := range []int{0, 99, 204, 304, 1000, -5} {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			t.Parallel()
			srv := serveError(t, withID(quietWriter(t), NotFound("x").WithStatus(s)))
			resp, body := fetch(t, srv, "GET", "/", nil)
			assert.Equal(t, 500, resp.StatusCode)
			assert.True(t, json.Valid(body))
			assert.Contains(t, string(body), `"message":"x"`)
		})
	}
}

func TestWriteNilAndTypedNil(t *testing.T) {
	t.Parallel()
	var typedNil *APIError
	for name, err := range map[string]error{"nil": nil, "typed nil": typedNil, "wrapped typed nil": fmt.Errorf("x: %w", typedNil)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := serveError(t, withID(quietWriter(t), err))
			resp, body := fetch(t, srv, "GET", "/", nil)
			assert.Equal(t, 500, resp.StatusCode)
			assert.JSONEq(t, `{"code":"internal","message":"An internal error occurred.","requestId":"req_test"}`, string(body))
		})
	}
}

// TestWriteNeverLeaksCauses is a property test: for random causes built of
// secret markers and hostile bytes, rendered as plain errors, as wrapped
// causes of every built-in code, and with panicking Error methods, the
// marker never appears in any body or header.
func TestWriteNeverLeaksCauses(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	hostile := []string{"\r\n", "\x00", "<", ">", "&", "\"", "\\", "\xff", "\u2028", "é", "%s", "%d", "{{", "\t"}
	for i := range 300 {
		secret := fmt.Sprintf("SECRET%dX", rng.IntN(1_000_000))
		var sb strings.Builder
		for range rng.IntN(6) {
			sb.WriteString(hostile[rng.IntN(len(hostile))])
		}
		text := sb.String() + secret + sb.String()
		cause := errors.New(text)
		code := builtins[rng.IntN(len(builtins))].Code
		var err error
		switch i % 5 {
		case 0:
			err = cause
		case 1:
			err = fmt.Errorf("wrapped: %w", cause)
		case 2:
			err = Wrap(cause, code, "")
		case 3:
			err = fmt.Errorf("outer %s: %w", secret, New(code, "").WithCause(cause))
		case 4:
			err = errors.Join(cause, New(code, "public"))
		}
		rec := httptest.NewRecorder()
		ew := quietWriter(t)
		ew.Write(rec, httptest.NewRequest("POST", "/x", nil), err)
		body := rec.Body.String()
		require.True(t, json.Valid(rec.Body.Bytes()), "case %d: %q", i, body)
		require.NotContains(t, body, "SECRET", "case %d", i)
		for k, vs := range rec.Header() {
			for _, v := range vs {
				require.NotContains(t, v, "SECRET", "case %d header %s", i, k)
			}
		}
	}
	// The same through a real server, with a cause whose Error panics.
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
		quietWriter(t).Write(w, r, fmt.Errorf("x: %w", panickyError{}))
	})
	resp, body := fetch(t, srv, "GET", "/", nil)
	assert.Equal(t, 500, resp.StatusCode)
	assert.NotContains(t, string(body), "panicked")
}

func TestWriteHostileStringsGiveValidBodies(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("ab<&\xff", 1<<20/5)
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	deep := any("leaf")
	for range 5000 {
		deep = []any{deep}
	}
	cases := map[string]*APIError{
		"invalid utf8":      InvalidRequest("\xff\xfe\xfd").WithField("\xc3", "\xe2\x82"),
		"bidi and controls": InvalidRequest("\u202egnp.exe\u202c \x01\x1f\x7f").WithField("\u2066f", "\u0000"),
		"1 MB message":      InvalidRequest(big).WithField(big, big),
		"1 MB details":      Conflict("").WithDetails(map[string]string{"k": big}),
		"cyclic details":    Conflict("").WithDetails(cyclic),
		"func details":      Conflict("").WithDetails(func() {}),
		"chan extension":    Conflict("").WithExtension("c", make(chan int)),
		"deep details":      Conflict("").WithDetails(deep),
		"NaN details":       Conflict("").WithDetails(map[string]float64{"x": nan()}),
		"empty names":       Conflict("").WithExtension("", 1).WithField("", ""),
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := serveError(t, func(w http.ResponseWriter, r *http.Request) { quietWriter(t).Write(w, r, e) })
			resp, body := fetch(t, srv, "GET", "/", nil)
			assert.Equal(t, e.Status(), resp.StatusCode)
			require.True(t, json.Valid(body), "invalid JSON")
			require.True(t, utf8.Valid(body), "invalid UTF-8")
			assert.False(t, bytes.ContainsAny(body, "<>"), "HTML characters escaped")
			var got map[string]any
			require.NoError(t, json.Unmarshal(body, &got))
			assert.Equal(t, string(e.Code()), got["code"])
			if msg := got["message"].(string); len(e.Message()) > maxMessageBytes {
				// Cut to maxMessageBytes of input; each invalid byte may
				// become a 3-byte U+FFFD on the wire.
				assert.LessOrEqual(t, len(msg), 3*maxMessageBytes)
				assert.True(t, strings.HasSuffix(msg, "…"), "a cut message says so")
			}
		})
	}
}

func nan() float64 {
	var zero float64
	return zero / zero
}

func TestWriteLeavesOutUnmarshalableDetailsAndLogs(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	ew := newWriter(t, WriterOptions{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	e := Conflict("Version conflict").WithDetails(func() {}).WithField("a", "b")
	srv := serveError(t, withID(ew, e))
	_, body := fetch(t, srv, "GET", "/", nil)
	assert.Equal(t, `{"code":"conflict","message":"Version conflict","fields":{"a":"b"},"requestId":"req_test"}`, string(body))
	assert.Contains(t, logs.String(), "did not marshal")
	assert.Contains(t, logs.String(), "requestId=req_test")
}

func TestWriteLogsUnexpectedErrorsOnce(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	ew := newWriter(t, WriterOptions{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	srv := serveError(t, withID(ew, fmt.Errorf("query users: %w", errors.New("pq: password authentication failed"))))
	_, body := fetch(t, srv, "GET", "/users?id=1", nil)
	assert.NotContains(t, string(body), "pq:")

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 1)
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &rec))
	assert.Equal(t, "ERROR", rec["level"])
	assert.Equal(t, "req_test", rec["requestId"])
	assert.Equal(t, "GET", rec["method"])
	assert.Equal(t, "/users", rec["path"])
	assert.Equal(t, 500.0, rec["status"])
	assert.Equal(t, "query users: pq: password authentication failed", rec["error"])

	// A 4xx is logged at Debug only, so the default Info handler stays quiet.
	before := logs.String()
	srv2 := serveError(t, withID(ew, NotFound("")))
	fetch(t, srv2, "GET", "/", nil)
	assert.Equal(t, before, logs.String())
}

func TestWriteCallsOnErrorHooksAndSurvivesTheirPanics(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	rec, logger := newLogRecorder()
	hook := func(name string) func(*http.Request, int, *APIError) {
		return func(r *http.Request, status int, e *APIError) {
			mu.Lock()
			seen = append(seen, fmt.Sprintf("%s %s %d %s", name, r.URL.Path, status, e.Code()))
			mu.Unlock()
			if name == "first" && r.URL.Path == "/panic" {
				panic("hook bug")
			}
		}
	}
	ew := newWriter(t, WriterOptions{Logger: logger, OnError: []func(*http.Request, int, *APIError){hook("first"), hook("second")}})
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) { ew.Write(w, r, Gone("")) })
	resp, _ := fetch(t, srv, "GET", "/ok", nil)
	assert.Equal(t, 410, resp.StatusCode)
	resp, body := fetch(t, srv, "GET", "/panic", nil)
	assert.Equal(t, 410, resp.StatusCode, "the response went out before the hooks ran")
	assert.True(t, json.Valid(body))
	rec.waitMsg(t, "envelope: OnError panicked")
	mu.Lock()
	assert.Equal(t, []string{"first /ok 410 gone", "second /ok 410 gone", "first /panic 410 gone", "second /panic 410 gone"}, seen, "every hook runs, in order, even after one panics")
	mu.Unlock()
}

// TestOnErrorSeesTheCauseOfAnUnexpectedError: a hook reports what went
// wrong, so the internal error it sees wraps the handler's error, whose
// text still never reaches the client.
func TestOnErrorSeesTheCauseOfAnUnexpectedError(t *testing.T) {
	t.Parallel()
	type dbError struct{ error }
	got := make(chan *APIError, 1)
	ew := newWriter(t, WriterOptions{OnError: []func(*http.Request, int, *APIError){func(_ *http.Request, _ int, e *APIError) { got <- e }}})
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) { ew.Write(w, r, dbError{errors.New("pq: SECRET")}) })
	_, body := fetch(t, srv, "GET", "/", nil)
	assert.NotContains(t, string(body), "SECRET")
	e := <-got
	assert.Equal(t, CodeInternal, e.Code())
	var de dbError
	assert.ErrorAs(t, e, &de, "the hook sees the cause's type")
}

func TestWriteSurvivesAPanickingLogger(t *testing.T) {
	t.Parallel()
	ew := newWriter(t, WriterOptions{Logger: panickyLogger()})
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) { ew.Write(w, r, errors.New("x")) })
	resp, body := fetch(t, srv, "GET", "/", nil)
	assert.Equal(t, 500, resp.StatusCode)
	assert.True(t, json.Valid(body))
}

func TestWriteUsesTheContextWriter(t *testing.T) {
	t.Parallel()
	nested := Format{Name: "nested-test", Body: `{"error": {"code": "{{code}}", "message": "{{message}}", "requestId": "{{requestId}}"}}`, RequestIDHeader: "X-Trace"}
	ew := newWriter(t, WriterOptions{Format: nested})
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
		ctx := ContextWithRequestID(ContextWithWriter(r.Context(), ew), "id1")
		Write(w, r.WithContext(ctx), NotFound("nope"))
	})
	resp, body := fetch(t, srv, "GET", "/", nil)
	assert.Equal(t, `{"error":{"code":"not_found","message":"nope","requestId":"id1"}}`, string(body))
	assert.Equal(t, "id1", resp.Header.Get("X-Trace"))
	assert.Empty(t, resp.Header.Get("X-Request-Id"))
}

// TestWriteOutsideTheChainWarns: a handler that is not behind the
// middleware renders with the default writer, and says so in the log, so
// that a forgotten middleware is impossible to miss.
func TestWriteOutsideTheChainWarns(t *testing.T) {
	// The package-level Write logs through the default writer, which logs
	// to slog.Default: swap it for this test only (not parallel), restoring
	// the log package's output too, which slog.SetDefault redirects.
	rec := captureDefaultLog(t)
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) { Write(w, r, NotFound("nope")) })
	resp, body := fetch(t, srv, "GET", "/x", nil)
	assert.Equal(t, 404, resp.StatusCode)
	assert.JSONEq(t, `{"code":"not_found","message":"nope"}`, string(body))
	r := rec.waitRecord(t, "the warning", func(r loggedRecord) bool { return strings.Contains(r.msg, "no Writer in the request context") })
	assert.Equal(t, slog.LevelWarn, r.level)
	assert.Equal(t, "/x", r.attrs["path"])
}

// TestWriteRequestIDComesFromTheRequest: the ID in the body and header is
// the request's (the middleware's, or ContextWithRequestID's), never one a
// decoded error carried from elsewhere.
func TestWriteRequestIDComesFromTheRequest(t *testing.T) {
	t.Parallel()
	decoded := Parse(404, http.Header{"X-Request-Id": {"upstream-1"}}, []byte(`{"code":"not_found","message":"x"}`))
	require.Equal(t, "upstream-1", decoded.RequestID())
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ctx" {
			r = r.WithContext(ContextWithRequestID(r.Context(), "ctx"))
		}
		quietWriter(t).Write(w, r, decoded)
	})
	resp, body := fetch(t, srv, "GET", "/", nil)
	assert.Empty(t, resp.Header.Get("X-Request-Id"))
	assert.NotContains(t, decodeBody(t, body), "requestId")
	resp, body = fetch(t, srv, "GET", "/ctx", nil)
	assert.Equal(t, "ctx", resp.Header.Get("X-Request-Id"))
	assert.Equal(t, "ctx", decodeBody(t, body)["requestId"])
}

func TestContextWithRequestIDRefusesUnsafeIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assert.Equal(t, "", RequestIDFrom(ContextWithRequestID(ctx, "bad id")))
	assert.Equal(t, "", RequestIDFrom(ContextWithRequestID(ctx, "")))
	assert.Equal(t, "ok", RequestIDFrom(ContextWithRequestID(ctx, "ok")))
	assert.Equal(t, "", RequestIDFrom(ctx))
	ew := quietWriter(t)
	both := ContextWithWriter(ContextWithRequestID(ctx, "a"), ew)
	assert.Equal(t, "a", RequestIDFrom(both), "adding a writer keeps the ID")
	assert.Same(t, ew, stateFrom(ContextWithRequestID(both, "b")).writer, "adding an ID keeps the writer")
}

func TestNewWriterValidates(t *testing.T) {
	t.Parallel()
	challenge := FlatFormat()
	challenge.Challenge = "Bearer\r\nX: y"
	dup := FlatFormat()
	dup.Body = `{"code": "{{code}}", "code": "{{message}}"}`
	cases := map[string]struct {
		opts WriterOptions
		want string
	}{
		"challenge":           {WriterOptions{Format: challenge}, "control characters"},
		"member twice":        {WriterOptions{Format: dup}, `member "code" appears twice`},
		"alternate taken":     {WriterOptions{Alternates: []Format{FlatFormat()}}, "media type application/json is already taken"},
		"rate limit":          {WriterOptions{RateLimit: RateLimitOptions{MaxRetryAfter: time.Millisecond}}, "below one second"},
		"bad omit":            {WriterOptions{RateLimit: RateLimitOptions{Omit: []string{"X-Nope"}}}, "not a rate-limit header"},
		"unknown format code": {WriterOptions{Format: Format{Name: "x", Body: `{"c": "{{code}}"}`, Codes: map[Code]FormatCode{"nope": {Wire: "N"}}}}, `code "nope" is neither built in nor declared`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ew, err := NewWriter(tc.opts)
			assert.Nil(t, ew)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestWriteMapsStandardErrorsOverTheWire(t *testing.T) {
	t.Parallel()
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
		body := http.MaxBytesReader(w, r.Body, 8)
		_, err := io.ReadAll(body)
		if err == nil {
			ctx, cancel := context.WithTimeout(r.Context(), 0)
			defer cancel()
			<-ctx.Done()
			err = fmt.Errorf("calling upstream: %w", ctx.Err())
		}
		quietWriter(t).Write(w, r, err)
	})
	resp, body := fetch(t, srv, "POST", "/", strings.NewReader(strings.Repeat("x", 100)))
	assert.Equal(t, 413, resp.StatusCode)
	assert.JSONEq(t, `{"code":"payload_too_large","message":"The request body must not exceed 8 bytes."}`, string(body))
	resp, body = fetch(t, srv, "POST", "/", strings.NewReader("x"))
	assert.Equal(t, 504, resp.StatusCode)
	assert.JSONEq(t, `{"code":"timeout","message":"The request timed out."}`, string(body))
}

// Formats and RequestIDHeader tell an adapter what the writer renders; the
// formats are copies, so changing one changes nothing the writer sends.
func TestWriterFormatsAndRequestIDHeader(t *testing.T) {
	t.Parallel()
	def := quietWriter(t)
	assert.Equal(t, []Format{FlatFormat()}, def.Formats())
	assert.Equal(t, "X-Request-Id", def.RequestIDHeader())

	main := ProblemFormat()
	main.RequestIDHeader = "x-correlation-id"
	main.Codes = map[Code]FormatCode{CodeNotFound: {Attrs: map[string]string{"type": "https://api.example/not-found"}}}
	ew := newWriter(t, WriterOptions{Format: main, Alternates: []Format{FlatFormat()}})
	assert.Equal(t, "X-Correlation-Id", ew.RequestIDHeader())
	fs := ew.Formats()
	require.Len(t, fs, 2)
	assert.Equal(t, main, fs[0])
	assert.Equal(t, FlatFormat(), fs[1])

	fs[0].Codes[CodeNotFound].Attrs["type"] = "https://evil.example/"
	fs[0].Body = `{"x": "{{code}}"}`
	srv := serve(t, chainFor(t, ew, MiddlewareOptions{}, HandlerFunc(func(http.ResponseWriter, *http.Request) error { return NotFound("") })))
	resp, body := fetch(t, srv, http.MethodGet, "/", nil)
	assert.Equal(t, "https://api.example/not-found", decodeBody(t, body)["type"], "%s", body)
	assert.NotEmpty(t, resp.Header.Get("X-Correlation-Id"))
	assert.Equal(t, main, ew.Formats()[0], "the writer's own copy is untouched")

	none := FlatFormat()
	none.RequestIDHeader = "-"
	assert.Empty(t, newWriter(t, WriterOptions{Format: none}).RequestIDHeader())
}
