package envelopegin_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopegin "github.com/apienvelope/envelope/adapters/gin"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

const secret = "db password=hunter2"

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// records keeps the log records a writer emits.
type records struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

// levels returns the levels logged so far. The writer logs before the
// response is complete, so a test that read the response sees them all.
func (r *records) levels() []slog.Level {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]slog.Level, len(r.recs))
	for i, rec := range r.recs {
		out[i] = rec.Level
	}
	return out
}

type listQuery struct {
	Limit  int       `form:"limit" json:"pageSize" binding:"omitempty,max=100"`
	Cursor string    `form:"cursor" json:"after" binding:"omitempty,len=8"`
	Tags   []string  `form:"tag" binding:"omitempty,dive,alphanum"`
	Active *bool     `form:"active"`
	Ratio  float64   `form:"ratio" json:"ratio,omitempty"`
	IDs    []int     `form:"id" json:"ids,omitempty"`
	Small  int8      `form:"small" json:"small,omitempty"`
	Since  time.Time `form:"since" time_format:"2006-01-02" json:"since,omitzero"`
	paging
}

type paging struct {
	Page uint `form:"page"`
}

type itemURI struct {
	ID string `uri:"id" binding:"uuid"`
	N  int    `uri:"n"`
}

type flagBody struct {
	Key     string `json:"key" binding:"required,max=8"`
	Enabled *bool  `json:"enabled" binding:"required"`
}

// routes registers the test routes on r.
func routes(r *gin.Engine) {
	r.Match([]string{http.MethodGet, http.MethodHead}, "/flags/:key", envelopegin.Handler(func(c *gin.Context) error {
		if c.Param("key") != "dark-mode" {
			return envelope.NotFound("Flag not found")
		}
		c.JSON(http.StatusOK, gin.H{"key": "dark-mode"})
		return nil
	}))
	r.PUT("/flags/:key", func(c *gin.Context) {})
	r.Match([]string{http.MethodGet, http.MethodHead}, "/c-error", func(c *gin.Context) { _ = c.Error(envelope.Conflict("taken")) })
	r.GET("/plain", envelopegin.Handler(func(c *gin.Context) error { return errors.New(secret) }))
	r.GET("/panic", func(c *gin.Context) { panic(secret) })
	r.GET("/committed", envelopegin.Handler(func(c *gin.Context) error {
		c.String(http.StatusOK, "partial")
		return errors.New(secret)
	}))
	r.GET("/list", envelopegin.Handler(func(c *gin.Context) error {
		var q listQuery
		if err := envelopegin.BindQuery(c, &q); err != nil {
			return err
		}
		c.JSON(http.StatusOK, q)
		return nil
	}))
	r.GET("/items/:id/:n", envelopegin.Handler(func(c *gin.Context) error {
		var u itemURI
		if err := envelopegin.BindURI(c, &u); err != nil {
			return err
		}
		c.JSON(http.StatusOK, u)
		return nil
	}))
	r.POST("/flags", envelopegin.Handler(func(c *gin.Context) error {
		var f flagBody
		if err := envelopegin.BindJSON(c, &f); err != nil {
			return err
		}
		c.JSON(http.StatusCreated, f)
		return nil
	}))
	r.GET("/id", envelopegin.Handler(func(c *gin.Context) error {
		return envelope.Conflict("taken").WithExtension("seen", envelope.RequestIDFrom(c.Request.Context())).
			WithExtension("gin", c.GetString(envelopegin.RequestIDKey))
	}))
}

// newWriter returns a writer that logs to recs, in every shipped language.
func newWriter(t *testing.T, recs *records) *envelope.Writer {
	t.Helper()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: slog.New(recs), Localizer: loc})
	require.NoError(t, err)
	return ew
}

// inGin serves an engine set up without envelope.Middleware: everything
// inside gin.
func inGin(t *testing.T, recs *records, extra ...gin.HandlerFunc) *httptest.Server {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(envelopegin.WithWriter(newWriter(t, recs)))
	r.Use(extra...)
	r.Use(envelopegin.RecoveryWithWriter(io.Discard), envelopegin.RequestID(envelopegin.RequestIDOptions{}), envelopegin.Errors())
	r.NoRoute(envelopegin.NoRoute)
	r.NoMethod(envelopegin.NoMethod)
	routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// behindMiddleware serves an engine wrapped in envelope.Middleware, the
// recommended setup: no NoRoute, NoMethod, Recovery or RequestID.
func behindMiddleware(t *testing.T, recs *records) *httptest.Server {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(envelopegin.Errors())
	routes(r)
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: newWriter(t, recs)})
	require.NoError(t, err)
	srv := httptest.NewServer(mw(r))
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

// setups are the two ways to put envelope in front of gin.
var setups = []struct {
	name  string
	serve func(*testing.T, *records) *httptest.Server
}{
	{"in gin", func(t *testing.T, r *records) *httptest.Server { return inGin(t, r) }},
	{"behind the middleware", behindMiddleware},
}

func TestErrors(t *testing.T) {
	t.Parallel()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			srv := s.serve(t, &records{})
			tests := []struct {
				name, method, path, body string
				status                   int
				code, message            string
				allow                    string
			}{
				{"handler returns APIError", "GET", "/flags/nope", "", 404, "not_found", "Flag not found", ""},
				{"router 404", "GET", "/nowhere", "", 404, "not_found", "", ""},
				{"router 405 with Allow", "DELETE", "/flags/x", "", 405, "method_not_allowed", "", "GET, HEAD, PUT"},
				{"c.Error rendered by Errors", "GET", "/c-error", "", 409, "conflict", "taken", ""},
				{"plain error is a generic 500", "GET", "/plain", "", 500, "internal", "", ""},
				{"panic is a JSON 500", "GET", "/panic", "", 500, "internal", "", ""},
				{"bind error", "POST", "/flags", `{"key":"x","enabled":"yes"}`, 400, "invalid_request", "", ""},
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
					assert.Regexp(t, uuidV4, id)
					assert.Equal(t, id, res.json["requestId"], "body and header agree")
				})
			}
		})
	}
}

// TestHead is the regression test of HEAD on a gin 404 or 405: the same
// headers as GET, the envelope's Content-Type included, and no body
// (RFC 9110 §9.3.2).
func TestHead(t *testing.T) {
	t.Parallel()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			srv := s.serve(t, &records{})
			for _, path := range []string{"/nowhere", "/flags/nope", "/c-error"} {
				get := do(t, "GET", srv.URL+path, nil, "")
				head := do(t, "HEAD", srv.URL+path, nil, "")
				assert.Equal(t, get.status, head.status, path)
				assert.Equal(t, "application/json", get.header.Get("Content-Type"), path)
				assert.Equal(t, get.header.Get("Content-Type"), head.header.Get("Content-Type"), path)
				assert.Equal(t, get.header.Get("Cache-Control"), head.header.Get("Cache-Control"), path)
				assert.Equal(t, get.header.Get("X-Content-Type-Options"), head.header.Get("X-Content-Type-Options"), path)
				assert.Empty(t, head.body, path)
			}
		})
	}
}

// TestBindQuery is the regression test of query binding: a value of the
// wrong type is the client's mistake, a 400 naming the parameter by its
// form name, never a 500 logged at ERROR; failed rules name parameters
// by their form names too.
func TestBindQuery(t *testing.T) {
	t.Parallel()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			tests := []struct {
				name, query   string
				status        int
				code          string
				field         string
				message, lang string
			}{
				{"integer", "limit=abc", 400, "invalid_request", "limit", "must be an integer", ""},
				{"integer, in German", "limit=abc", 400, "invalid_request", "limit", "muss eine ganze Zahl sein", "de"},
				{"unsigned in an embedded struct", "page=-1", 400, "invalid_request", "page", "must be a non-negative integer", ""},
				{"boolean pointer", "active=maybe", 400, "invalid_request", "active", "must be a boolean", ""},
				{"number", "ratio=half", 400, "invalid_request", "ratio", "must be a number", ""},
				{"an element of a slice", "id=1&id=a", 400, "invalid_request", "id", "must be an integer", ""},
				{"out of range is not a wrong type", "small=300", 400, "invalid_request", "small", "is invalid", ""},
				{"a time not in its format", "since=yesterday", 400, "invalid_request", "since", "has an invalid format", ""},
				{"the bad one of several", "limit=5&page=x&cursor=abcdefgh", 400, "invalid_request", "page", "must be a non-negative integer", ""},
				{"rule, by form name", "limit=500", 400, "validation_failed", "limit", "must be at most 100", ""},
				{"rule on a string, by form name", "cursor=abc", 400, "validation_failed", "cursor", "must be exactly 8 characters long", ""},
				{"rule on an element", "tag=ok&tag=n-o", 400, "validation_failed", "tag[1]", "must contain only letters and digits", ""},
			}
			recs := &records{}
			srv := s.serve(t, recs)
			for _, tt := range tests {
				h := http.Header{}
				if tt.lang != "" {
					h.Set("Accept-Language", tt.lang)
				}
				res := do(t, "GET", srv.URL+"/list?"+tt.query, h, "")
				assert.Equal(t, tt.status, res.status, tt.name)
				require.NotNil(t, res.json, "%s: %s", tt.name, res.body)
				assert.Equal(t, tt.code, res.json["code"], tt.name)
				assert.Equal(t, map[string]any{tt.field: tt.message}, res.json["fields"], tt.name)
				assert.NotContains(t, res.body, "strconv", tt.name)
				assert.NotContains(t, res.body, "parsing", tt.name)
				assert.NotContains(t, res.body, "Limit", tt.name)
				if tt.lang != "" {
					assert.Equal(t, tt.lang, res.header.Get("Content-Language"), tt.name)
				}
			}
			for _, l := range recs.levels() {
				assert.Less(t, l, slog.LevelError, "a client's mistake is not logged at ERROR")
			}
			ok := do(t, "GET", srv.URL+"/list?limit=7&tag=a&tag=b&page=2&active=true", nil, "")
			assert.Equal(t, http.StatusOK, ok.status, ok.body)
			assert.JSONEq(t, `{"pageSize":7,"after":"","Tags":["a","b"],"Active":true,"Page":2}`, ok.body)
		})
	}
}

// TestBindQueryLikeDecodeRequest is the regression test of the field
// error of a query value of the wrong type: it is the one
// envelope.DecodeRequest gives a JSON member of that type (code "type",
// the catalog's message for the type, in the client's language), seen
// through the problem format, which shows field codes.
func TestBindQueryLikeDecodeRequest(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: envelope.ProblemFormat(), Localizer: loc})
	require.NoError(t, err)
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	require.NoError(t, err)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	routes(r)
	viaGin := httptest.NewServer(mw(r))
	t.Cleanup(viaGin.Close)
	// The same fields as JSON members, decoded by DecodeRequest.
	type members struct {
		Limit  int     `json:"limit"`
		Page   uint    `json:"page"`
		Active *bool   `json:"active"`
		Ratio  float64 `json:"ratio"`
	}
	viaDecode := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m members
		envelope.Write(w, r, envelope.DecodeRequest(r, &m))
	})))
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
	tests := []struct{ query, body, code, message string }{
		{"limit=abc", `{"limit":"abc"}`, "type", "must be an integer"},
		{"page=-1", `{"page":-1}`, "type", "must be a non-negative integer"},
		{"active=maybe", `{"active":"maybe"}`, "type", "must be a boolean"},
		{"ratio=half", `{"ratio":"half"}`, "type", "must be a number"},
	}
	for _, tt := range tests {
		for _, lang := range []string{"en", "de", "ja"} {
			h := http.Header{"Accept-Language": {lang}}
			got := do(t, "GET", viaGin.URL+"/list?"+tt.query, h, "")
			h.Set("Content-Type", "application/json")
			want := do(t, "POST", viaDecode.URL, h, tt.body)
			assert.Equal(t, envelope.ProblemMediaType, got.header.Get("Content-Type"))
			g, w := decode(got), decode(want)
			require.Len(t, w.Errors, 1, want.body)
			assert.Equal(t, tt.code, w.Errors[0]["code"], "DecodeRequest: %s", want.body)
			if lang == "en" {
				assert.Equal(t, tt.message, w.Errors[0]["detail"], want.body)
			}
			assert.Equal(t, 400, g.Status, tt.query)
			assert.Equal(t, "invalid_request", g.Code, tt.query)
			assert.Equal(t, w.Errors, g.Errors, "%s in %s: DecodeRequest's field error", tt.query, lang)
			assert.Equal(t, lang, got.header.Get("Content-Language"), tt.query)
		}
	}

	// An element of a slice: the element's type, at the parameter.
	res := decode(do(t, "GET", viaGin.URL+"/list?id=7&id=x", nil, ""))
	assert.Equal(t, []map[string]any{{"detail": "must be an integer", "pointer": "#/id", "code": "type"}}, res.Errors)
	// Not a wrong type: a number out of range, a time not in its format.
	res = decode(do(t, "GET", viaGin.URL+"/list?small=300", nil, ""))
	assert.Equal(t, []map[string]any{{"detail": "is invalid", "pointer": "#/small", "code": "invalid"}}, res.Errors)
	res = decode(do(t, "GET", viaGin.URL+"/list?since=2024-13-01", nil, ""))
	assert.Equal(t, []map[string]any{{"detail": "has an invalid format", "pointer": "#/since", "code": "pattern"}}, res.Errors)
}

func TestBindURI(t *testing.T) {
	t.Parallel()
	srv := behindMiddleware(t, &records{})
	res := do(t, "GET", srv.URL+"/items/7e3c0f3c-2b1d-4c55-9d3c-2f0d1b1e0a11/x", nil, "")
	assert.Equal(t, 400, res.status)
	assert.Equal(t, "invalid_request", res.json["code"])
	assert.Equal(t, map[string]any{"n": "must be an integer"}, res.json["fields"])

	res = do(t, "GET", srv.URL+"/items/nope/3", nil, "")
	assert.Equal(t, 400, res.status)
	assert.Equal(t, "validation_failed", res.json["code"])
	assert.Equal(t, map[string]any{"id": "must be a valid UUID"}, res.json["fields"])

	res = do(t, "GET", srv.URL+"/items/7e3c0f3c-2b1d-4c55-9d3c-2f0d1b1e0a11/3", nil, "")
	assert.Equal(t, 200, res.status, res.body)
}

func TestBindJSON(t *testing.T) {
	t.Parallel()
	srv := behindMiddleware(t, &records{})
	tests := []struct {
		name, body, ctype string
		status            int
		code              string
		fields            map[string]any
	}{
		{"wrong type", `{"key":"x","enabled":"yes"}`, "application/json", 400, "invalid_request", map[string]any{"enabled": "must be a boolean"}},
		{"rules by JSON name", `{"key":"much-too-long"}`, "application/json", 400, "validation_failed",
			map[string]any{"key": "must be at most 8 characters long", "enabled": "is required"}},
		{"malformed", `{"key":`, "application/json", 400, "invalid_request", nil},
		{"empty", ``, "application/json", 400, "invalid_request", nil},
		{"not JSON", `key=x`, "application/x-www-form-urlencoded", 415, "unsupported_media_type", nil},
		{"unknown members are gin's default: accepted", `{"key":"k","enabled":true,"extra":1}`, "application/json", 201, "", nil},
	}
	for _, tt := range tests {
		res := do(t, "POST", srv.URL+"/flags", http.Header{"Content-Type": {tt.ctype}}, tt.body)
		assert.Equal(t, tt.status, res.status, tt.name)
		if tt.code == "" {
			continue
		}
		assert.Equal(t, tt.code, res.json["code"], tt.name)
		if tt.fields != nil {
			assert.Equal(t, tt.fields, res.json["fields"], tt.name)
		}
		assert.NotContains(t, res.body, "json:", tt.name)
		assert.NotContains(t, res.body, "main.", tt.name)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()

	t.Run("a safe incoming ID is accepted, as the middleware accepts it", func(t *testing.T) {
		t.Parallel()
		for _, s := range setups {
			srv := s.serve(t, &records{})
			res := do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-chosen.7"}}, "")
			assert.Equal(t, "client-chosen.7", res.header.Get("X-Request-Id"), s.name)
			assert.Equal(t, "client-chosen.7", res.json["requestId"], s.name)
			assert.Equal(t, "client-chosen.7", res.json["seen"], s.name)
		}
	})

	t.Run("an unsafe incoming ID is replaced by a UUIDv4", func(t *testing.T) {
		t.Parallel()
		for _, s := range setups {
			srv := s.serve(t, &records{})
			for _, bad := range []string{`<script>"x"`, strings.Repeat("a", 129), "a b"} {
				require.False(t, envelope.ValidRequestID(bad))
				res := do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {bad}}, "")
				id := res.header.Get("X-Request-Id")
				assert.Regexp(t, uuidV4, id, s.name)
				assert.Equal(t, id, res.json["requestId"], s.name)
				assert.NotContains(t, res.body, "script")
			}
		}
	})

	t.Run("one ID for gin, envelope and the client", func(t *testing.T) {
		t.Parallel()
		srv := inGin(t, &records{})
		res := do(t, "GET", srv.URL+"/id", nil, "")
		id := res.header.Get("X-Request-Id")
		assert.Regexp(t, uuidV4, id)
		assert.Equal(t, id, res.json["requestId"])
		assert.Equal(t, id, res.json["seen"])
		assert.Equal(t, id, res.json["gin"])
	})

	t.Run("an earlier middleware's header ID is shared", func(t *testing.T) {
		t.Parallel()
		srv := inGin(t, &records{}, func(c *gin.Context) { c.Header("X-Request-Id", "upstream-7") })
		res := do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-1"}}, "")
		assert.Equal(t, "upstream-7", res.header.Get("X-Request-Id"))
		assert.Equal(t, "upstream-7", res.json["requestId"])
		assert.Equal(t, "upstream-7", res.json["seen"])
	})

	t.Run("the context's ID wins", func(t *testing.T) {
		t.Parallel()
		srv := inGin(t, &records{}, func(c *gin.Context) {
			c.Request = c.Request.WithContext(envelope.ContextWithRequestID(c.Request.Context(), "ours-1"))
		})
		res := do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-1"}}, "")
		assert.Equal(t, "ours-1", res.header.Get("X-Request-Id"))
		assert.Equal(t, "ours-1", res.json["seen"])
	})

	t.Run("options: the writer's header, an explicit one, IgnoreIncoming", func(t *testing.T) {
		t.Parallel()
		gin.SetMode(gin.ReleaseMode)
		// serve uses a writer whose format carries IDs in formatHeader.
		serve := func(formatHeader string, opts envelopegin.RequestIDOptions) *httptest.Server {
			f := envelope.FlatFormat()
			f.RequestIDHeader = formatHeader
			ew, err := envelope.NewWriter(envelope.WriterOptions{Format: f})
			require.NoError(t, err)
			r := gin.New()
			r.Use(envelopegin.WithWriter(ew), envelopegin.RequestID(opts))
			routes(r)
			srv := httptest.NewServer(r)
			t.Cleanup(srv.Close)
			return srv
		}
		// No Header: the writer's, read and sent.
		srv := serve("x-correlation-id", envelopegin.RequestIDOptions{})
		res := do(t, "GET", srv.URL+"/id", http.Header{"X-Correlation-Id": {"corr-9"}, "X-Request-Id": {"other"}}, "")
		assert.Equal(t, "corr-9", res.header.Get("X-Correlation-Id"))
		assert.Equal(t, "corr-9", res.json["seen"])
		assert.Equal(t, "corr-9", res.json["requestId"])
		assert.Empty(t, res.header.Get("X-Request-Id"))
		res = do(t, "GET", srv.URL+"/flags/dark-mode", nil, "")
		assert.Equal(t, http.StatusOK, res.status)
		assert.Regexp(t, uuidV4, res.header.Get("X-Correlation-Id"), "a success carries the ID in the writer's header too")

		// A format that sends no header: IDs for the body only.
		srv = serve("-", envelopegin.RequestIDOptions{})
		res = do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-1"}}, "")
		assert.Empty(t, res.header.Get("X-Request-Id"))
		assert.Regexp(t, uuidV4, res.json["seen"], "no header is read either")
		assert.Equal(t, res.json["seen"], res.json["requestId"])

		// An explicit Header wins over the writer's.
		srv = serve("X-Correlation-Id", envelopegin.RequestIDOptions{Header: "x-trace-id"})
		res = do(t, "GET", srv.URL+"/id", http.Header{"X-Trace-Id": {"trace-3"}, "X-Correlation-Id": {"corr-9"}}, "")
		assert.Equal(t, "trace-3", res.header.Get("X-Trace-Id"))
		assert.Equal(t, "trace-3", res.json["seen"])
		assert.Equal(t, "trace-3", res.json["requestId"])

		srv = serve("", envelopegin.RequestIDOptions{IgnoreIncoming: true})
		res = do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-1"}}, "")
		assert.Regexp(t, uuidV4, res.header.Get("X-Request-Id"))
		assert.Equal(t, res.header.Get("X-Request-Id"), res.json["seen"])

		// "-": RequestID reads and sends none, whatever the writer's; the
		// writer still sends its own header on the errors it renders.
		srv = serve("", envelopegin.RequestIDOptions{Header: "-"})
		res = do(t, "GET", srv.URL+"/id", http.Header{"X-Request-Id": {"client-1"}}, "")
		assert.Regexp(t, uuidV4, res.json["seen"])
		assert.Equal(t, res.json["seen"], res.header.Get("X-Request-Id"))
		res = do(t, "GET", srv.URL+"/flags/dark-mode", http.Header{"X-Request-Id": {"client-1"}}, "")
		assert.Equal(t, http.StatusOK, res.status)
		assert.Empty(t, res.header.Get("X-Request-Id"))
	})

	t.Run("without WithWriter: X-Request-Id, the default writer's", func(t *testing.T) {
		t.Parallel()
		gin.SetMode(gin.ReleaseMode)
		r := gin.New()
		r.Use(envelopegin.RequestID(envelopegin.RequestIDOptions{}))
		r.GET("/ok", func(c *gin.Context) { c.String(http.StatusOK, envelope.RequestIDFrom(c.Request.Context())) })
		srv := httptest.NewServer(r)
		t.Cleanup(srv.Close)
		res := do(t, "GET", srv.URL+"/ok", http.Header{"X-Request-Id": {"client-2"}}, "")
		assert.Equal(t, "client-2", res.header.Get("X-Request-Id"))
		assert.Equal(t, "client-2", res.body)
	})
}

func TestCommittedAndWriter(t *testing.T) {
	t.Parallel()
	ew, err := envelope.NewWriter(envelope.WriterOptions{Format: envelope.NestedFormat()})
	require.NoError(t, err)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(envelopegin.WithWriter(ew), envelopegin.RecoveryWithWriter(nil))
	r.NoRoute(envelopegin.NoRoute)
	routes(r)
	r.GET("/late-panic", func(c *gin.Context) {
		c.String(http.StatusOK, "partial")
		c.Writer.Flush()
		panic(secret)
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	res := do(t, "GET", srv.URL+"/committed", nil, "")
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "partial", res.body, "nothing is written after the response started")

	res = do(t, "GET", srv.URL+"/nowhere", nil, "")
	require.Contains(t, res.json, "error", "NoRoute uses the writer from the context: %s", res.body)
	assert.Equal(t, "not_found", res.json["error"].(map[string]any)["code"])

	// A panic after the response started aborts it: the client sees a
	// cut-short response, not a complete 200.
	late, err := http.Get(srv.URL + "/late-panic")
	require.NoError(t, err)
	defer late.Body.Close()
	assert.Equal(t, http.StatusOK, late.StatusCode)
	_, err = io.ReadAll(late.Body)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the chunked body has no end")
}

func TestLocalizedNotFound(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{Languages: []language.Tag{language.French}})
	require.NoError(t, err)
	ew, err := envelope.NewWriter(envelope.WriterOptions{Localizer: loc})
	require.NoError(t, err)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	routes(r)
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	require.NoError(t, err)
	srv := httptest.NewServer(mw(r))
	t.Cleanup(srv.Close)
	res := do(t, "GET", srv.URL+"/nowhere", http.Header{"Accept-Language": {"fr"}}, "")
	assert.Equal(t, "fr", res.header.Get("Content-Language"))
	assert.Equal(t, "La ressource demandée est introuvable.", res.json["message"])
}

func TestConstructionPanics(t *testing.T) {
	t.Parallel()
	assert.Panics(t, func() { envelopegin.Handler(nil) })
	assert.Panics(t, func() { envelopegin.WithWriter(nil) })
}
