package envelopegin_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apienvelope/envelope"
	envelopegin "github.com/apienvelope/envelope/adapters/gin"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secret = "db password=hunter2"

func newEngine(t *testing.T, extra ...gin.HandlerFunc) *gin.Engine {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(extra...)
	r.Use(envelopegin.RecoveryWithWriter(io.Discard), envelopegin.RequestID(), envelopegin.Errors())
	r.NoRoute(envelopegin.NoRoute)
	r.NoMethod(envelopegin.NoMethod)

	r.GET("/flags/:key", envelopegin.Handler(func(c *gin.Context) error {
		if c.Param("key") != "dark-mode" {
			return envelope.NotFound("Flag not found")
		}
		c.JSON(http.StatusOK, gin.H{"key": "dark-mode"})
		return nil
	}))
	r.PUT("/flags/:key", func(c *gin.Context) {})
	r.GET("/c-error", func(c *gin.Context) { _ = c.Error(envelope.Conflict("taken")) })
	r.GET("/plain", envelopegin.Handler(func(c *gin.Context) error { return errors.New(secret) }))
	r.GET("/panic", func(c *gin.Context) { panic(secret) })
	r.GET("/committed", envelopegin.Handler(func(c *gin.Context) error {
		c.String(http.StatusOK, "partial")
		return errors.New(secret)
	}))
	r.POST("/bind", envelopegin.Handler(func(c *gin.Context) error {
		var v struct {
			Enabled bool `json:"enabled"`
		}
		return c.ShouldBindJSON(&v)
	}))
	r.GET("/id", envelopegin.Handler(func(c *gin.Context) error {
		return envelope.Conflict("taken").WithExtension("seen", c.GetString(envelopegin.RequestIDKey))
	}))
	return r
}

type result struct {
	status int
	header http.Header
	body   string
	json   map[string]any
}

func do(t *testing.T, method, url string, header http.Header, body string) result {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	out := result{status: res.StatusCode, header: res.Header, body: string(b)}
	if len(b) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		require.NoError(t, json.Unmarshal(b, &out.json), "%s", b)
	}
	return out
}

func TestErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newEngine(t))
	t.Cleanup(srv.Close)
	tests := []struct {
		name, method, path, body string
		status                   int
		code, message            string
		allow                    string
	}{
		{"handler returns APIError", "GET", "/flags/nope", "", 404, "not_found", "Flag not found", ""},
		{"router 404", "GET", "/nowhere", "", 404, "not_found", "", ""},
		{"router 405 with Allow", "DELETE", "/flags/x", "", 405, "method_not_allowed", "", "GET, PUT"},
		{"c.Error rendered by Errors", "GET", "/c-error", "", 409, "conflict", "taken", ""},
		{"plain error is a generic 500", "GET", "/plain", "", 500, "internal", "", ""},
		{"panic through Recovery", "GET", "/panic", "", 500, "internal", "", ""},
		{"bind error", "POST", "/bind", `{"enabled":"yes"}`, 400, "invalid_request", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := do(t, tt.method, srv.URL+tt.path, http.Header{"Content-Type": {"application/json"}}, tt.body)
			assert.Equal(t, tt.status, res.status)
			assert.Equal(t, "application/json", res.header.Get("Content-Type"))
			require.NotNil(t, res.json, "body: %s", res.body)
			assert.Equal(t, tt.code, res.json["code"])
			if tt.message != "" {
				assert.Equal(t, tt.message, res.json["message"])
			} else {
				assert.NotEmpty(t, res.json["message"])
			}
			assert.Equal(t, tt.allow, res.header.Get("Allow"))
			assert.NotContains(t, res.body, "hunter2")
			assert.NotContains(t, res.body, "panic")
			id := res.header.Get("X-Request-Id")
			assert.Len(t, id, 32)
			assert.Equal(t, id, res.json["requestId"], "body and header agree")
		})
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()

	t.Run("one ID for gin, envelope and the client; client IDs not trusted", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(newEngine(t))
		t.Cleanup(srv.Close)
		res := do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-chosen"}}, "")
		id := res.header.Get("X-Request-Id")
		assert.NotEqual(t, "client-chosen", id)
		assert.Equal(t, id, res.json["requestId"])
		assert.Equal(t, id, res.json["seen"])
	})

	t.Run("an earlier middleware's header ID is shared", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(newEngine(t, func(c *gin.Context) { c.Header("X-Request-Id", "upstream-7") }))
		t.Cleanup(srv.Close)
		res := do(t, "GET", srv.URL+"/id", nil, "")
		assert.Equal(t, "upstream-7", res.header.Get("X-Request-Id"))
		assert.Equal(t, "upstream-7", res.json["requestId"])
		assert.Equal(t, "upstream-7", res.json["seen"])
	})

	t.Run("an unsafe header ID is replaced", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(newEngine(t, func(c *gin.Context) { c.Header("X-Request-Id", `<script>"x"`) }))
		t.Cleanup(srv.Close)
		res := do(t, "GET", srv.URL+"/id", nil, "")
		id := res.header.Get("X-Request-Id")
		assert.Len(t, id, 32)
		assert.Equal(t, id, res.json["requestId"])
		assert.NotContains(t, res.body, "script")
	})

	t.Run("the context's ID wins", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(newEngine(t, func(c *gin.Context) {
			c.Request = c.Request.WithContext(envelope.ContextWithRequestID(c.Request.Context(), "ours-1"))
		}))
		t.Cleanup(srv.Close)
		res := do(t, "GET", srv.URL+"/id", nil, "")
		assert.Equal(t, "ours-1", res.header.Get("X-Request-Id"))
		assert.Equal(t, "ours-1", res.json["seen"])
	})
}

func TestHeadCommittedAndWriter(t *testing.T) {
	t.Parallel()
	f := envelope.FlatFormat()
	f.Wrap = "error"
	ew, err := envelope.NewErrorWriter(envelope.Config{Format: &f})
	require.NoError(t, err)
	srv := httptest.NewServer(newEngine(t, envelopegin.WithErrorWriter(ew)))
	t.Cleanup(srv.Close)

	res := do(t, "HEAD", srv.URL+"/nowhere", nil, "")
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Empty(t, res.body)

	res = do(t, "GET", srv.URL+"/committed", nil, "")
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "partial", res.body, "nothing is written after the response started")

	res = do(t, "GET", srv.URL+"/nowhere", nil, "")
	require.Contains(t, res.json, "error", "NoRoute uses the writer from the context: %s", res.body)
	assert.Equal(t, "not_found", res.json["error"].(map[string]any)["code"])
}

func TestConstructionPanics(t *testing.T) {
	t.Parallel()
	assert.Panics(t, func() { envelopegin.Handler(nil) })
	assert.Panics(t, func() { envelopegin.WithErrorWriter(nil) })
}
