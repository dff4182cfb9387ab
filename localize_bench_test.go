package envelope

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// benchResponseWriter is a reusable ResponseWriter that discards the body.
type benchResponseWriter struct{ h http.Header }

func (w *benchResponseWriter) Header() http.Header         { return w.h }
func (w *benchResponseWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *benchResponseWriter) WriteHeader(int)             {}

// BenchmarkLocalizedWrite compares the per-error cost of Write without a
// Localizer and with one, for a plain error and for one with field errors
// whose messages take arguments.
func BenchmarkLocalizedWrite(b *testing.B) {
	plain := ErrNotFound
	fields := Validation("").WithFields(
		FieldError{Field: "email", Code: "required"},
		FieldError{Field: "name", Code: "min_length", Args: []any{3}},
		FieldError{Field: "tags", Code: "max_items", Args: []any{10}},
	)
	explicit := NotFound("No widget 42.")
	quiet := slog.New(slog.DiscardHandler)
	for _, bc := range []struct {
		name      string
		localizer *Localizer
		err       error
		accept    string
	}{
		{"unconfigured/plain", nil, plain, "de-DE,de;q=0.9,en;q=0.8"},
		{"configured/plain", testLocalizer(), plain, "de-DE,de;q=0.9,en;q=0.8"},
		{"configured/plain_no_header", testLocalizer(), plain, ""},
		{"configured/explicit", testLocalizer(), explicit, "de-DE,de;q=0.9,en;q=0.8"},
		{"unconfigured/fields", nil, fields, "de-DE,de;q=0.9,en;q=0.8"},
		{"configured/fields", testLocalizer(), fields, "de-DE,de;q=0.9,en;q=0.8"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ew, err := NewErrorWriter(Config{Logger: quiet, Localizer: bc.localizer})
			if err != nil {
				b.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, "/widgets/42", nil)
			if bc.accept != "" {
				r.Header.Set("Accept-Language", bc.accept)
			}
			w := &benchResponseWriter{h: make(http.Header)}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				ew.Write(w, r, bc.err)
			}
		})
	}
}

// BenchmarkNegotiate measures language negotiation alone, including for
// malformed and hostile headers.
func BenchmarkNegotiate(b *testing.B) {
	l := testLocalizer()
	for _, bc := range []struct{ name, header string }{
		{"typical", "de-DE,de;q=0.9,en;q=0.8"},
		{"single", "ja"},
		{"unsupported", "zh-CN,zh;q=0.9"},
		{"one_bad_entry", "xx,pt-PT;q=0.8"},
		{"malformed", ";;;,,,=q"},
		{"hostile_100KB", strings.Repeat("x-aaaaaaaa;q=0.1,", 100<<10/18)},
		{"hostile_dashes", "de" + strings.Repeat("-a", 50<<10)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			values := []string{bc.header}
			b.ReportAllocs()
			for b.Loop() {
				_ = l.negotiate(values)
			}
		})
	}
}
