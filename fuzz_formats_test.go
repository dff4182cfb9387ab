package envelope

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzCodes are the codes FuzzRoundTrip picks from: built-in ones, renamed
// ones, a registered one and one nobody registered.
var fuzzCodes = []Code{
	CodeNotFound, CodeValidation, CodeInvalidRequest, CodeInternal, CodeUnauthorized,
	CodeForbidden, CodeRateLimited, CodeUnprocessable, CodeConflict, "subscription_required", "never_heard_of",
}

// fuzzField reports whether a field path survives every field style: dotted
// segments of letters, digits and underscores that are not all digits (a
// JSON Pointer cannot tell "a.2" from "a[2]").
func fuzzField(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, seg := range strings.Split(s, ".") {
		if seg == "" || isDigits(seg) {
			return false
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
				return false
			}
		}
	}
	return true
}

// FuzzRoundTrip checks that decoding what a format encodes keeps the code,
// status, message and field errors, in every built-in format.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(0), "Flag not found", "", "", "", "")
	f.Add(uint8(1), "Check the fields.", "email", "is required", "items.sku", "must not be empty")
	f.Add(uint8(2), "", "email", "a", "email", "b; c")
	f.Add(uint8(5), "<script>&\u2028", "name", "\"quoted\"\n", "", "")
	f.Add(uint8(9), "naïve ✓", "user.email", "", "user.email", "taken")
	presets := Presets()
	cfs := make([]*compiledFormat, len(presets))
	for i, p := range presets {
		cf, err := compileFormat(p)
		if err != nil {
			f.Fatal(err)
		}
		cfs[i] = cf
	}
	testCodes()
	f.Fuzz(func(t *testing.T, ci uint8, msg, f1, m1, f2, m2 string) {
		if !utf8.ValidString(msg) || !utf8.ValidString(m1) || !utf8.ValidString(m2) || len(msg)+len(m1)+len(m2) > 4096 {
			return
		}
		e := New(fuzzCodes[int(ci)%len(fuzzCodes)], msg)
		if e.Status() == 500 && e.Code() == "never_heard_of" {
			e = e.WithStatus(400 + int(ci)%100)
		}
		if fuzzField(f1) {
			e = e.WithField(f1, m1)
		}
		if fuzzField(f2) {
			e = e.WithField(f2, m2)
		}
		for i, cf := range cfs {
			status := cf.status(e)
			body, err := cf.render(nil, e, renderInput{status: status, message: e.Message(), requestID: "req_f", details: true})
			if err != nil {
				t.Fatalf("%s: render: %v", presets[i].Name, err)
			}
			h := http.Header{"Content-Type": {cf.mediaType}, "X-Request-Id": {"req_f"}}
			got := Decode(status, h, body)
			if got == nil {
				t.Fatalf("%s: nil", presets[i].Name)
			}
			if got.Status() != status {
				t.Fatalf("%s: status %d, want %d; body %s", presets[i].Name, got.Status(), status, body)
			}
			if want := expectedCode(presets[i], e, status); got.Code() != want {
				t.Fatalf("%s: code %q, want %q; body %s", presets[i].Name, got.Code(), want, body)
			}
			if !(dropsCodeWithFields(presets[i]) && len(e.fields) > 0) && got.Message() != e.Message() {
				t.Fatalf("%s: message %q, want %q; body %s", presets[i].Name, got.Message(), e.Message(), body)
			}
			want := expectedFields(e.fields, fieldStyleOf(presets[i]))
			gotFields := got.Fields()
			if len(want) != len(gotFields) {
				t.Fatalf("%s: fields %v, want %v; body %s", presets[i].Name, gotFields, want, body)
			}
			for k := range want {
				if want[k].Field != gotFields[k].Field || want[k].Code != gotFields[k].Code || want[k].Message != gotFields[k].Message {
					t.Fatalf("%s: field %d %v, want %v; body %s", presets[i].Name, k, gotFields[k], want[k], body)
				}
			}
			if got.RequestID() != "req_f" {
				t.Fatalf("%s: request ID %q", presets[i].Name, got.RequestID())
			}
		}
	})
}

// FuzzDecode checks that any response decodes to a usable error without
// panicking.
func FuzzDecode(f *testing.F) {
	f.Add(404, "application/json", []byte(`{"code":"not_found","message":"x"}`))
	f.Add(422, "application/problem+json", []byte(`{"type":"about:blank","status":422,"errors":[{"pointer":"#/a/0","detail":"x"}]}`))
	f.Add(502, "text/html", []byte(`<html>bad gateway</html>`))
	f.Add(401, "application/json", []byte(`{"error":{"code":"authentication_failed","details":{"a":[1,"b"]}}}`))
	f.Add(400, "application/json", []byte(`{"errors":{"title":["x"]},"error":"ERROR_CODE_X"}`))
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		h := http.Header{"Content-Type": {ctype}}
		e := Decode(status, h, body)
		if status >= 200 && status <= 299 {
			if e != nil {
				t.Fatal("2xx decoded as an error")
			}
			return
		}
		if e == nil {
			t.Fatal("nil error")
		}
		if s := e.Status(); s < 400 || s > 599 {
			t.Fatalf("status %d", s)
		}
		if e.Code() == "" || !isBuiltin(e.Category()) {
			t.Fatalf("code %q, category %q", e.Code(), e.Category())
		}
		if e.Unwrap() != nil && e.Message() != builtinMessage(e.Code()) {
			t.Fatalf("a body that is not an envelope leaked into the message: %q", e.Message())
		}
		_ = e.Fields()
		_ = e.Category()
	})
}
