package envelope

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchWriter discards the body and keeps one header map, cleared between
// iterations, so that the benchmarks measure Write and not the recorder.
type benchWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header { return w.h }
func (w *benchWriter) WriteHeader(s int)   { w.status = s }
func (w *benchWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

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

// BenchmarkWrite measures the package-level Write with the ErrorWriter and
// request ID in the request's context, as the middleware leaves them. The
// peer comparison is in the benchmarks module.
func BenchmarkWrite(b *testing.B) {
	ew, err := NewErrorWriter(Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/v1/orders/42", nil)
	ctx := ContextWithErrorWriter(r.Context(), ew)
	r = r.WithContext(ContextWithRequestID(ctx, "req-7f3a9c2e41b8"))
	for _, bc := range benchErrors() {
		b.Run(bc.name, func(b *testing.B) {
			w := &benchWriter{h: make(http.Header, 8)}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				Write(w, r, bc.err)
			}
			if w.status < 400 || w.n == 0 {
				b.Fatalf("status %d, %d bytes", w.status, w.n)
			}
		})
	}
}
