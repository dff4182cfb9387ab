package benchmarks

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMiddlewareContenders serves every middleware chain through a real
// server and checks it does the work it is measured for: the request ID
// on the response (the incoming one when valid, else a fresh one), the
// five security headers with the same values, and the handler's body. A
// misconfigured chain fails here rather than being measured doing less.
func TestMiddlewareContenders(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", incomingID} {
		s := middlewareScenario("check", id)
		for _, c := range s.contenders {
			t.Run(c.name+"/incoming="+id, func(t *testing.T) {
				t.Parallel()
				srv := httptest.NewServer(http.HandlerFunc(c.serve))
				defer srv.Close()
				req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/orders/42", nil)
				require.NoError(t, err)
				if id != "" {
					req.Header.Set("X-Request-Id", id)
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, okBody, string(body))
				if c.name == "bare" || c.name == "echo_bare" {
					assert.Empty(t, resp.Header.Get("X-Request-Id"))
					return
				}
				got := resp.Header.Values("X-Request-Id")
				require.Len(t, got, 1)
				if id != "" {
					assert.Equal(t, id, got[0])
				} else {
					assert.NotEmpty(t, got[0])
				}
				for k, v := range securityHeaderValues {
					assert.Equal(t, []string{v}, resp.Header.Values(k), k)
				}
				assert.Empty(t, resp.Header.Get("Strict-Transport-Security"), "plain HTTP")
				assert.Empty(t, resp.Header.Get("X-Xss-Protection"))
			})
		}
	}
}

// TestMiddlewareFreshIDsDiffer checks each chain generates a new ID per
// request, so no row is measured reusing one.
func TestMiddlewareFreshIDsDiffer(t *testing.T) {
	t.Parallel()
	for _, c := range middlewareScenario("check", "").contenders {
		if c.name == "bare" || c.name == "echo_bare" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ids := map[string]bool{}
			for range 3 {
				rec := httptest.NewRecorder()
				c.serve(rec, middlewareRequest("")())
				ids[rec.Header().Get("X-Request-Id")] = true
			}
			assert.Len(t, ids, 3)
		})
	}
}

// TestMiddlewareContendersRecover serves every chain around a handler that
// panics, through a real server, and checks each answers with a 500 (the
// deferred recover is really there) and, for envelope and the minimal row,
// the request ID in the response and in its JSON body.
func TestMiddlewareContendersRecover(t *testing.T) {
	t.Parallel()
	boom := func(http.ResponseWriter, *http.Request) { panic("boom") }
	for _, c := range []contender{envelopeChain(boom), minimalChain(boom), chiSecureChain(boom), echoChain(boom)} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(c.serve))
			defer srv.Close()
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/orders/42", nil)
			require.NoError(t, err)
			req.Header.Set("X-Request-Id", incomingID)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
			if c.name == "envelope" || c.name == "minimal" {
				assert.Equal(t, incomingID, resp.Header.Get("X-Request-Id"))
				var got struct {
					Code      string `json:"code"`
					RequestID string `json:"requestId"`
				}
				require.NoError(t, json.Unmarshal(body, &got), string(body))
				assert.Equal(t, "internal", got.Code)
				assert.Equal(t, incomingID, got.RequestID)
			}
		})
	}
}
