package envelopeecho_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopeecho "github.com/apienvelope/envelope/adapters/echov5"
	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

type item struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

type order struct {
	Customer string `json:"customer"`
	Items    []item `json:"items"`
	Paid     bool   `json:"paid"`
}

// A JSON body echo's binder cannot decode renders exactly as
// envelope.DecodeRequest's error for the same body: same status, same
// body, nothing internal on the wire.
func TestBindJSONLikeDecodeRequest(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"array field given a string":     `{"customer":"ada","items":"x"}`,
		"nested field of the wrong type": `{"items":[{"sku":"a","quantity":"two"}]}`,
		"boolean given a number":         `{"paid":1}`,
		"string given an object":         `{"customer":{}}`,
		"truncated":                      `{"customer":"ada","items":[`,
		"syntax error":                   `{"customer":}`,
		"not an object":                  `[1,2]`,
		"a bare string":                  `"order"`,
	}
	rec := newLogRecorder()
	ew := newWriter(t, rec, envelope.WriterOptions{})

	e := newEcho(newLogRecorder())
	e.HTTPErrorHandler = envelopeecho.NewErrorHandler(ew)
	e.POST("/orders", func(c *echo.Context) error {
		var o order
		if err := c.Bind(&o); err != nil {
			return err
		}
		return c.NoContent(204)
	})
	viaEcho := serve(t, e)
	viaDecode := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var o order
		if err := (envelope.RequestDecoder{AllowUnknownFields: true}).Decode(r, &o); err != nil {
			ew.Write(w, r, err)
			return
		}
		w.WriteHeader(204)
	}))

	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, wantBody := do(t, viaDecode, "POST", "/orders", strings.NewReader(body), jsonHeader())
			got, gotBody := do(t, viaEcho, "POST", "/orders", strings.NewReader(body), jsonHeader())
			require.Equal(t, 400, want.StatusCode, "DecodeRequest: %s", wantBody)
			assert.Equal(t, want.StatusCode, got.StatusCode)
			assert.JSONEq(t, string(wantBody), string(gotBody))
			for _, leak := range leaks {
				assert.NotContains(t, string(gotBody), leak)
			}
		})
	}

	// The case, spelled out.
	_, body := do(t, viaEcho, "POST", "/orders", strings.NewReader(`{"customer":"ada","items":"x"}`), jsonHeader())
	assert.JSONEq(t, `{"code":"invalid_request","message":"A field of the request body has the wrong type.","fields":{"items":"must be an array"}}`, string(body))
}

type listQuery struct {
	Limit  int       `query:"limit"`
	Offset uint      `query:"offset"`
	Ratio  float64   `query:"ratio"`
	Active bool      `query:"active"`
	Since  time.Time `query:"since" format:"date"`
	Small  int8      `query:"small"`
	IDs    []int     `query:"ids"`
}

type itemPath struct {
	ID int `param:"id"`
}

type tenantHeader struct {
	Tenant int `header:"X-Tenant"`
}

// A path, query or header value that does not parse is a 400 naming the
// value as the client sent it (by its tag), with a readable message and
// nothing of strconv's text.
func TestBindParamsNameTheField(t *testing.T) {
	t.Parallel()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			srv := s.server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
				e.GET("/items", func(c *echo.Context) error {
					var q listQuery
					if err := c.Bind(&q); err != nil {
						return err
					}
					return c.NoContent(204)
				})
				e.GET("/items/:id", func(c *echo.Context) error {
					var p itemPath
					if err := echo.BindPathValues(c, &p); err != nil {
						return err
					}
					return c.NoContent(204)
				})
				e.GET("/tenant", func(c *echo.Context) error {
					var h tenantHeader
					if err := echo.BindHeaders(c, &h); err != nil {
						return err
					}
					return c.NoContent(204)
				})
				e.GET("/generic", func(c *echo.Context) error {
					if _, err := echo.QueryParam[int](c, "page"); err != nil {
						return err
					}
					return c.NoContent(204)
				})
				e.GET("/values", func(c *echo.Context) error {
					var page int
					var active bool
					return errors.Join(echo.QueryParamsBinder(c).FailFast(false).Int("page", &page).Bool("active", &active).BindErrors()...)
				})
			})
			tests := []struct {
				path   string
				header http.Header
				fields map[string]any
			}{
				{"/items?limit=abc", nil, map[string]any{"limit": "must be an integer"}},
				{"/items?offset=-1", nil, map[string]any{"offset": "must be a non-negative integer"}},
				{"/items?ratio=half", nil, map[string]any{"ratio": "must be a number"}},
				{"/items?active=maybe", nil, map[string]any{"active": "must be a boolean"}},
				{"/items?since=yesterday", nil, map[string]any{"since": "has an invalid format"}},
				{"/items?small=300", nil, map[string]any{"small": "is invalid"}},
				{"/items/abc", nil, map[string]any{"id": "must be an integer"}},
				{"/tenant", http.Header{"X-Tenant": {"acme"}}, map[string]any{"X-Tenant": "must be an integer"}},
				{"/generic?page=two", nil, map[string]any{"page": "must be an integer"}},
				{"/values?page=x&active=y", nil, map[string]any{"page": "must be an integer", "active": "must be a boolean"}},
			}
			for _, tt := range tests {
				resp, body := do(t, srv.Server, "GET", tt.path, nil, tt.header)
				assert.Equal(t, 400, resp.StatusCode, tt.path)
				m := jsonBody(t, body)
				assert.Equal(t, "invalid_request", m["code"], tt.path)
				assert.Equal(t, "The request is malformed.", m["message"], tt.path)
				assert.Equal(t, tt.fields, m["fields"], tt.path)
				for _, leak := range leaks {
					assert.NotContains(t, string(body), leak, tt.path)
				}
			}
			// The client's mistake is logged at Debug, not as a server error.
			assert.Empty(t, srv.writerLog.all("unexpected error"))
			assert.Empty(t, srv.writerLog.all("server error"))
		})
	}
}

// The field messages of bind errors are the catalog's, so a Localizer
// words them in the client's language.
func TestBindMessagesAreLocalized(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{Languages: []language.Tag{language.German}})
	require.NoError(t, err)
	srv := setups[0].server(t, envelope.WriterOptions{Localizer: loc}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
		e.GET("/items", func(c *echo.Context) error {
			var q listQuery
			return c.Bind(&q)
		})
		e.POST("/orders", func(c *echo.Context) error {
			var o order
			return c.Bind(&o)
		})
	})
	de := http.Header{"Accept-Language": {"de"}}
	resp, body := do(t, srv.Server, "GET", "/items?limit=abc", nil, de)
	assert.Equal(t, 400, resp.StatusCode)
	assert.Equal(t, "de", resp.Header.Get("Content-Language"))
	m := jsonBody(t, body)
	assert.Equal(t, map[string]any{"limit": "muss eine ganze Zahl sein"}, m["fields"])
	assert.Equal(t, "Die Anfrage ist fehlerhaft.", m["message"])

	h := jsonHeader()
	h.Set("Accept-Language", "de")
	_, body = do(t, srv.Server, "POST", "/orders", strings.NewReader(`{"items":"x"}`), h)
	m = jsonBody(t, body)
	assert.Equal(t, "Ein Feld der Anfrage hat den falschen Typ.", m["message"])
}

// Bodies over a limit are a 413 whichever layer enforces it: echo's
// BodyLimit middleware (by Content-Length or while reading a chunked
// body) or the chain's MaxBodyBytes, whose error echo's binder wraps in
// a 400.
func TestBodyLimits(t *testing.T) {
	t.Parallel()
	big := `{"customer":"` + strings.Repeat("a", 4096) + `"}`
	bind := func(c *echo.Context) error {
		var o order
		if err := c.Bind(&o); err != nil {
			return err
		}
		return c.NoContent(204)
	}
	chunked := func(s string) *strings.Reader { return strings.NewReader(s) }

	t.Run("echo BodyLimit", func(t *testing.T) {
		t.Parallel()
		for _, s := range setups {
			srv := s.server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
				e.POST("/orders", bind, middleware.BodyLimit(1024))
			})
			resp, body := do(t, srv.Server, "POST", "/orders", strings.NewReader(big), jsonHeader())
			assert.Equal(t, 413, resp.StatusCode, s.name)
			assert.Equal(t, "payload_too_large", jsonBody(t, body)["code"], s.name)

			req, err := http.NewRequest("POST", srv.Server.URL+"/orders", struct{ *strings.Reader }{chunked(big)})
			require.NoError(t, err)
			req.ContentLength = -1 // chunked: the limit applies while reading
			req.Header.Set("Content-Type", "application/json")
			resp2, err := srv.Server.Client().Do(req)
			require.NoError(t, err)
			body2 := readAll(t, resp2)
			assert.Equal(t, 413, resp2.StatusCode, "%s chunked: %s", s.name, body2)
			assert.Equal(t, "payload_too_large", jsonBody(t, body2)["code"], s.name)
		}
	})
	t.Run("chain MaxBodyBytes", func(t *testing.T) {
		t.Parallel()
		srv := setups[0].server(t, envelope.WriterOptions{}, envelope.MiddlewareOptions{MaxBodyBytes: 1024}, func(e *echo.Echo) {
			e.POST("/orders", bind)
		})
		req, err := http.NewRequest("POST", srv.Server.URL+"/orders", struct{ *strings.Reader }{chunked(big)})
		require.NoError(t, err)
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Server.Client().Do(req)
		require.NoError(t, err)
		body := readAll(t, resp)
		assert.Equal(t, 413, resp.StatusCode, "%s", body)
		m := jsonBody(t, body)
		assert.Equal(t, "payload_too_large", m["code"])
		assert.Equal(t, "The request body must not exceed 1024 bytes.", m["message"])
	})
}

// A path, query or header value of the wrong type gets the field error
// envelope.DecodeRequest gives a JSON member of that type: code "type"
// and the catalog's message for the type, in the client's language, seen
// through the problem format, which shows field codes. A value that is
// not a type mismatch keeps its own code.
func TestBindWrongTypeLikeDecodeRequest(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	wopts := envelope.WriterOptions{Format: envelope.ProblemFormat(), Localizer: loc}
	type members struct {
		Limit  int     `json:"limit"`
		Offset uint    `json:"offset"`
		Ratio  float64 `json:"ratio"`
		Active bool    `json:"active"`
		ID     int     `json:"id"`
		Page   int     `json:"page"`
		IDs    []int   `json:"ids"`
	}
	ew := newWriter(t, newLogRecorder(), wopts)
	viaDecode := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m members
		ew.Write(w, r, envelope.DecodeRequest(r, &m))
	}))
	type problem struct {
		Status int              `json:"status"`
		Code   string           `json:"code"`
		Errors []map[string]any `json:"errors"`
	}
	decode := func(b []byte) problem {
		t.Helper()
		var p problem
		require.NoError(t, json.Unmarshal(b, &p), "%s", b)
		return p
	}
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			srv := s.server(t, wopts, envelope.MiddlewareOptions{}, func(e *echo.Echo) {
				e.GET("/items", func(c *echo.Context) error {
					var q listQuery
					return c.Bind(&q)
				})
				e.GET("/items/:id", func(c *echo.Context) error {
					var p itemPath
					return echo.BindPathValues(c, &p)
				})
				e.GET("/generic", func(c *echo.Context) error {
					_, err := echo.QueryParam[int](c, "page")
					return err
				})
				e.GET("/values", func(c *echo.Context) error {
					var ids []int
					return echo.QueryParamsBinder(c).Ints("ids", &ids).BindError()
				})
			})
			tests := []struct{ path, body, code string }{
				{"/items?limit=abc", `{"limit":"abc"}`, "type"},
				{"/items?offset=-1", `{"offset":-1}`, "type"},
				{"/items?ratio=half", `{"ratio":"half"}`, "type"},
				{"/items?active=maybe", `{"active":"maybe"}`, "type"},
				{"/items/abc", `{"id":"abc"}`, "type"},
				{"/generic?page=two", `{"page":"two"}`, "type"},
			}
			for _, tt := range tests {
				for _, lang := range []string{"en", "de", "pt-BR"} {
					h := http.Header{"Accept-Language": {lang}}
					gotResp, gotBody := do(t, srv.Server, "GET", tt.path, nil, h)
					h.Set("Content-Type", "application/json")
					_, wantBody := do(t, viaDecode, "POST", "/", strings.NewReader(tt.body), h)
					got, want := decode(gotBody), decode(wantBody)
					require.Len(t, want.Errors, 1, "%s", wantBody)
					assert.Equal(t, tt.code, want.Errors[0]["code"], "DecodeRequest: %s", wantBody)
					assert.Equal(t, 400, got.Status, tt.path)
					assert.Equal(t, "invalid_request", got.Code, tt.path)
					assert.Equal(t, want.Errors, got.Errors, "%s in %s: DecodeRequest's field error", tt.path, lang)
					assert.Equal(t, lang, gotResp.Header.Get("Content-Language"), tt.path)
				}
			}
			// An element of a slice has the element's type, at the parameter.
			element := []map[string]any{{"detail": "must be an integer", "pointer": "#/ids", "code": "type"}}
			for _, path := range []string{"/items?ids=1&ids=a", "/values?ids=1&ids=a"} {
				_, body := do(t, srv.Server, "GET", path, nil, nil)
				assert.Equal(t, element, decode(body).Errors, path)
			}
			// Not a wrong type: a number out of range, a time not in its format.
			_, body := do(t, srv.Server, "GET", "/items?small=300", nil, nil)
			assert.Equal(t, []map[string]any{{"detail": "is invalid", "pointer": "#/small", "code": "invalid"}}, decode(body).Errors)
			_, body = do(t, srv.Server, "GET", "/items?since=yesterday", nil, nil)
			assert.Equal(t, []map[string]any{{"detail": "has an invalid format", "pointer": "#/since", "code": "pattern"}}, decode(body).Errors)
		})
	}
}
