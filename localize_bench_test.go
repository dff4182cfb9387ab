package envelope

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkLocalizedWrite compares the per-error cost of Write without a
// Localizer and with one, for a plain error, for one with field errors
// whose messages take arguments, and for a library error (a 413 from the
// body limit). Each response gets a fresh header map, as net/http gives
// it.
func BenchmarkLocalizedWrite(b *testing.B) {
	plain := NotFound("")
	fields := Validation("").WithFields(
		FieldError{Field: "email", Code: "required"},
		FieldError{Field: "name", Code: "min_length", Args: []any{3}},
		FieldError{Field: "tags", Code: "max_items", Args: []any{10}},
	)
	explicit := NotFound("No widget 42.")
	library, _ := resolve(&http.MaxBytesError{Limit: 1 << 20})
	const accept = "de-DE,de;q=0.9,en;q=0.8"
	for _, bc := range []struct {
		name      string
		localizer *Localizer
		err       error
		accept    string
	}{
		{"unconfigured/plain", nil, plain, accept},
		{"configured/plain", testLocalizer(), plain, accept},
		{"configured/plain_no_header", testLocalizer(), plain, ""},
		{"configured/explicit", testLocalizer(), explicit, accept},
		{"unconfigured/fields", nil, fields, accept},
		{"configured/fields", testLocalizer(), fields, accept},
		{"unconfigured/library", nil, library, accept},
		{"configured/library", testLocalizer(), library, accept},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ew := newWriter(b, WriterOptions{Localizer: bc.localizer})
			r := httptest.NewRequest(http.MethodGet, "/widgets/42", nil)
			if bc.accept != "" {
				r.Header.Set("Accept-Language", bc.accept)
			}
			b.ReportAllocs()
			for b.Loop() {
				ew.Write(newDiscardWriter(), r, bc.err)
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
