package envelope

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The write-path benchmarks. Every response gets a fresh header map, as
// net/http gives (a cleared, reused map keeps the table it grew and hides
// the cost of growing it). The peer comparisons, and the same errors
// through the middleware, are in the benchmarks module.

type benchItem struct {
	SKU       string `json:"sku"`
	Requested int    `json:"requested"`
	Available int    `json:"available"`
	Warehouse string `json:"warehouse"`
}

func benchFieldErrors(n int) []FieldError {
	fs := make([]FieldError, n)
	for i := range fs {
		fs[i] = FieldError{Field: fmt.Sprintf("items[%d].name", i), Code: "required", Message: "must not be empty"}
	}
	return fs
}

func benchErrors() []struct {
	name string
	err  *APIError
} {
	items := make([]benchItem, 64)
	for i := range items {
		items[i] = benchItem{SKU: fmt.Sprintf("SKU-%06d", i), Requested: 10 + i, Available: i % 7, Warehouse: "eu-central-1b"}
	}
	return []struct {
		name string
		err  *APIError
	}{
		{"static", NotFound("The requested item was not found.")},
		{"validation2", Validation("The request has invalid fields.").WithFields(benchFieldErrors(2)...)},
		{"validation20", Validation("The request has invalid fields.").WithFields(benchFieldErrors(20)...)},
		{"validation200", Validation("The request has invalid fields.").WithFields(benchFieldErrors(200)...)},
		{"internal_cause", Internal("The server could not handle the request.").WithCause(errors.New("db: connection refused"))},
		{"large_details", Conflict("Some items of the order cannot be fulfilled.").WithDetails(items)},
	}
}

// BenchmarkWrite measures the package-level Write with the Writer and the
// request ID in the request's context, as the middleware leaves them.
func BenchmarkWrite(b *testing.B) {
	ew := newWriter(b, WriterOptions{Logger: slog.New(slog.DiscardHandler)})
	r := httptest.NewRequest(http.MethodPost, "/v1/orders/42", nil)
	ctx := ContextWithWriter(r.Context(), ew)
	r = r.WithContext(ContextWithRequestID(ctx, "req-7f3a9c2e41b8"))
	for _, bc := range benchErrors() {
		b.Run(bc.name, func(b *testing.B) {
			w := &discardWriter{}
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				w.h = make(http.Header)
				Write(w, r, bc.err)
			}
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			if w.status < 400 || w.n == 0 {
				b.Fatalf("status %d, %d bytes", w.status, w.n)
			}
		})
	}
}

// BenchmarkWriteChain measures the same errors through the real
// middleware, which builds the request state (a fresh UUIDv4, the
// security headers, the response wrapper) on every operation, to a
// handler that calls Write.
func BenchmarkWriteChain(b *testing.B) {
	ew := newWriter(b, WriterOptions{Logger: slog.New(slog.DiscardHandler)})
	r := httptest.NewRequest(http.MethodPost, "/v1/orders/42", nil)
	for _, bc := range benchErrors() {
		b.Run(bc.name, func(b *testing.B) {
			h := chainFor(b, ew, MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, bc.err)
			}))
			w := &discardWriter{}
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				w.h = make(http.Header)
				h.ServeHTTP(w, r)
			}
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			if w.status < 400 || w.n == 0 || w.h.Get("X-Request-Id") == "" {
				b.Fatalf("status %d, %d bytes, request ID %q", w.status, w.n, w.h.Get("X-Request-Id"))
			}
		})
	}
}

// BenchmarkWriteFormats measures Writer.Write of a validation error with
// one field in every preset, and one indented.
func BenchmarkWriteFormats(b *testing.B) {
	e := Validation("email is required").WithField("email", "must be a valid email address")
	indented := NullDetailsFormat()
	indented.Indent = "  "
	for _, f := range append(Presets(), indented) {
		name := f.Name
		if f.Indent != "" {
			name += "-indent"
		}
		b.Run(name, func(b *testing.B) {
			ew := newWriter(b, WriterOptions{Format: f, Logger: slog.New(slog.DiscardHandler)})
			r := httptest.NewRequest(http.MethodPost, "/flags", nil)
			w := &discardWriter{}
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				w.h = make(http.Header)
				ew.Write(w, r, e)
			}
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			if w.status < 400 || w.n == 0 {
				b.Fatalf("status %d, %d bytes", w.status, w.n)
			}
		})
	}
}
