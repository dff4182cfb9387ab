package envelope

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chunked hides the length of r, so the client sends it chunked.
type chunked struct{ io.Reader }

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    io.Reader
		status  int
		handler bool // the handler ran
	}{
		{"within limit", strings.NewReader("0123456789"), 200, true},
		{"no body", nil, 200, true},
		{"Content-Length over", strings.NewReader("0123456789x"), 413, false},
		{"chunked within", chunked{strings.NewReader("0123")}, 200, true},
		{"chunked over", chunked{strings.NewReader(strings.Repeat("x", 100))}, 413, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ran atomic.Int32
			srv := serve(t, Protect(BodyLimit(10)(HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				ran.Add(1)
				b, err := io.ReadAll(r.Body)
				if err != nil {
					return err
				}
				_, err = w.Write(b)
				return err
			}))))
			resp, body := do(t, srv, http.MethodPost, "/", nil, tt.body)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.handler, ran.Load() == 1)
			if tt.status == http.StatusRequestEntityTooLarge {
				m := decodeBody(t, body)
				assert.Equal(t, "payload_too_large", m["code"])
				assert.Equal(t, "The request body must not exceed 10 bytes.", m["message"])
				assert.Equal(t, resp.Header.Get("X-Request-Id"), m["requestId"])
				assert.Empty(t, resp.Header.Get("Retry-After"))
			}
		})
	}
}

func TestBodyLimitPanicsOnBadLimit(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, -1} {
		assert.Panics(t, func() { BodyLimit(n) }, "%d", n)
	}
	require.NotPanics(t, func() { BodyLimit(1) })
}
