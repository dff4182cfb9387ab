package envelope

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// traceparentRE is the grammar traceID accepts, written independently of
// it: W3C Trace Context version 00, lowercase hex only.
var traceparentRE = regexp.MustCompile(`^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$`)

// FuzzTraceparent holds traceID to the grammar: a value is accepted exactly
// when it matches the version-00 shape with a non-zero trace-id and
// parent-id, and then the ID is its trace-id, which is always a safe
// request ID.
func FuzzTraceparent(f *testing.F) {
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	f.Add("00-00000000000000000000000000000000-00f067aa0ba902b7-01")
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")
	f.Add("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01")
	f.Add("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\n")
	f.Fuzz(func(t *testing.T, v string) {
		id, ok := traceID(v)
		want := traceparentRE.MatchString(v) && strings.Trim(v[3:35], "0") != "" && strings.Trim(v[36:52], "0") != ""
		if ok != want {
			t.Fatalf("traceID(%q) ok=%v, want %v", v, ok, want)
		}
		if !ok {
			if id != "" {
				t.Fatalf("rejected value gave ID %q", id)
			}
			return
		}
		if id != v[3:35] || !validRequestID(id) {
			t.Fatalf("traceID(%q) = %q", v, id)
		}
	})
}

// safeIDRE is what may ever appear as a request ID on the wire or in a log:
// the accepted alphabet, or a generated UUIDv4.
var safeIDRE = regexp.MustCompile(`^[A-Za-z0-9._:+=/-]{1,128}$`)

// FuzzRequestIDMiddleware sends arbitrary X-Request-Id and traceparent
// values through the whole default chain, to a handler that fails, and
// checks every place the ID goes: the response header, the error body and
// the log record. Each holds the same ID, which is either exactly what the
// client sent (and safe), the traceparent's trace-id, or a fresh UUIDv4;
// an unsafe value appears nowhere.
func FuzzRequestIDMiddleware(f *testing.F) {
	f.Add("req-1", "", false)
	f.Add("a\r\nSet-Cookie: x=1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true)
	f.Add("\x00\u202e\xff", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n", true)
	f.Add(strings.Repeat("x", 129), "", false)
	f.Add("<script>", "", false)
	rec, logger := newLogRecorder()
	ew, err := NewErrorWriter(Config{Logger: logger})
	if err != nil {
		f.Fatal(err)
	}
	chains := map[bool]http.Handler{}
	for _, tp := range []bool{false, true} {
		mw, err := Middleware(MiddlewareOptions{ErrorWriter: ew, Logger: logger, RequestID: RequestIDOptions{Traceparent: tp}})
		if err != nil {
			f.Fatal(err)
		}
		chains[tp] = mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			Write(w, r, Internal("x"))
		}))
	}
	f.Fuzz(func(t *testing.T, id, tp string, useTP bool) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["X-Request-Id"] = []string{id}
		r.Header["Traceparent"] = []string{tp}
		w := httptest.NewRecorder()
		rec.mu.Lock()
		rec.records = rec.records[:0]
		rec.mu.Unlock()
		chains[useTP].ServeHTTP(w, r)

		got := w.Header().Values("X-Request-Id")
		if len(got) != 1 || !safeIDRE.MatchString(got[0]) {
			t.Fatalf("response header %q", got)
		}
		sent := got[0]
		switch {
		case sent == id:
		case useTP && len(tp) == 55 && sent == tp[3:35]:
		case uuidV4RE.MatchString(sent):
		default:
			t.Fatalf("ID %q is neither %q, the trace-id of %q, nor fresh", sent, id, tp)
		}
		var body struct {
			RequestID string `json:"requestId"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.RequestID != sent {
			t.Fatalf("body %q, want request ID %q (%v)", w.Body.Bytes(), sent, err)
		}
		logs := rec.all()
		if len(logs) == 0 {
			t.Fatal("no log record")
		}
		for _, l := range logs {
			if l.attrs["requestId"] != sent {
				t.Fatalf("logged request ID %q, want %q", l.attrs["requestId"], sent)
			}
		}
		for k, vs := range w.Header() {
			for _, v := range vs {
				if !validHeaderValue(v) || !utf8.ValidString(v) {
					t.Fatalf("header %s: %q", k, v)
				}
			}
		}
	})
}

var uuidV4RE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// FuzzEncodeHostile renders errors built from arbitrary bytes (invalid
// UTF-8, control and bidi characters included), with any status, in every
// preset, through [ErrorWriter.Write]. Whatever the input, the status is an
// error status, every header value is clean, the body is valid JSON and
// valid UTF-8 without raw '<', '>' or '&', and a client decodes it back to
// the same code and message (with invalid bytes replaced, as any JSON
// decoder would).
func FuzzEncodeHostile(f *testing.F) {
	f.Add(uint8(0), 404, "Flag not found", "email", "is required", "d")
	f.Add(uint8(1), 0, "\xff\xfe\x00", "a.b", "\r\n", "\u202e")
	f.Add(uint8(2), 99, "<script>&\u2028", "", "", strings.Repeat("é", 300))
	f.Add(uint8(3), 1000, "\u202egnp.exe", "items.sku", "\x00", "\xed\xa0\x80")
	f.Add(uint8(4), 422, "", "x", "", "")
	f.Add(uint8(5), -1, "\"}],\"code\":\"evil", "code", "\"", "\\")
	presets := Presets()
	ews := make([]*ErrorWriter, len(presets))
	for i := range presets {
		ew, err := NewErrorWriter(Config{Format: &presets[i], Logger: discardLogger()})
		if err != nil {
			f.Fatal(err)
		}
		ews[i] = ew
	}
	testCodes()
	f.Fuzz(func(t *testing.T, ci uint8, status int, msg, field, fieldMsg, detail string) {
		e := New(fuzzCodes[int(ci)%len(fuzzCodes)], msg).WithDetails(map[string]any{"d": detail, "n": []any{detail, map[string]string{detail: detail}}})
		if ci&0x80 != 0 {
			e = e.WithStatus(status)
		}
		if fuzzField(field) {
			e = e.WithField(field, fieldMsg)
		}
		for i, ew := range ews {
			w := httptest.NewRecorder()
			ew.Write(w, httptest.NewRequest(http.MethodGet, "/", nil), e)
			if w.Code < 400 || w.Code > 599 {
				t.Fatalf("%s: status %d", presets[i].Name, w.Code)
			}
			for k, vs := range w.Header() {
				for _, v := range vs {
					if !validHeaderValue(v) {
						t.Fatalf("%s: header %s: %q", presets[i].Name, k, v)
					}
				}
			}
			body := w.Body.Bytes()
			if !json.Valid(body) || !utf8.Valid(body) || bytes.ContainsAny(body, "<>&") {
				t.Fatalf("%s: body %q", presets[i].Name, body)
			}
			got := Decode(w.Code, w.Header(), body)
			if got == nil {
				t.Fatalf("%s: decoded nil", presets[i].Name)
			}
			if want := expectedCode(presets[i], e, w.Code); got.Code() != want {
				t.Fatalf("%s: code %q, want %q; body %s", presets[i].Name, got.Code(), want, body)
			}
			if len(e.fields) == 0 && got.Message() != sanitized(e.Message()) {
				t.Fatalf("%s: message %q, want %q; body %s", presets[i].Name, got.Message(), sanitized(e.Message()), body)
			}
		}
	})
}

// FuzzAcceptLanguage sends arbitrary Accept-Language values (one or two
// header lines) through [ErrorWriter.Write] with the built-in localizer.
// Whatever the header, the response is in one offered language: its
// Content-Language names it, is the language [Localizer.Negotiate] picks,
// and the body carries that language's message for the code.
func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"", "de", "pt-PT;q=0.9, *", "xx, ja;q=0.1", ";;;", "de-" + strings.Repeat("a-", 40), "\xff,fr", "fr;q=0", "en;q=1.0001, es"} {
		f.Add(s, "")
	}
	f.Add("de;q=0.1", "fr;q=0.9")
	loc, err := NewLocalizer(LocalizerOptions{})
	if err != nil {
		f.Fatal(err)
	}
	ew, err := NewErrorWriter(Config{Localizer: loc, Logger: discardLogger()})
	if err != nil {
		f.Fatal(err)
	}
	messages := map[string]string{}
	for _, tag := range loc.Languages() {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Language", tag.String())
		w := httptest.NewRecorder()
		ew.Write(w, r, ErrNotFound)
		var body struct{ Message string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Message == "" {
			f.Fatalf("%s: %s", tag, w.Body.Bytes())
		}
		messages[tag.String()] = body.Message
	}
	f.Fuzz(func(t *testing.T, v1, v2 string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Accept-Language"] = []string{v1}
		if v2 != "" {
			r.Header["Accept-Language"] = append(r.Header["Accept-Language"], v2)
		}
		w := httptest.NewRecorder()
		ew.Write(w, r, ErrNotFound)
		cl := w.Header().Values("Content-Language")
		want := loc.Negotiate(r).String()
		if len(cl) != 1 || cl[0] != want {
			t.Fatalf("Content-Language %q, negotiated %q", cl, want)
		}
		var body struct{ Message string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if body.Message != messages[want] {
			t.Fatalf("message %q, want %q (%s)", body.Message, messages[want], want)
		}
		if !strings.Contains(strings.Join(w.Header().Values("Vary"), ","), "Accept-Language") {
			t.Fatalf("Vary %q", w.Header().Values("Vary"))
		}
	})
}
