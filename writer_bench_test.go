package envelope

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

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

// benchErrors are the errors the benchmarks write: a static one, field
// errors in three sizes, an internal error with a cause (logged), and large
// details that go through encoding/json.
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

// BenchmarkWrite measures writing each benchmark error in each preset, on
// a fresh header map per operation, as net/http gives every response, with
// the body discarded. Two scenarios:
//
//   - direct: the package-level Write, the request carrying the Writer and
//     a request ID as the middleware leaves them (the state built once);
//   - chain: the request goes through the real middleware, which builds
//     the request state (a fresh UUIDv4, the security headers, the
//     response wrapper) on every operation, to a handler that calls Write.
//
// The peer comparison is in the benchmarks module.
func BenchmarkWrite(b *testing.B) {
	for _, f := range Presets() {
		ew := newWriter(b, WriterOptions{Format: f})
		b.Run(f.Name, func(b *testing.B) {
			for _, bc := range benchErrors() {
				b.Run(bc.name, func(b *testing.B) {
					b.Run("direct", func(b *testing.B) {
						r := httptest.NewRequest(http.MethodPost, "/v1/orders/42", nil)
						r = r.WithContext(ContextWithWriter(ContextWithRequestID(r.Context(), "req-7f3a9c2e41b8"), ew))
						var w *discardWriter
						b.ReportAllocs()
						for b.Loop() {
							w = newDiscardWriter()
							Write(w, r, bc.err)
						}
						checkBenchResponse(b, w)
					})
					b.Run("chain", func(b *testing.B) {
						var w *discardWriter
						h := chainFor(b, ew, MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
							Write(w, r, bc.err)
						}))
						r := httptest.NewRequest(http.MethodPost, "/v1/orders/42", nil)
						b.ReportAllocs()
						for b.Loop() {
							w = newDiscardWriter()
							h.ServeHTTP(w, r)
						}
						checkBenchResponse(b, w)
					})
				})
			}
		})
	}
}

// checkBenchResponse fails the benchmark when the last response was not an
// error response with a body and a request ID.
func checkBenchResponse(b *testing.B, w *discardWriter) {
	b.Helper()
	if w == nil || w.status < 400 || w.n == 0 || w.h.Get("X-Request-Id") == "" {
		b.Fatalf("not an error response: %+v", w)
	}
}
