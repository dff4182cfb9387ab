package envelopeecho_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echov5"
	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// idRoutes registers /ok, which answers the ID a handler reads from the
// request context, and /fail, which returns an error.
func idRoutes(e *echo.Echo) {
	e.GET("/ok", func(c *echo.Context) error {
		return c.String(200, envelope.RequestIDFrom(c.Request().Context()))
	})
	e.GET("/fail", func(c *echo.Context) error { return envelope.Conflict("") })
}

// With RequestIDConfig, echo's RequestID middleware gives each request the
// ID the envelope chain would: a safe incoming one, or a fresh UUIDv4 in
// place of a missing, unsafe or repeated one. Header, context and body
// agree.
func TestRequestIDConfigSharesIDs(t *testing.T) {
	t.Parallel()
	srv := setups[1].server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
		e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig("")))
		idRoutes(e)
	})
	tests := []struct {
		name     string
		incoming []string
		keep     bool
	}{
		{"none", nil, false},
		{"safe", []string{"req-42.a:b+c=/d"}, true},
		{"with a space", []string{"req 42"}, false},
		{"with a newline escape", []string{"a\\nb"}, false},
		{"too long", []string{strings.Repeat("a", 129)}, false},
		{"longest safe", []string{strings.Repeat("a", 128)}, true},
		{"two lines", []string{"one", "two"}, false},
		{"non-ASCII", []string{"id-é"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.incoming {
				h.Add("X-Request-Id", v)
			}
			okResp, okBody := do(t, srv.Server, "GET", "/ok", nil, h)
			failResp, failBody := do(t, srv.Server, "GET", "/fail", nil, h)
			for _, got := range []string{okResp.Header.Get("X-Request-Id"), string(okBody), failResp.Header.Get("X-Request-Id"), jsonBody(t, failBody)["requestId"].(string)} {
				if tt.keep {
					assert.Equal(t, tt.incoming[0], got)
				} else {
					assert.Regexp(t, uuidV4, got)
				}
			}
			assert.Equal(t, okResp.Header.Get("X-Request-Id"), string(okBody), "header and context agree")
			assert.Len(t, okResp.Header.Values("X-Request-Id"), 1)
			assert.Equal(t, failResp.Header.Get("X-Request-Id"), jsonBody(t, failBody)["requestId"], "header and body agree")
		})
	}
}

// The chain around echo assigns the ID; echo's middleware, configured to
// share, keeps it instead of its own.
func TestRequestIDChainWins(t *testing.T) {
	t.Parallel()
	srv := setups[0].server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{RequestID: envelope.RequestIDOptions{IgnoreIncoming: true}}, func(e *echo.Echo) {
		e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig("")))
		idRoutes(e)
	})
	h := http.Header{"X-Request-Id": {"client-chosen"}}
	okResp, okBody := do(t, srv.Server, "GET", "/ok", nil, h)
	assert.Regexp(t, uuidV4, string(okBody), "the edge chain ignores the client's ID")
	assert.Equal(t, string(okBody), okResp.Header.Get("X-Request-Id"))
	failResp, failBody := do(t, srv.Server, "GET", "/fail", nil, h)
	id := jsonBody(t, failBody)["requestId"]
	assert.Regexp(t, uuidV4, id)
	assert.Equal(t, id, failResp.Header.Get("X-Request-Id"))
	assert.Len(t, failResp.Header.Values("X-Request-Id"), 1)
}

// A format that names another header, or none, is served by passing its
// RequestIDHeader.
func TestRequestIDConfigHeader(t *testing.T) {
	t.Parallel()
	t.Run("custom", func(t *testing.T) {
		t.Parallel()
		f := envelope.FlatFormat()
		f.RequestIDHeader = "X-Correlation-Id"
		srv := setups[1].server(t, envelope.WriterOptions{Format: f}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
			e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig(f.RequestIDHeader)))
			idRoutes(e)
		})
		resp, body := do(t, srv.Server, "GET", "/fail", nil, http.Header{"X-Correlation-Id": {"corr-1"}})
		assert.Equal(t, "corr-1", resp.Header.Get("X-Correlation-Id"))
		assert.Equal(t, "corr-1", jsonBody(t, body)["requestId"])
		assert.Empty(t, resp.Header.Values("X-Request-Id"))
	})
	t.Run("none", func(t *testing.T) {
		t.Parallel()
		f := envelope.FlatFormat()
		f.RequestIDHeader = "-"
		srv := setups[1].server(t, envelope.WriterOptions{Format: f}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
			e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig(f.RequestIDHeader)))
			idRoutes(e)
		})
		resp, body := do(t, srv.Server, "GET", "/fail", nil, http.Header{"-": {"client"}})
		assert.Regexp(t, uuidV4, jsonBody(t, body)["requestId"], "no header to read an ID from")
		assert.Empty(t, resp.Header.Values("-"))
		assert.Empty(t, resp.Header.Values("X-Request-Id"))
	})
}

// echo's RequestID middleware left as it is still puts a safe ID of its
// own in the error body; an unsafe one the client sent stays out.
func TestPlainEchoRequestID(t *testing.T) {
	t.Parallel()
	srv := setups[1].server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
		e.Use(middleware.RequestID())
		idRoutes(e)
	})
	resp, body := do(t, srv.Server, "GET", "/fail", nil, nil)
	id := resp.Header.Get("X-Request-Id")
	require.NotEmpty(t, id)
	assert.Equal(t, id, jsonBody(t, body)["requestId"])

	_, body = do(t, srv.Server, "GET", "/fail", nil, http.Header{"X-Request-Id": {"<script>"}})
	_, has := jsonBody(t, body)["requestId"]
	assert.False(t, has, "an unsafe ID is not echoed into the body: %s", body)
}
