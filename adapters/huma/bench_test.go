package envelopehuma

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apienvelope/envelope"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// BenchmarkErrors measures a whole huma request that fails, in process:
// huma's validation error and a handler's APIError, rendered in the
// nested format, and a success for comparison.
func BenchmarkErrors(b *testing.B) {
	nested := envelope.NestedFormat()
	a, err := New(Options{Writer: newWriter(b, envelope.WriterOptions{Format: nested, Logger: quiet})})
	if err != nil {
		b.Fatal(err)
	}
	cfg := huma.DefaultConfig("Bench", "1.0.0")
	a.Configure(&cfg)
	mux := http.NewServeMux()
	api := humago.New(mux, cfg)
	huma.Post(api, "/orders", func(ctx context.Context, in *createOrder) (*orderOutput, error) {
		return &orderOutput{}, nil
	})
	huma.Get(api, "/orders/{id}", func(ctx context.Context, in *getOrder) (*orderOutput, error) {
		if in.ID == "gone" {
			return nil, envelope.NotFound("Order not found.")
		}
		return &orderOutput{}, nil
	})
	cases := []struct{ name, method, path, body string }{
		{"validation", "POST", "/orders", badOrder},
		{"api_error", "GET", "/orders/gone", ""},
		{"success", "GET", "/orders/x", ""},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, req)
			}
		})
	}
}
