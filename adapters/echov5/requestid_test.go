package envelopeecho_test

import (
	"net/http"
	"net/http/httptest"
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
		e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig(envelopeecho.RequestIDOptions{})))
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
		e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig(envelopeecho.RequestIDOptions{})))
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

// echoWithWriter serves an echo instance on its own, rendering with a
// Writer whose format carries request IDs in formatHeader, and whose
// RequestID middleware is configured by opts with that Writer.
func echoWithWriter(t *testing.T, formatHeader string, opts envelopeecho.RequestIDOptions) *httptest.Server {
	t.Helper()
	f := envelope.FlatFormat()
	f.RequestIDHeader = formatHeader
	ew := newWriter(t, newLogRecorder(), envelope.WriterOptions{Format: f})
	e := newEcho(newLogRecorder())
	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
	opts.Writer = ew
	e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig(opts)))
	idRoutes(e)
	return serve(t, e)
}

// The header is the Writer's unless one is given: a format that names
// another header, or none, needs nothing more than the Writer.
func TestRequestIDConfigHeader(t *testing.T) {
	t.Parallel()
	t.Run("the Writer's", func(t *testing.T) {
		t.Parallel()
		srv := echoWithWriter(t, "x-correlation-id", envelopeecho.RequestIDOptions{})
		resp, body := do(t, srv, "GET", "/fail", nil, http.Header{"X-Correlation-Id": {"corr-1"}, "X-Request-Id": {"other"}})
		assert.Equal(t, "corr-1", resp.Header.Get("X-Correlation-Id"))
		assert.Equal(t, "corr-1", jsonBody(t, body)["requestId"])
		assert.Empty(t, resp.Header.Values("X-Request-Id"))
		resp, body = do(t, srv, "GET", "/ok", nil, nil)
		assert.Regexp(t, uuidV4, string(body))
		assert.Equal(t, string(body), resp.Header.Get("X-Correlation-Id"), "a success carries it too")
	})
	t.Run("the Writer's: none", func(t *testing.T) {
		t.Parallel()
		srv := echoWithWriter(t, "-", envelopeecho.RequestIDOptions{})
		resp, body := do(t, srv, "GET", "/fail", nil, http.Header{"X-Request-Id": {"client"}, "-": {"client"}})
		assert.Regexp(t, uuidV4, jsonBody(t, body)["requestId"], "no header to read an ID from")
		assert.Empty(t, resp.Header.Values("-"))
		assert.Empty(t, resp.Header.Values("X-Request-Id"))
	})
	t.Run("an explicit header wins", func(t *testing.T) {
		t.Parallel()
		srv := echoWithWriter(t, "X-Correlation-Id", envelopeecho.RequestIDOptions{Header: "X-Trace-Id"})
		resp, body := do(t, srv, "GET", "/ok", nil, http.Header{"X-Trace-Id": {"trace-1"}, "X-Correlation-Id": {"corr-1"}})
		assert.Equal(t, "trace-1", string(body))
		assert.Equal(t, "trace-1", resp.Header.Get("X-Trace-Id"))
		resp, body = do(t, srv, "GET", "/fail", nil, http.Header{"X-Trace-Id": {"trace-2"}})
		assert.Equal(t, "trace-2", jsonBody(t, body)["requestId"])
		assert.Equal(t, "trace-2", resp.Header.Get("X-Correlation-Id"), "the Writer sends the ID in its own header")
	})
	t.Run("an explicit none", func(t *testing.T) {
		t.Parallel()
		srv := echoWithWriter(t, "", envelopeecho.RequestIDOptions{Header: "-"})
		resp, body := do(t, srv, "GET", "/ok", nil, http.Header{"X-Request-Id": {"client"}})
		assert.Regexp(t, uuidV4, string(body))
		assert.Empty(t, resp.Header.Values("X-Request-Id"))
		assert.Empty(t, resp.Header.Values("-"))
	})
	t.Run("without a Writer: X-Request-Id", func(t *testing.T) {
		t.Parallel()
		e := newEcho(newLogRecorder())
		e.Use(middleware.RequestIDWithConfig(envelopeecho.RequestIDConfig(envelopeecho.RequestIDOptions{})))
		idRoutes(e)
		srv := serve(t, e)
		resp, body := do(t, srv, "GET", "/ok", nil, http.Header{"X-Request-Id": {"client-7"}})
		assert.Equal(t, "client-7", string(body))
		assert.Equal(t, "client-7", resp.Header.Get("X-Request-Id"))
	})
}

// echo's own RequestID middleware, pointed at the header of the Writer's
// format, puts its ID in error bodies: the error handler reads the
// Writer's header.
func TestPlainEchoRequestIDInTheWritersHeader(t *testing.T) {
	t.Parallel()
	f := envelope.FlatFormat()
	f.RequestIDHeader = "X-Correlation-Id"
	ew := newWriter(t, newLogRecorder(), envelope.WriterOptions{Format: f})
	e := newEcho(newLogRecorder())
	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{TargetHeader: "X-Correlation-Id"}))
	idRoutes(e)
	srv := serve(t, e)
	resp, body := do(t, srv, "GET", "/fail", nil, nil)
	id := resp.Header.Get("X-Correlation-Id")
	require.NotEmpty(t, id)
	assert.Equal(t, id, jsonBody(t, body)["requestId"])
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
