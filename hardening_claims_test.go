package envelope

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file hold the claims of docs/hardening.md that no
// other test holds.

// decodeAll decodes every JSON value in body, in order.
func decodeAll(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	var out []map[string]any
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if err == io.EOF {
			return out
		}
		require.NoError(t, err, "body %q", body)
		out = append(out, m)
	}
}

// TestLateWrite covers the cases of a late Write that the "Write twice"
// section of docs/hardening.md describes beyond TestWriteTwice: Protect
// is the same chain as Middleware; a status sent without a body stands,
// with the chain, while without it net/http sends the envelope under the
// handler's status; a bare 404 held by the router step becomes the one
// not_found envelope; and a wrapper without Unwrap between the chain and
// the handler hides the started response, so Write behaves as without the
// chain.
func TestLateWrite(t *testing.T) {
	t.Parallel()
	twice := func(write func(http.ResponseWriter, *http.Request, error)) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			write(w, r, Conflict("first"))
			write(w, r, NotFound("second"))
		})
	}
	afterStatus := func(code int, write func(http.ResponseWriter, *http.Request, error)) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(code)
			write(w, r, Conflict("late"))
		})
	}
	t.Run("twice with Protect", func(t *testing.T) {
		t.Parallel()
		srv, sl := serveLogged(t, Protect(twice(quietWriter(t).Write)))
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		srv.Close()
		assert.Equal(t, http.StatusConflict, resp.StatusCode)
		envs := decodeAll(t, body)
		require.Len(t, envs, 1, "one envelope: %s", body)
		assert.Equal(t, "first", envs[0]["message"])
		assert.Equal(t, resp.Header.Get("X-Request-Id"), envs[0]["requestId"])
		assert.NotContains(t, sl.String(), "superfluous")
	})
	t.Run("after WriteHeader(202), with the chain", func(t *testing.T) {
		t.Parallel()
		ew, rec := recordingWriter(t)
		srv, sl := serveLogged(t, chainFor(t, ew, MiddlewareOptions{}, afterStatus(http.StatusAccepted, Write)))
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		srv.Close()
		assert.Equal(t, http.StatusAccepted, resp.StatusCode)
		assert.Empty(t, body, "the status stands, with no body")
		r := rec.waitMsg(t, logAfterStart)
		assert.Equal(t, string(CodeConflict), r.attrs["code"])
		assert.NotContains(t, sl.String(), "superfluous")
	})
	t.Run("after WriteHeader(202), without the chain", func(t *testing.T) {
		t.Parallel()
		srv, sl := serveLogged(t, afterStatus(http.StatusAccepted, quietWriter(t).Write))
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		srv.Close()
		assert.Equal(t, http.StatusAccepted, resp.StatusCode, "the handler's status went out")
		envs := decodeAll(t, body)
		require.Len(t, envs, 1, "%s", body)
		assert.Equal(t, "conflict", envs[0]["code"], "an error body under a success status")
		assert.Contains(t, sl.String(), "superfluous response.WriteHeader call")
	})
	t.Run("after a bare 404 held by the router step", func(t *testing.T) {
		t.Parallel()
		ew, rec := recordingWriter(t)
		srv, sl := serveLogged(t, chainFor(t, ew, MiddlewareOptions{}, afterStatus(http.StatusNotFound, Write)))
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		srv.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		envs := decodeAll(t, body)
		require.Len(t, envs, 1, "%s", body)
		assert.Equal(t, "not_found", envs[0]["code"], "the router step's envelope, not the late error")
		assert.Equal(t, defaultMessage(CodeNotFound), envs[0]["message"])
		r := rec.waitMsg(t, logAfterStart)
		assert.Equal(t, string(CodeConflict), r.attrs["code"], "the late error is logged")
		assert.NotContains(t, sl.String(), "superfluous")
	})
	t.Run("twice behind a wrapper without Unwrap inside the chain", func(t *testing.T) {
		t.Parallel()
		srv, sl := serveLogged(t, chainFor(t, quietWriter(t), MiddlewareOptions{}, hideCapabilities(twice(Write))))
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		srv.Close()
		assert.Equal(t, http.StatusConflict, resp.StatusCode, "the first status stands")
		envs := decodeAll(t, body)
		require.Len(t, envs, 2, "net/http appends the second envelope: %s", body)
		assert.Equal(t, "first", envs[0]["message"])
		assert.Equal(t, "second", envs[1]["message"])
		assert.Contains(t, sl.String(), "superfluous response.WriteHeader call")
	})
}
