package envelopeecho_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echo"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secret = "db password=hunter2"

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// newEcho returns an echo app with the envelope error handler and no
// routes.
func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = envelopeecho.ErrorHandler
	return e
}

// newServer is an echo app as the package documentation sets it up
// without envelope.Middleware.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	e := newEcho()
	e.Use(envelopeecho.RequestID(envelopeecho.RequestIDOptions{}))
	e.Use(middleware.Recover())
	routes(e)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

type item struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

type order struct {
	Email string `json:"email"`
	Items []item `json:"items"`
}

type listQuery struct {
	Limit int `query:"limit"`
}

// routes registers the test routes on e.
func routes(e *echo.Echo) {
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
	e.POST("/orders", func(c echo.Context) error {
		var o order
		if err := c.Bind(&o); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, o)
	})
	e.GET("/list", func(c echo.Context) error {
		var q listQuery
		if err := c.Bind(&q); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, q)
	})
	e.GET("/fluent", func(c echo.Context) error {
		var limit int
		if err := echo.QueryParamsBinder(c).Int("limit", &limit).BindError(); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]int{"limit": limit})
	})
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
	assert.Regexp(t, uuidV4, id)
	assert.Equal(t, id, res.json["requestId"])
	assert.Equal(t, id, res.json["seen"])
	assert.NotContains(t, res.body, "evil")

	res = do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-abc.1"}}, "")
	assert.Equal(t, "client-abc.1", res.json["requestId"], "a safe client ID is accepted, as the middleware accepts it")
	assert.Equal(t, "client-abc.1", res.header.Get("X-Request-Id"))
	for _, bad := range []string{strings.Repeat("a", 129), "a b", "é"} {
		require.False(t, envelope.ValidRequestID(bad))
		res = do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {bad}}, "")
		assert.Regexp(t, uuidV4, res.json["requestId"], "%q is replaced", bad)
		assert.Equal(t, res.json["requestId"], res.header.Get("X-Request-Id"))
	}

	// Without a client ID, echo generates the core's UUIDv4.
	res = do(t, "GET", srv.URL+"/id", nil, "")
	assert.Regexp(t, uuidV4, res.json["requestId"])
}

func TestRequestIDOptions(t *testing.T) {
	t.Parallel()
	serve := func(opts envelopeecho.RequestIDOptions) *httptest.Server {
		e := newEcho()
		e.Use(envelopeecho.RequestID(opts))
		routes(e)
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		return srv
	}
	srv := serve(envelopeecho.RequestIDOptions{IgnoreIncoming: true})
	res := do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-1"}}, "")
	assert.Regexp(t, uuidV4, res.json["seen"])
	assert.Equal(t, res.json["seen"], res.header.Get("X-Request-Id"))

	srv = serve(envelopeecho.RequestIDOptions{Header: "x-correlation-id"})
	res = do(t, "GET", srv.URL+"/id", http.Header{"X-Correlation-Id": {"corr-9"}}, "")
	assert.Equal(t, "corr-9", res.json["seen"])
	assert.Equal(t, "corr-9", res.header.Get("X-Correlation-Id"))

	srv = serve(envelopeecho.RequestIDOptions{Header: "-"})
	res = do(t, "GET", srv.URL+"/flags/dark-mode", http.Header{"X-Request-Id": {"client-1"}}, "")
	assert.Equal(t, http.StatusOK, res.status)
	assert.Empty(t, res.header.Values("X-Request-Id"))
	res = do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-1"}}, "")
	assert.Regexp(t, uuidV4, res.json["seen"], "no header is read")
}

// TestRequestIDWriter: with the Writer the app renders with, the request
// ID header is its format's, unless a Header is given.
func TestRequestIDWriter(t *testing.T) {
	t.Parallel()
	serve := func(formatHeader string, opts envelopeecho.RequestIDOptions) *httptest.Server {
		f := envelope.FlatFormat()
		f.RequestIDHeader = formatHeader
		ew, err := envelope.NewWriter(envelope.WriterOptions{Format: f, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		e := newEcho()
		e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
		opts.Writer = ew
		e.Use(envelopeecho.RequestID(opts))
		routes(e)
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		return srv
	}
	srv := serve("x-correlation-id", envelopeecho.RequestIDOptions{})
	res := do(t, "GET", srv.URL+"/id", http.Header{"X-Correlation-Id": {"corr-9"}, "X-Request-Id": {"other"}}, "")
	assert.Equal(t, "corr-9", res.json["seen"])
	assert.Equal(t, "corr-9", res.json["requestId"])
	assert.Equal(t, "corr-9", res.header.Get("X-Correlation-Id"))
	assert.Empty(t, res.header.Values("X-Request-Id"))
	res = do(t, "GET", srv.URL+"/flags/dark-mode", nil, "")
	assert.Regexp(t, uuidV4, res.header.Get("X-Correlation-Id"), "a success carries it too")

	srv = serve("-", envelopeecho.RequestIDOptions{})
	res = do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-1"}}, "")
	assert.Regexp(t, uuidV4, res.json["seen"], "the format sends none: none is read")
	assert.Equal(t, res.json["seen"], res.json["requestId"])
	assert.Empty(t, res.header.Values("X-Request-Id"))

	srv = serve("X-Correlation-Id", envelopeecho.RequestIDOptions{Header: "X-Trace-Id", IgnoreIncoming: true})
	res = do(t, "GET", srv.URL+"/id", http.Header{"X-Trace-Id": {"trace-1"}}, "")
	id := res.header.Get("X-Trace-Id")
	assert.Regexp(t, uuidV4, id, "an explicit Header wins; IgnoreIncoming applies to it")
	assert.Equal(t, id, res.json["seen"])
	assert.Equal(t, id, res.json["requestId"])

	// echo's own middleware, pointed at the format's header: the error
	// handler reads the ID from the Writer's header.
	f := envelope.FlatFormat()
	f.RequestIDHeader = "X-Correlation-Id"
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: f, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	e := newEcho()
	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{TargetHeader: "X-Correlation-Id"}))
	routes(e)
	plain := httptest.NewServer(e)
	t.Cleanup(plain.Close)
	res = do(t, "GET", plain.URL+"/flags/nope", nil, "")
	require.NotEmpty(t, res.header.Get("X-Correlation-Id"))
	assert.Equal(t, res.header.Get("X-Correlation-Id"), res.json["requestId"])
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
	assert.Equal(t, "application/json", res.header.Get("Content-Type"), "the headers of the GET")

	res = do(t, "GET", srv.URL+"/committed", nil, "")
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "partial", res.body, "an error after the response started writes nothing more")
}

func TestNewErrorHandlerUsesItsWriter(t *testing.T) {
	t.Parallel()
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: envelope.NestedFormat()})
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

// decodeRequestBody returns the body envelope.DecodeRequest's error gives
// for body, decoded into v, as a plain net/http server renders it.
func decodeRequestBody(t *testing.T, body string, v any, ew *envelope.Writer) map[string]any {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dec := envelope.RequestDecoder{AllowUnknownFields: true}
		ew.Write(w, r, dec.Decode(r, v))
	}))
	t.Cleanup(srv.Close)
	res := do(t, "POST", srv.URL, http.Header{"Content-Type": {"application/json"}}, body)
	require.NotNil(t, res.json, res.body)
	return res.json
}

// TestBindErrors is the regression test of echo's bind errors: they read
// like envelope.DecodeRequest's (the same body, field errors by JSON
// member), and nothing internal (Go type names, strconv's text, echo's
// "Unmarshal type error") reaches the client.
func TestBindErrors(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	ew, err := envelope.NewWriter(envelope.WriterOptions{Localizer: loc, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew, MaxBodyBytes: 256})
	require.NoError(t, err)
	e := newEcho()
	routes(e)
	srv := httptest.NewServer(mw(e))
	t.Cleanup(srv.Close)

	bodies := []struct{ name, body string }{
		{"array member of the wrong type", `{"email":"a@example.com","items":"three"}`},
		{"nested member of the wrong type", `{"items":[{"sku":"a","qty":"two"}]}`},
		{"truncated", `{"email":"a@exa`},
		{"syntax error", `{"email" "a"}`},
		{"not an object", `[1,2]`},
	}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, lang := range []string{"", "de"} {
				h := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req-1"}}
				if lang != "" {
					h.Set("Accept-Language", lang)
				}
				res := do(t, "POST", srv.URL+"/orders", h, b.body)
				assert.Equal(t, http.StatusBadRequest, res.status, res.body)
				require.NotNil(t, res.json, res.body)
				assert.Equal(t, "req-1", res.json["requestId"])
				delete(res.json, "requestId")
				want := decodeRequestBody(t, b.body, &order{}, ew)
				if lang != "" {
					// The same message in the client's language.
					assert.Equal(t, lang, res.header.Get("Content-Language"))
					assert.NotEqual(t, want["message"], res.json["message"])
					continue
				}
				assert.Equal(t, want, res.json, "reads like DecodeRequest's")
				for _, leak := range []string{"Unmarshal", "main.", "envelopeecho", "[]", "offset=", "unexpected EOF", "invalid character"} {
					assert.NotContains(t, res.body, leak)
				}
			}
		})
	}

	t.Run("the member of the wrong type is named", func(t *testing.T) {
		t.Parallel()
		res := do(t, "POST", srv.URL+"/orders", http.Header{"Content-Type": {"application/json"}}, `{"items":"three"}`)
		assert.Equal(t, map[string]any{"items": "must be an array"}, res.json["fields"])
	})

	t.Run("a body over the limit is a 413", func(t *testing.T) {
		t.Parallel()
		res := do(t, "POST", srv.URL+"/orders", http.Header{"Content-Type": {"application/json"}}, `{"email":"`+strings.Repeat("a", 300)+`"}`)
		assert.Equal(t, http.StatusRequestEntityTooLarge, res.status, res.body)
		assert.Equal(t, "payload_too_large", res.json["code"])
	})

	t.Run("a query parameter that does not parse", func(t *testing.T) {
		t.Parallel()
		res := do(t, "GET", srv.URL+"/list?limit=abc", nil, "")
		assert.Equal(t, http.StatusBadRequest, res.status)
		assert.Equal(t, "invalid_request", res.json["code"])
		assert.Equal(t, "The request is malformed.", res.json["message"])
		assert.NotContains(t, res.body, "strconv")
		assert.NotContains(t, res.body, "parsing")
	})

	t.Run("echo's binder names the parameter", func(t *testing.T) {
		t.Parallel()
		res := do(t, "GET", srv.URL+"/fluent?limit=abc", nil, "")
		assert.Equal(t, http.StatusBadRequest, res.status)
		assert.Equal(t, map[string]any{"limit": "must be an integer"}, res.json["fields"])
		assert.NotContains(t, res.body, "failed to bind")
		assert.NotContains(t, res.body, "int64")
		assert.NotContains(t, res.body, "strconv")

		res = do(t, "GET", srv.URL+"/fluent?limit=abc", http.Header{"Accept-Language": {"de"}}, "")
		assert.Equal(t, map[string]any{"limit": "muss eine ganze Zahl sein"}, res.json["fields"])
		assert.Equal(t, "de", res.header.Get("Content-Language"))
	})
}

// TestBindingErrorLikeDecodeRequest is the regression test of the field
// error of a value echo's fluent binders could not convert: a value of
// the wrong type gets the field error envelope.DecodeRequest gives a JSON
// member of that type (code "type", the catalog's message for the type,
// in the client's language), seen through the problem format, which shows
// field codes; a value that is not a type mismatch keeps its own code.
func TestBindingErrorLikeDecodeRequest(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: envelope.ProblemFormat(), Localizer: loc, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	e := newEcho()
	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
	e.GET("/values", func(c echo.Context) error {
		var (
			limit, small int64
			offset       uint64
			ratio        float64
			active       bool
			ids          []int
			since        time.Time
		)
		b := echo.QueryParamsBinder(c)
		return b.Int64("limit", &limit).Uint64("offset", &offset).Float64("ratio", &ratio).Bool("active", &active).
			Ints("ids", &ids).Int64("small", &small).Time("since", &since, time.DateOnly).BindError()
	})
	viaEcho := httptest.NewServer(e)
	t.Cleanup(viaEcho.Close)
	type members struct {
		Limit  int64   `json:"limit"`
		Offset uint64  `json:"offset"`
		Ratio  float64 `json:"ratio"`
		Active bool    `json:"active"`
	}
	viaDecode := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m members
		ew.Write(w, r, envelope.DecodeRequest(r, &m))
	}))
	t.Cleanup(viaDecode.Close)

	type problem struct {
		Status int              `json:"status"`
		Code   string           `json:"code"`
		Errors []map[string]any `json:"errors"`
	}
	decode := func(res result) problem {
		t.Helper()
		var p problem
		require.NoError(t, json.Unmarshal([]byte(res.body), &p), res.body)
		return p
	}
	tests := []struct{ query, body string }{
		{"limit=abc", `{"limit":"abc"}`},
		{"offset=-1", `{"offset":-1}`},
		{"ratio=half", `{"ratio":"half"}`},
		{"active=maybe", `{"active":"maybe"}`},
	}
	for _, tt := range tests {
		for _, lang := range []string{"en", "de", "fr"} {
			h := http.Header{"Accept-Language": {lang}}
			got := do(t, "GET", viaEcho.URL+"/values?"+tt.query, h, "")
			h.Set("Content-Type", "application/json")
			want := do(t, "POST", viaDecode.URL, h, tt.body)
			g, w := decode(got), decode(want)
			require.Len(t, w.Errors, 1, want.body)
			assert.Equal(t, "type", w.Errors[0]["code"], "DecodeRequest: %s", want.body)
			assert.Equal(t, 400, g.Status, tt.query)
			assert.Equal(t, "invalid_request", g.Code, tt.query)
			assert.Equal(t, w.Errors, g.Errors, "%s in %s: DecodeRequest's field error", tt.query, lang)
			assert.Equal(t, lang, got.header.Get("Content-Language"), tt.query)
		}
	}
	for _, tt := range []struct {
		query string
		want  map[string]any
	}{
		{"ids=1&ids=a", map[string]any{"detail": "must be an integer", "pointer": "#/ids", "code": "type"}},
		{"small=99999999999999999999", map[string]any{"detail": "is invalid", "pointer": "#/small", "code": "invalid"}},
		{"since=yesterday", map[string]any{"detail": "has an invalid format", "pointer": "#/since", "code": "pattern"}},
	} {
		assert.Equal(t, []map[string]any{tt.want}, decode(do(t, "GET", viaEcho.URL+"/values?"+tt.query, nil, "")).Errors, tt.query)
	}
}

// TestBehindMiddleware serves echo inside envelope.Middleware, the
// recommended setup: request IDs, panics and router pages.
func TestBehindMiddleware(t *testing.T) {
	t.Parallel()
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{})
	require.NoError(t, err)
	e := newEcho()
	routes(e)
	srv := httptest.NewServer(mw(e))
	t.Cleanup(srv.Close)
	for _, path := range []string{"/panic", "/nowhere", "/flags/nope"} {
		res := do(t, "GET", srv.URL+path, http.Header{"X-Request-Id": {"req-9"}}, "")
		require.NotNil(t, res.json, "%s: %s", path, res.body)
		assert.Equal(t, "req-9", res.json["requestId"], path)
		assert.Equal(t, "req-9", res.header.Get("X-Request-Id"), path)
		assert.NotContains(t, res.body, "hunter2")
	}
	get := do(t, "GET", srv.URL+"/nowhere", nil, "")
	head := do(t, "HEAD", srv.URL+"/nowhere", nil, "")
	assert.Equal(t, get.status, head.status)
	assert.Equal(t, "application/json", head.header.Get("Content-Type"))
	assert.Empty(t, head.body)
}
