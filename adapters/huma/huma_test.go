package envelopehuma

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
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
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{ErrorWriter: a.ErrorWriter()})
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

const badOrder = `{"items":[{"sku":"ab","qty":1},{"sku":"abc","qty":0}]}`

// TestWire drives real huma APIs through real servers: huma's own
// validation error and errors returned by handlers, byte for byte, in
// three formats. huma's JSON encoder ends every body with a newline.
func TestWire(t *testing.T) {
	t.Parallel()
	flat, nested, problem := envelope.FlatFormat(), envelope.NestedFormat(), envelope.ProblemFormat()
	tests := []struct {
		name        string
		format      *envelope.Format
		method      string
		path, body  string
		status      int
		contentType string
		want        string
	}{
		{"flat validation", &flat, "POST", "/orders", badOrder, 400, "application/json",
			`{"code":"validation_failed","message":"One or more fields are invalid.","fields":{"email":"expected required property email to be present","items[0].sku":"expected length \u003e= 3","items[1].qty":"expected number \u003e= 1"},"requestId":"req-7"}`},
		{"nested validation", &nested, "POST", "/orders", badOrder, 422, "application/json",
			`{"error":{"code":"validation_error","message":"One or more fields are invalid.","details":{"email":["expected required property email to be present"],"items[0].sku":["expected length \u003e= 3"],"items[1].qty":["expected number \u003e= 1"]},"request_id":"req-7"}}`},
		{"problem validation", &problem, "POST", "/orders", badOrder, 400, "application/problem+json",
			`{"type":"about:blank","title":"Bad Request","status":400,"detail":"One or more fields are invalid.","instance":"/orders","code":"validation_failed","errors":[{"detail":"expected required property email to be present","pointer":"#/email"},{"detail":"expected length \u003e= 3","pointer":"#/items/0/sku"},{"detail":"expected number \u003e= 1","pointer":"#/items/1/qty"}],"requestId":"req-7"}`},
		{"flat APIError", &flat, "GET", "/orders/gone", "", 404, "application/json",
			`{"code":"not_found","message":"Order not found.","requestId":"req-7"}`},
		{"nested APIError", &nested, "GET", "/orders/gone", "", 404, "application/json",
			`{"error":{"code":"not_found","message":"Order not found.","details":null,"request_id":"req-7"}}`},
		{"problem APIError", &problem, "GET", "/orders/gone", "", 404, "application/problem+json",
			`{"type":"about:blank","title":"Not Found","status":404,"detail":"Order not found.","instance":"/orders/gone","code":"not_found","requestId":"req-7"}`},
		{"flat huma helper", &flat, "POST", "/orders", `{"email":"taken@example.com","items":[{"sku":"abc","qty":1}]}`, 409, "application/json",
			`{"code":"conflict","message":"Email already in use.","fields":{"email":"is taken"},"requestId":"req-7"}`},
		{"problem huma helper", &problem, "GET", "/orders/wrapped", "", 403, "application/problem+json",
			`{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not your order.","instance":"/orders/wrapped","code":"forbidden","requestId":"req-7"}`},
		{"flat unexpected error", &flat, "GET", "/orders/boom", "", 500, "application/json",
			`{"code":"internal","message":"An internal error occurred.","requestId":"req-7"}`},
		{"nested malformed body", &nested, "POST", "/orders", `{"items":`, 400, "application/json",
			`{"error":{"code":"invalid_request","message":"unexpected end of JSON input","details":null,"request_id":"req-7"}}`},
		{"flat body not an object", &flat, "POST", "/orders", `[]`, 422, "application/json",
			`{"code":"unprocessable_entity","message":"expected object","requestId":"req-7"}`},
		{"nested parameter", &nested, "GET", "/orders/x?limit=11", "", 422, "application/json",
			`{"error":{"code":"validation_error","message":"One or more fields are invalid.","details":{"query.limit":["expected number \u003c= 10"]},"request_id":"req-7"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, Options{Config: envelope.Config{Format: tt.format, Logger: quiet}})
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
	srv := newServer(t, Options{Config: envelope.Config{Format: &nested, Alternates: []envelope.Format{envelope.ProblemFormat()}, Logger: quiet}})
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
	a, err := New(Options{Config: envelope.Config{Logger: quiet}})
	require.NoError(t, err)
	cfg := huma.DefaultConfig("Limits", "1.0.0")
	a.Configure(&cfg)
	mux := http.NewServeMux()
	api := humago.New(mux, cfg)
	type in struct{}
	huma.Get(api, "/limited", func(ctx context.Context, _ *in) (*orderOutput, error) {
		return nil, envelope.RateLimitedBy(envelope.Bucket{Policy: "per-key", Limit: 10, Window: time.Minute, Denied: true, Reset: time.Now().Add(90 * time.Second)})
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
	srv := newServerWith(t, Options{Config: envelope.Config{Format: &flat, Logger: quiet}}, func(api huma.API) {
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

// TestOpenAPI: the generated document describes error responses with the
// envelope's schema, under the format's media type, not huma's ErrorModel.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	nested := envelope.NestedFormat()
	srv := newServer(t, Options{Config: envelope.Config{Format: &nested, Alternates: []envelope.Format{envelope.ProblemFormat()}, Logger: quiet}})
	resp, body := do(t, srv, "GET", "/openapi.json", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema map[string]any `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	resps := doc.Paths["/orders"]["post"].Responses
	require.Contains(t, resps, "default")
	content := resps["default"].Content
	assert.Len(t, content, 2)
	wrapped := content["application/json"].Schema
	assert.Equal(t, []any{"error"}, wrapped["required"])
	inner := wrapped["properties"].(map[string]any)["error"].(map[string]any)
	assert.Equal(t, []any{"code", "message", "details"}, inner["required"])
	problem := content["application/problem+json"].Schema
	assert.Equal(t, []any{"type", "title", "status", "code", "detail"}, sorted(problem["required"]))
	assert.NotContains(t, doc.Components.Schemas, "ErrorModel")
	assert.NotContains(t, body, "ErrorDetail")
}

func sorted(v any) []any {
	xs, _ := v.([]any)
	order := map[any]int{"type": 0, "title": 1, "status": 2, "code": 3, "detail": 4}
	out := append([]any(nil), xs...)
	sort.Slice(out, func(i, j int) bool { return order[out[i]] < order[out[j]] })
	return out
}

// TestLocalized: with a Localizer, huma's validation errors take the
// code's message in the client's language, as any envelope error does.
func TestLocalized(t *testing.T) {
	t.Parallel()
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	require.NoError(t, err)
	srv := newServer(t, Options{Config: envelope.Config{Localizer: loc, Logger: quiet}})
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
