package envelopeecho_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echo"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secret = "db password=hunter2"

// newServer is an echo app as the package documentation sets it up.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	e := echo.New()
	e.HideBanner = true
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = envelopeecho.ErrorHandler
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{RequestIDHandler: envelopeecho.ShareRequestID}))
	e.Use(middleware.Recover())

	e.GET("/flags/:key", func(c echo.Context) error {
		if c.Param("key") != "dark-mode" {
			return envelope.NotFound("Flag not found")
		}
		return c.JSON(http.StatusOK, map[string]any{"key": "dark-mode", "enabled": true})
	})
	e.GET("/echo-error", func(c echo.Context) error { return echo.NewHTTPError(http.StatusBadRequest, "key must be lowercase") })
	e.GET("/echo-sentinel", func(c echo.Context) error { return echo.ErrUnauthorized })
	e.GET("/echo-error-message", func(c echo.Context) error {
		return echo.NewHTTPError(http.StatusConflict, errors.New(secret))
	})
	e.GET("/echo-teapot", func(c echo.Context) error { return echo.NewHTTPError(http.StatusTeapot) })
	e.GET("/echo-redirect", func(c echo.Context) error { return echo.NewHTTPError(http.StatusFound, "see other") })
	e.GET("/plain", func(c echo.Context) error { return errors.New(secret) })
	e.GET("/panic", func(c echo.Context) error { panic(secret) })
	e.GET("/committed", func(c echo.Context) error {
		_ = c.String(http.StatusOK, "partial")
		return errors.New(secret)
	})
	e.GET("/id", func(c echo.Context) error {
		// The handler sees the same ID as the body and the header.
		return envelope.Conflict("taken").WithExtension("seen", envelope.RequestIDFrom(c.Request().Context()))
	})
	e.POST("/bind", func(c echo.Context) error {
		var v struct {
			Key string `json:"key"`
		}
		return c.Bind(&v)
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
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

func TestErrorHandler(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		name, method, path string
		body               string
		status             int
		code, message      string
		header             map[string]string
	}{
		{"handler returns APIError", "GET", "/flags/nope", "", 404, "not_found", "Flag not found", nil},
		{"router 404", "GET", "/nowhere", "", 404, "not_found", "", nil},
		{"router 405 keeps Allow", "DELETE", "/flags/x", "", 405, "method_not_allowed", "", map[string]string{"Allow": "OPTIONS, GET"}},
		{"HTTPError message is public", "GET", "/echo-error", "", 400, "invalid_request", "key must be lowercase", nil},
		{"echo sentinel gets the default message and a challenge", "GET", "/echo-sentinel", "", 401, "unauthorized", "", map[string]string{"Www-Authenticate": "Bearer"}},
		{"HTTPError error message is not rendered", "GET", "/echo-error-message", "", 409, "conflict", "", nil},
		{"other 4xx keeps its status", "GET", "/echo-teapot", "", 418, "invalid_request", "", nil},
		{"non-error status becomes 500", "GET", "/echo-redirect", "", 500, "internal", "", nil},
		{"plain error is a generic 500", "GET", "/plain", "", 500, "internal", "", nil},
		{"panic through middleware.Recover", "GET", "/panic", "", 500, "internal", "", nil},
		{"bind error", "POST", "/bind", "{", 400, "invalid_request", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.body != "" {
				h.Set("Content-Type", "application/json")
			}
			res := do(t, tt.method, srv.URL+tt.path, h, tt.body)
			assert.Equal(t, tt.status, res.status)
			assert.Equal(t, "application/json", res.header.Get("Content-Type"))
			assert.Equal(t, "nosniff", res.header.Get("X-Content-Type-Options"))
			require.NotNil(t, res.json, "body: %s", res.body)
			assert.Equal(t, tt.code, res.json["code"])
			if tt.message != "" {
				assert.Equal(t, tt.message, res.json["message"])
			} else {
				assert.NotEmpty(t, res.json["message"])
			}
			for k, v := range tt.header {
				assert.Equal(t, v, res.header.Get(k), k)
			}
			assert.NotContains(t, res.body, "hunter2")
			assert.NotContains(t, res.body, "PANIC")
			id := res.header.Get("X-Request-Id")
			require.NotEmpty(t, id, "echo's middleware sets the ID")
			assert.Equal(t, id, res.json["requestId"], "body and header agree")
		})
	}
}

func TestRequestIDShared(t *testing.T) {
	t.Parallel()
	srv := newServer(t)

	res := do(t, "GET", srv.URL+"/id", nil, "")
	assert.Equal(t, http.StatusConflict, res.status)
	id := res.header.Get("X-Request-Id")
	require.NotEmpty(t, id)
	assert.Equal(t, id, res.json["requestId"])
	assert.Equal(t, id, res.json["seen"], "the handler saw the same ID through the request context")

	// echo passes a client's X-Request-Id through unchecked; an unsafe one
	// is replaced everywhere.
	res = do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"evil\"<id>"}}, "")
	assert.Equal(t, http.StatusConflict, res.status)
	id = res.header.Get("X-Request-Id")
	assert.Len(t, id, 32)
	assert.Equal(t, id, res.json["requestId"])
	assert.Equal(t, id, res.json["seen"])
	assert.NotContains(t, res.body, "evil")

	res = do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-abc.1"}}, "")
	assert.Equal(t, "client-abc.1", res.json["requestId"], "echo's choice to accept a safe client ID is kept")
}

func TestRequestIDFromOutsideWins(t *testing.T) {
	t.Parallel()
	inner := newServer(t).Config.Handler
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// What envelope's request ID middleware does around echo.
		inner.ServeHTTP(w, r.WithContext(envelope.ContextWithRequestID(r.Context(), "outer-1")))
	})
	srv := httptest.NewServer(outer)
	t.Cleanup(srv.Close)
	res := do(t, "GET", srv.URL+"/id", nil, "")
	assert.Equal(t, "outer-1", res.header.Get("X-Request-Id"))
	assert.Equal(t, "outer-1", res.json["requestId"])
	assert.Equal(t, "outer-1", res.json["seen"])
}

func TestHeadAndCommitted(t *testing.T) {
	t.Parallel()
	srv := newServer(t)

	res := do(t, "HEAD", srv.URL+"/nowhere", nil, "")
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Empty(t, res.body, "no body on HEAD")

	res = do(t, "GET", srv.URL+"/committed", nil, "")
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "partial", res.body, "an error after the response started writes nothing more")
}

func TestNewErrorHandlerUsesItsWriter(t *testing.T) {
	t.Parallel()
	f := envelope.FlatFormat()
	f.Wrap = "error"
	ew, err := envelope.NewErrorWriter(envelope.Config{Format: &f})
	require.NoError(t, err)
	e := echo.New()
	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
	e.GET("/x", func(c echo.Context) error { return envelope.Gone("") })
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)

	res := do(t, "GET", srv.URL+"/x", nil, "")
	assert.Equal(t, http.StatusGone, res.status)
	require.Contains(t, res.json, "error")
	assert.Equal(t, "gone", res.json["error"].(map[string]any)["code"])
	assert.NotContains(t, res.json, "requestId", "no request ID middleware, no ID")
}

func TestFromHTTPError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		he     *echo.HTTPError
		code   envelope.Code
		status int
		msg    string
	}{
		{"nil", nil, envelope.CodeInternal, 500, ""},
		{"not found", echo.ErrNotFound, envelope.CodeNotFound, 404, ""},
		{"too large", echo.ErrStatusRequestEntityTooLarge, envelope.CodePayloadTooLarge, 413, ""},
		{"rate limited", echo.ErrTooManyRequests, envelope.CodeRateLimited, 429, ""},
		{"unavailable", echo.ErrServiceUnavailable, envelope.CodeUnavailable, 503, ""},
		{"gateway timeout", echo.ErrGatewayTimeout, envelope.CodeTimeout, 504, ""},
		{"other 5xx", echo.NewHTTPError(507), envelope.CodeInternal, 507, ""},
		{"custom message", echo.NewHTTPError(403, "not yours"), envelope.CodeForbidden, 403, "not yours"},
		{"internal HTTPError wins", echo.NewHTTPError(500).SetInternal(echo.NewHTTPError(404, "gone away")), envelope.CodeNotFound, 404, "gone away"},
		{"non-string message", echo.NewHTTPError(400, map[string]string{"x": secret}), envelope.CodeInvalidRequest, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := envelopeecho.FromHTTPError(tt.he)
			assert.Equal(t, tt.code, e.Code())
			assert.Equal(t, tt.status, e.Status())
			if tt.msg != "" {
				assert.Equal(t, tt.msg, e.Message())
			}
			assert.NotContains(t, e.Message(), "hunter2")
		})
	}
}
