package envelopehuma

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type item struct {
	SKU string `json:"sku" minLength:"3"`
	Qty int    `json:"qty" minimum:"1"`
}

type createOrder struct {
	Body struct {
		Email string `json:"email" format:"email"`
		Items []item `json:"items" minItems:"1"`
	}
}

type getOrder struct {
	ID    string `path:"id"`
	Limit int    `query:"limit" maximum:"10"`
}

type orderOutput struct {
	Body struct {
		ID string `json:"id"`
	}
}

// newServer serves a huma API behind the envelope middleware, with errors
// rendered by an adapter built from opts.
func newServer(t *testing.T, opts Options) *httptest.Server {
	t.Helper()
	return newServerWith(t, opts, nil)
}

// newServerWith is newServer with more operations registered by more.
func newServerWith(t *testing.T, opts Options, more func(huma.API)) *httptest.Server {
	t.Helper()
	a, err := New(opts)
	require.NoError(t, err)
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("Orders", "1.0.0")
	a.Configure(&cfg)
	api := humago.New(mux, cfg)
	huma.Post(api, "/orders", func(ctx context.Context, in *createOrder) (*orderOutput, error) {
		if in.Body.Email == "taken@example.com" {
			return nil, huma.Error409Conflict("Email already in use.", &huma.ErrorDetail{Location: "body.email", Message: "is taken", Value: in.Body.Email})
		}
		return &orderOutput{}, nil
	})
	huma.Get(api, "/orders/{id}", func(ctx context.Context, in *getOrder) (*orderOutput, error) {
		switch in.ID {
		case "gone":
			return nil, envelope.NotFound("Order not found.")
		case "boom":
			return nil, errors.New("db: connection refused to 10.0.0.7") // never on the wire
		case "wrapped":
			return nil, huma.Error403Forbidden("Not your order.", errors.New("owner mismatch: user 42"))
		}
		out := &orderOutput{}
		out.Body.ID = in.ID
		return out, nil
	})
	if more != nil {
		more(api)
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: a.Writer()})
	require.NoError(t, err)
	srv := httptest.NewServer(mw(mux))
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, srv *httptest.Server, method, path, body string, hdr ...string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("X-Request-Id", "req-7")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return resp, string(b)
}

var quiet = slog.New(slog.DiscardHandler)

// newWriter returns the writer of opts.
func newWriter(t testing.TB, opts envelope.WriterOptions) *envelope.Writer {
	t.Helper()
	ew, err := envelope.NewWriter(opts)
	require.NoError(t, err)
	return ew
}

const badOrder = `{"items":[{"sku":"ab","qty":1},{"sku":"abc","qty":0}]}`

// TestWire drives real huma APIs through real servers: huma's own
// validation error and errors returned by handlers, byte for byte, in
// three formats. huma's JSON encoder ends every body with a newline.
func TestWire(t *testing.T) {
	t.Parallel()
	flat, nested, problem := envelope.FlatFormat(), envelope.NestedFormat(), envelope.ProblemFormat()
	tests := []struct {
		name        string
		format      envelope.Format
		method      string
		path, body  string
		status      int
		contentType string
		want        string
	}{
		{"flat validation", flat, "POST", "/orders", badOrder, 400, "application/json",
			`{"code":"validation_failed","message":"One or more fields are invalid.","fields":{"email":"is required","items[0].sku":"must be at least 3 characters long","items[1].qty":"must be at least 1"},"requestId":"req-7"}`},
		{"nested validation", nested, "POST", "/orders", badOrder, 422, "application/json",
			`{"error":{"code":"validation_error","message":"One or more fields are invalid.","details":{"email":["is required"],"items[0].sku":["must be at least 3 characters long"],"items[1].qty":["must be at least 1"]},"request_id":"req-7"}}`},
		{"problem validation", problem, "POST", "/orders", badOrder, 400, "application/problem+json",
			`{"type":"about:blank","title":"Bad Request","status":400,"detail":"One or more fields are invalid.","instance":"/orders","code":"validation_failed","errors":[{"detail":"is required","pointer":"#/email","code":"required"},{"detail":"must be at least 3 characters long","pointer":"#/items/0/sku","code":"min_length"},{"detail":"must be at least 1","pointer":"#/items/1/qty","code":"min"}],"requestId":"req-7"}`},
		{"flat APIError", flat, "GET", "/orders/gone", "", 404, "application/json",
			`{"code":"not_found","message":"Order not found.","requestId":"req-7"}`},
		{"nested APIError", nested, "GET", "/orders/gone", "", 404, "application/json",
			`{"error":{"code":"not_found","message":"Order not found.","details":null,"request_id":"req-7"}}`},
		{"problem APIError", problem, "GET", "/orders/gone", "", 404, "application/problem+json",
			`{"type":"about:blank","title":"Not Found","status":404,"detail":"Order not found.","instance":"/orders/gone","code":"not_found","requestId":"req-7"}`},
		{"flat huma helper", flat, "POST", "/orders", `{"email":"taken@example.com","items":[{"sku":"abc","qty":1}]}`, 409, "application/json",
			`{"code":"conflict","message":"Email already in use.","fields":{"email":"is taken"},"requestId":"req-7"}`},
		{"problem huma helper", problem, "GET", "/orders/wrapped", "", 403, "application/problem+json",
			`{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not your order.","instance":"/orders/wrapped","code":"forbidden","requestId":"req-7"}`},
		{"flat unexpected error", flat, "GET", "/orders/boom", "", 500, "application/json",
			`{"code":"internal","message":"An internal error occurred.","requestId":"req-7"}`},
		{"nested malformed body", nested, "POST", "/orders", `{"items":`, 400, "application/json",
			`{"error":{"code":"invalid_request","message":"unexpected end of JSON input","details":null,"request_id":"req-7"}}`},
		{"flat body not an object", flat, "POST", "/orders", `[]`, 422, "application/json",
			`{"code":"unprocessable_entity","message":"expected object","requestId":"req-7"}`},
		{"nested parameter", nested, "GET", "/orders/x?limit=11", "", 422, "application/json",
			`{"error":{"code":"validation_error","message":"One or more fields are invalid.","details":{"query.limit":["must be at most 10"]},"request_id":"req-7"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, Options{Writer: newWriter(t, envelope.WriterOptions{Format: tt.format, Logger: quiet})})
			resp, body := do(t, srv, tt.method, tt.path, tt.body)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.want+"\n", body)
			assert.Equal(t, tt.contentType, resp.Header.Get("Content-Type"))
			assert.Equal(t, "req-7", resp.Header.Get("X-Request-Id"))
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			assert.NotContains(t, body, "10.0.0.7")
			assert.NotContains(t, body, "user 42")
		})
	}
}

func TestFieldPath(t *testing.T) {
	t.Parallel()
	tests := []struct{ loc, want string }{
		{"body.items[2].sku", "items[2].sku"},
		{"body.email", "email"},
		{"body", ""},
		{"", ""},
		{"query.limit", "query.limit"},
		{"path.id", "path.id"},
		{"header.If-Match", "header.If-Match"},
		{"bodyguard", "bodyguard"},
	}
	for _, tt := range tests {
		t.Run(tt.loc, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, FieldPath(tt.loc))
		})
	}
}

// TestNegotiation: with alternates, huma errors follow the client's Accept
// like any envelope error, and say so in Vary.
func TestNegotiation(t *testing.T) {
	t.Parallel()
	nested := envelope.NestedFormat()
	srv := newServer(t, Options{Writer: newWriter(t, envelope.WriterOptions{Format: nested, Alternates: []envelope.Format{envelope.ProblemFormat()}, Logger: quiet})})
	tests := []struct {
		accept, contentType string
		status              int
		prefix              string
	}{
		{"application/json", "application/json", 422, `{"error":{"code":"validation_error"`},
		{"application/problem+json", "application/problem+json", 400, `{"type":"about:blank","title":"Bad Request","status":400,`},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			t.Parallel()
			resp, body := do(t, srv, "POST", "/orders", badOrder, "Accept", tt.accept)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.contentType, resp.Header.Get("Content-Type"))
			assert.True(t, strings.HasPrefix(body, tt.prefix), body)
			assert.Contains(t, resp.Header.Values("Vary"), "Accept")
		})
	}
}

// TestHeaders: the headers an error carries (rate-limit state, its own
// headers) reach the client through huma.
func TestHeaders(t *testing.T) {
	t.Parallel()
	a, err := New(Options{Writer: newWriter(t, envelope.WriterOptions{Logger: quiet})})
	require.NoError(t, err)
	cfg := huma.DefaultConfig("Limits", "1.0.0")
	a.Configure(&cfg)
	mux := http.NewServeMux()
	api := humago.New(mux, cfg)
	type in struct{}
	huma.Get(api, "/limited", func(ctx context.Context, _ *in) (*orderOutput, error) {
		return nil, envelope.RateLimited("").WithRateLimit(envelope.Bucket{Policy: "per-key", Limit: 10, Window: time.Minute, Denied: true, Reset: time.Now().Add(90 * time.Second)})
	})
	huma.Get(api, "/moved", func(ctx context.Context, _ *in) (*orderOutput, error) {
		return nil, envelope.Conflict("Stale.").WithHeader("ETag", `"v2"`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	resp, body := do(t, srv, "GET", "/limited", "")
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, `{"code":"rate_limited","message":"Too many requests. Try again later."}`+"\n", body, "no middleware in front: no request ID")
	retry, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	require.NoError(t, err)
	assert.InDelta(t, 90, retry, 1)
	assert.Equal(t, "10", resp.Header.Get("X-RateLimit-Limit"))
	assert.Equal(t, `"per-key";q=10;w=60`, resp.Header.Get("RateLimit-Policy"))

	resp, _ = do(t, srv, "GET", "/moved", "")
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Equal(t, `"v2"`, resp.Header.Get("ETag"))
}

var errShared = huma.Error404NotFound("Nothing here.") // built before any adapter is configured

// TestSharedPendingError: an error built once by huma.NewError and returned
// by concurrent requests is rendered per request, never modified.
func TestSharedPendingError(t *testing.T) {
	t.Parallel()
	flat := envelope.FlatFormat()
	srv := newServerWith(t, Options{Writer: newWriter(t, envelope.WriterOptions{Format: flat, Logger: quiet})}, func(api huma.API) {
		huma.Get(api, "/shared/{id}", func(ctx context.Context, in *getOrder) (*orderOutput, error) {
			return nil, huma.Error404NotFound("Nothing here.")
		})
	})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", srv.URL+"/shared/x", nil)
			id := "req-" + strconv.Itoa(i)
			req.Header.Set("X-Request-Id", id)
			resp, err := srv.Client().Do(req)
			if !assert.NoError(t, err) {
				return
			}
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			assert.Equal(t, http.StatusNotFound, resp.StatusCode)
			assert.Equal(t, `{"code":"not_found","message":"Nothing here.","requestId":"`+id+`"}`+"\n", string(b))
		}()
	}
	wg.Wait()
	// The package-level error built before Configure is huma's own model
	// and stays so: only errors built after Configure are envelopes.
	_, isOurs := errShared.(*Error)
	assert.False(t, isOurs)
}

// TestOpenAPI: the generated document describes error responses with each
// format's own JSON Schema (Format.Schema), under the format's media type,
// not huma's ErrorModel.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	nested := envelope.NestedFormat()
	srv := newServer(t, Options{Writer: newWriter(t, envelope.WriterOptions{Format: nested, Alternates: []envelope.Format{envelope.ProblemFormat()}, Logger: quiet})})
	resp, body := do(t, srv, "GET", "/openapi.json", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema json.RawMessage `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	for _, op := range []struct{ path, method string }{{"/orders", "post"}, {"/orders/{id}", "get"}} {
		resps := doc.Paths[op.path][op.method].Responses
		require.Contains(t, resps, "default", op.path)
		content := resps["default"].Content
		assert.Len(t, content, 2)
		for mt, f := range map[string]envelope.Format{"application/json": nested, envelope.ProblemMediaType: envelope.ProblemFormat()} {
			want, err := f.Schema()
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(content[mt].Schema), "%s %s: the format's own schema", op.path, mt)
		}
	}
	assert.NotContains(t, doc.Components.Schemas, "ErrorModel")
	assert.NotContains(t, body, "ErrorDetail")
}

// TestLocalized: with a Localizer, huma's validation errors take the
// code's message in the client's language, as any envelope error does.
func TestLocalized(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	srv := newServer(t, Options{Writer: newWriter(t, envelope.WriterOptions{Localizer: loc, Logger: quiet})})
	var msgs []string
	for _, lang := range []string{"en", "de"} {
		resp, body := do(t, srv, "POST", "/orders", badOrder, "Accept-Language", lang)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Equal(t, lang, resp.Header.Get("Content-Language"))
		assert.Contains(t, resp.Header.Values("Vary"), "Accept-Language")
		var got struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		assert.Equal(t, "validation_failed", got.Code)
		assert.Len(t, got.Fields, 3)
		msgs = append(msgs, got.Message)
	}
	assert.Equal(t, "One or more fields are invalid.", msgs[0])
	assert.NotEqual(t, msgs[0], msgs[1], "the German message differs")
}

type labelled struct {
	Body struct {
		Counts map[string]int  `json:"counts,omitempty"`
		Groups map[string]item `json:"groups,omitempty"`
		Items  []item          `json:"items,omitempty"`
	}
}

// TestMapKeyPaths is the regression test of map keys: huma joins a key to
// its map with a dot, as it joins properties, and the adapter names it in
// brackets as the validator adapter does (labels[a.b], one path syntax
// everywhere), telling keys from properties by the body schema.
func TestMapKeyPaths(t *testing.T) {
	t.Parallel()
	srv := newServerWith(t, Options{Writer: newWriter(t, envelope.WriterOptions{Logger: quiet})}, func(api huma.API) {
		huma.Put(api, "/labels", func(ctx context.Context, in *labelled) (*orderOutput, error) {
			return &orderOutput{}, nil
		})
	})
	tests := []struct{ body, field, message string }{
		{`{"counts":{"a.b":"one"}}`, "counts[a.b]", "must be an integer"},
		{`{"counts":{"env":"one"}}`, "counts[env]", "must be an integer"},
		{`{"counts":{"x[1]":"one"}}`, "counts[x[1]]", "must be an integer"},
		{`{"groups":{"a.b":{"sku":"x","qty":1}}}`, "groups[a.b].sku", "must be at least 3 characters long"},
		{`{"groups":{"sku":{"sku":"x","qty":1}}}`, "groups[sku].sku", "must be at least 3 characters long"},
		{`{"items":[{"sku":"abc","qty":1},{"sku":"x","qty":1}]}`, "items[1].sku", "must be at least 3 characters long"},
	}
	for _, tt := range tests {
		resp, body := do(t, srv, "PUT", "/labels", tt.body)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
		var got struct {
			Fields map[string]string `json:"fields"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &got), body)
		assert.Equal(t, map[string]string{tt.field: tt.message}, got.Fields, tt.body)
	}

	// In the problem format, a bracketed key is one JSON Pointer token.
	srv = newServerWith(t, Options{Writer: newWriter(t, envelope.WriterOptions{Format: envelope.ProblemFormat(), Logger: quiet})}, func(api huma.API) {
		huma.Put(api, "/labels", func(ctx context.Context, in *labelled) (*orderOutput, error) {
			return &orderOutput{}, nil
		})
	})
	_, body := do(t, srv, "PUT", "/labels", `{"counts":{"a.b":"one"}}`)
	assert.Contains(t, body, `"pointer":"#/counts/a.b"`)
}

func TestMapKeyWalk(t *testing.T) {
	t.Parallel()
	str := &huma.Schema{Type: huma.TypeString}
	obj := &huma.Schema{Type: huma.TypeObject, Properties: map[string]*huma.Schema{"x": str}}
	root := &huma.Schema{Type: huma.TypeObject, Properties: map[string]*huma.Schema{
		"labels": {Type: huma.TypeObject, AdditionalProperties: str},
		"nested": {Type: huma.TypeObject, AdditionalProperties: obj},
		"any":    {Type: huma.TypeObject, AdditionalProperties: true},
		"list":   {Type: huma.TypeArray, Items: obj},
	}}
	tests := []struct {
		loc, want string
		ok        bool
	}{
		{"labels.a", "labels[a]", true},
		{"labels.a.b.c", "labels[a.b.c]", true},
		{"nested.a.b.x", "nested[a.b].x", true},
		{"nested.a.x.x", "nested[a.x].x", true}, // the shortest key that leaves a location
		{"nested.a.y", "nested[a.y]", true},     // the key's value itself
		{"any.k.l", "any[k.l]", true},
		{"list[3].x", "list[3].x", true},
		{"unknown.a", "", false},
		{"labels", "labels", true},
	}
	for _, tt := range tests {
		var b strings.Builder
		ok := walk(nil, root, tt.loc, true, &b)
		assert.Equal(t, tt.ok, ok, tt.loc)
		if tt.ok {
			assert.Equal(t, tt.want, b.String(), tt.loc)
		}
	}
	// A hostile location costs little: the splits are bounded.
	var b strings.Builder
	assert.False(t, walk(nil, root, "nested."+strings.Repeat("a.", 10000)+"y", true, &b))
}

// TestLocalizedFieldMessages is the regression test of huma's validation
// messages: they are the catalog's field messages, localized through the
// writer's Localizer with Content-Language, in the client's language.
func TestLocalizedFieldMessages(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	srv := newServer(t, Options{Writer: newWriter(t, envelope.WriterOptions{Localizer: loc, Logger: quiet})})
	tests := []struct {
		lang   string
		fields map[string]string
	}{
		{"de", map[string]string{"email": "ist erforderlich", "items[0].sku": "muss mindestens 3 Zeichen lang sein", "items[1].qty": "muss mindestens 1 sein"}},
		{"fr", map[string]string{"email": "est obligatoire", "items[0].sku": "doit contenir au moins 3 caractères", "items[1].qty": "doit être supérieur ou égal à 1"}},
		{"en", map[string]string{"email": "is required", "items[0].sku": "must be at least 3 characters long", "items[1].qty": "must be at least 1"}},
	}
	for _, tt := range tests {
		resp, body := do(t, srv, "POST", "/orders", badOrder, "Accept-Language", tt.lang)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Equal(t, tt.lang, resp.Header.Get("Content-Language"))
		var got struct {
			Fields map[string]string `json:"fields"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		assert.Equal(t, tt.fields, got.Fields, tt.lang)
	}

	// A format error huma words with Go's own parser text is the catalog's
	// email message: nothing of net/mail on the wire.
	resp, body := do(t, srv, "POST", "/orders", `{"email":"nope","items":[{"sku":"abc","qty":1}]}`, "Accept-Language", "es")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, `"email":"debe ser una dirección de correo electrónico válida"`)
	assert.NotContains(t, body, "mail:")
}

// TestSchema: the huma schema of each preset marshals to the format's own
// JSON Schema.
func TestSchema(t *testing.T) {
	t.Parallel()
	for _, f := range envelope.Presets() {
		s, err := Schema(f)
		require.NoError(t, err, f.Name)
		got, err := json.Marshal(s)
		require.NoError(t, err)
		want, err := f.Schema()
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got), f.Name)
	}
	_, err := Schema(envelope.Format{Name: "broken", Body: `{"code": "{{nope}}"}`})
	assert.Error(t, err)
	_, err = New(Options{Writer: newWriter(t, envelope.WriterOptions{Format: envelope.Format{Name: "xml", MediaType: "application/xml", Body: envelope.FlatFormat().Body}})})
	assert.ErrorContains(t, err, "not JSON")
	_, err = New(Options{Writer: newWriter(t, envelope.WriterOptions{Alternates: []envelope.Format{{Name: "xml", MediaType: "application/xml", Body: envelope.FlatFormat().Body}}})})
	assert.ErrorContains(t, err, "not JSON", "alternates are checked too")
}

// TestNilWriter: without a Writer, the adapter renders with one of the
// zero options, in the flat format, and documents that.
func TestNilWriter(t *testing.T) {
	t.Parallel()
	a, err := New(Options{})
	require.NoError(t, err)
	require.NotNil(t, a.Writer())
	fs := a.Writer().Formats()
	require.Len(t, fs, 1)
	assert.Equal(t, "flat", fs[0].Name)
	srv := newServer(t, Options{}) // the middleware takes the adapter's Writer
	resp, body := do(t, srv, "GET", "/orders/gone", "")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, `{"code":"not_found","message":"Order not found.","requestId":"req-7"}`+"\n", body)
}

type typedBody struct {
	Body struct {
		Count int               `json:"count,omitempty"`
		Ratio float64           `json:"ratio,omitempty"`
		Flag  bool              `json:"flag,omitempty"`
		Name  string            `json:"name,omitempty"`
		Tags  []string          `json:"tags,omitempty"`
		Meta  map[string]string `json:"meta,omitempty"`
	}
}

type typedParams struct {
	Limit int       `query:"limit"`
	Count int       `query:"count" minimum:"1"`
	Page  uint64    `query:"page"`
	Size  uint      `query:"size"`
	Ratio float64   `query:"ratio"`
	Flag  bool      `query:"flag"`
	IDs   []int     `query:"ids"`
	Since time.Time `query:"since"`
	ID    int       `path:"id"`
}

// TestWrongTypeLikeDecodeRequest is the regression test of a value of the
// wrong type, in the body or a parameter: its field error is the one
// envelope.DecodeRequest gives a JSON member of that type (code "type",
// the catalog's message for the type, in the client's language), seen
// through the problem format, which shows field codes. A value that is
// not a type mismatch (a number out of range, a time not in its format)
// keeps a code of its own.
func TestWrongTypeLikeDecodeRequest(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	ew := newWriter(t, envelope.WriterOptions{Format: envelope.ProblemFormat(), Localizer: loc, Logger: quiet})
	srv := newServerWith(t, Options{Writer: ew}, func(api huma.API) {
		huma.Put(api, "/typed", func(ctx context.Context, in *typedBody) (*orderOutput, error) {
			return &orderOutput{}, nil
		})
		huma.Get(api, "/typed/{id}", func(ctx context.Context, in *typedParams) (*orderOutput, error) {
			return &orderOutput{}, nil
		})
	})
	viaDecode := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in typedBody
		ew.Write(w, r, envelope.DecodeRequest(r, &in.Body))
	}))
	t.Cleanup(viaDecode.Close)
	type problem struct {
		Status int              `json:"status"`
		Code   string           `json:"code"`
		Errors []map[string]any `json:"errors"`
	}
	decode := func(body string) problem {
		t.Helper()
		var p problem
		require.NoError(t, json.Unmarshal([]byte(body), &p), body)
		return p
	}

	for _, body := range []string{`{"count":"two"}`, `{"count":1.5}`, `{"ratio":"half"}`, `{"flag":1}`, `{"name":5}`, `{"tags":"x"}`, `{"meta":[]}`} {
		for _, lang := range []string{"en", "de", "es"} {
			_, got := do(t, srv, "PUT", "/typed", body, "Accept-Language", lang)
			_, want := do(t, viaDecode, "PUT", "/", body, "Accept-Language", lang)
			g, w := decode(got), decode(want)
			require.Len(t, w.Errors, 1, want)
			assert.Equal(t, "type", w.Errors[0]["code"], "DecodeRequest: %s", want)
			assert.Equal(t, 400, g.Status, body)
			assert.Equal(t, "validation_failed", g.Code, body)
			assert.Equal(t, w.Errors, g.Errors, "%s in %s: DecodeRequest's field error", body, lang)
		}
	}

	// Parameters: named by their location, with the field error of a JSON
	// member of the parameter's type.
	tests := []struct {
		path, pointer, code, detail string
	}{
		{"/typed/1?limit=abc", "#/query/limit", "type", "must be an integer"},
		{"/typed/abc", "#/path/id", "type", "must be an integer"},
		{"/typed/1?count=abc", "#/query/count", "type", "must be an integer"},
		{"/typed/1?page=x", "#/query/page", "type", "must be an integer"},
		{"/typed/1?page=-1", "#/query/page", "type", "must be a non-negative integer"},
		{"/typed/1?size=-1", "#/query/size", "type", "must be a non-negative integer"},
		{"/typed/1?ratio=half", "#/query/ratio", "type", "must be a number"},
		{"/typed/1?flag=maybe", "#/query/flag", "type", "must be a boolean"},
		{"/typed/1?ids=1,a", "#/query/ids", "type", "must be an integer"},
		{"/typed/1?limit=99999999999999999999", "#/query/limit", "invalid", "is invalid"},
		{"/typed/1?ratio=1e999", "#/query/ratio", "invalid", "is invalid"},
		{"/typed/1?since=yesterday", "#/query/since", "pattern", "has an invalid format"},
	}
	for _, tt := range tests {
		resp, body := do(t, srv, "GET", tt.path, "")
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s: %s", tt.path, body)
		p := decode(body)
		assert.Equal(t, "validation_failed", p.Code, tt.path)
		assert.Equal(t, []map[string]any{{"detail": tt.detail, "pointer": tt.pointer, "code": tt.code}}, p.Errors, tt.path)
		assert.NotContains(t, body, "invalid integer", tt.path)
		assert.NotContains(t, body, "2006", tt.path)
	}
	resp, body := do(t, srv, "GET", "/typed/1?limit=abc", "", "Accept-Language", "de")
	assert.Equal(t, "de", resp.Header.Get("Content-Language"))
	assert.Equal(t, "muss eine ganze Zahl sein", decode(body).Errors[0]["detail"])
}
