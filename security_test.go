package envelope

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"ok":true}`))
})

const defaultHSTS = "max-age=31536000; includeSubDomains"

// defaultSecurity are the headers the zero SecurityOptions send on every
// response (HSTS only over HTTPS).
var defaultSecurity = map[string]string{
	"X-Content-Type-Options":       "nosniff",
	"X-Frame-Options":              "DENY",
	"Content-Security-Policy":      "default-src 'none'; frame-ancestors 'none'",
	"Referrer-Policy":              "no-referrer",
	"Cross-Origin-Resource-Policy": "same-origin",
}

// securityChain is the chain with opts as its security options.
func securityChain(t *testing.T, opts SecurityOptions, h http.Handler) http.Handler {
	t.Helper()
	return chainFor(t, quietWriter(t), MiddlewareOptions{Security: opts}, h)
}

func TestSecurityHeadersDefaults(t *testing.T) {
	t.Parallel()
	srv := serve(t, securityChain(t, SecurityOptions{}, okHandler))
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		resp, _ := do(t, srv, method, "/", nil, nil)
		for k, v := range defaultSecurity {
			assert.Equal(t, []string{v}, resp.Header.Values(k), "%s %s", method, k)
		}
		assert.Empty(t, resp.Header.Get("Strict-Transport-Security"), "no HSTS over plain HTTP")
	}
}

func TestSecurityHeadersConfigured(t *testing.T) {
	t.Parallel()
	opts := SecurityOptions{
		ContentSecurityPolicy:     "default-src 'self'",
		FrameOptions:              "SAMEORIGIN",
		ReferrerPolicy:            "strict-origin-when-cross-origin",
		CrossOriginResourcePolicy: "cross-origin",
		StrictTransportSecurity:   "max-age=63072000; includeSubDomains; preload",
		HSTSAlways:                true,
		Omit:                      []string{"x-content-type-options"},
	}
	srv := serve(t, securityChain(t, opts, okHandler))
	resp, _ := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, "default-src 'self'", resp.Header.Get("Content-Security-Policy"))
	assert.Equal(t, "SAMEORIGIN", resp.Header.Get("X-Frame-Options"))
	assert.Equal(t, "strict-origin-when-cross-origin", resp.Header.Get("Referrer-Policy"))
	assert.Equal(t, "cross-origin", resp.Header.Get("Cross-Origin-Resource-Policy"))
	assert.Equal(t, "max-age=63072000; includeSubDomains; preload", resp.Header.Get("Strict-Transport-Security"))
	assert.Empty(t, resp.Header.Values("X-Content-Type-Options"))
}

func TestSecurityHeadersOmitAll(t *testing.T) {
	t.Parallel()
	opts := SecurityOptions{HSTSAlways: true, Omit: []string{
		"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy",
		"Referrer-Policy", "Cross-Origin-Resource-Policy", "Strict-Transport-Security",
	}}
	srv := serve(t, securityChain(t, opts, okHandler))
	resp, _ := do(t, srv, http.MethodGet, "/", nil, nil)
	for k := range defaultSecurity {
		assert.Empty(t, resp.Header.Values(k), k)
	}
	assert.Empty(t, resp.Header.Values("Strict-Transport-Security"))
}

// An error response still says nosniff, whatever Omit says: the writer
// sets it on every error body.
func TestSecurityHeadersOmittedNosniffOnErrors(t *testing.T) {
	t.Parallel()
	srv := serve(t, securityChain(t, SecurityOptions{Omit: []string{"X-Content-Type-Options"}},
		HandlerFunc(func(http.ResponseWriter, *http.Request) error { return Forbidden("") })))
	resp, _ := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, []string{"nosniff"}, resp.Header.Values("X-Content-Type-Options"))
}

func TestSecurityHeadersHSTSOverTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(securityChain(t, SecurityOptions{}, okHandler))
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, defaultHSTS, resp.Header.Get("Strict-Transport-Security"))
}

func TestSecurityHeadersHSTSFromProxy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		proxies []string
		xfp     []string
		want    bool
	}{
		{"untrusted client claims https", nil, []string{"https"}, false},
		{"loopback not listed", []string{"10.0.0.0/8"}, []string{"https"}, false},
		{"trusted proxy, https", []string{"127.0.0.1"}, []string{"https"}, true},
		{"trusted prefix, https", []string{"127.0.0.0/8", "::1"}, []string{"HTTPS"}, true},
		{"trusted proxy, http", []string{"127.0.0.1"}, []string{"http"}, false},
		{"trusted proxy, no header", []string{"127.0.0.1"}, nil, false},
		{"client https before proxy http", []string{"127.0.0.1"}, []string{"https, http"}, false},
		{"client http before proxy https", []string{"127.0.0.1"}, []string{"http, https"}, true},
		{"proxy line last", []string{"127.0.0.1"}, []string{"https", "http"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, securityChain(t, SecurityOptions{TrustedProxies: tt.proxies}, okHandler))
			var h http.Header
			if tt.xfp != nil {
				h = http.Header{"X-Forwarded-Proto": tt.xfp}
			}
			resp, _ := do(t, srv, http.MethodGet, "/", h, nil)
			if tt.want {
				assert.Equal(t, defaultHSTS, resp.Header.Get("Strict-Transport-Security"))
			} else {
				assert.Empty(t, resp.Header.Values("Strict-Transport-Security"))
			}
		})
	}
}

func TestSecurityHeadersHandlerWins(t *testing.T) {
	t.Parallel()
	h := securityChain(t, SecurityOptions{}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<p>docs</p>"))
	}))
	srv := serve(t, h)
	resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, "<p>docs</p>", string(body))
	assert.Equal(t, []string{"default-src 'self'"}, resp.Header.Values("Content-Security-Policy"))
	assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
}

func TestSecurityHeadersOnErrors(t *testing.T) {
	t.Parallel()
	h := securityChain(t, SecurityOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Write(w, r, Forbidden(""))
	}))
	srv := serve(t, h)
	resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "forbidden", decodeBody(t, body)["code"])
	for k, v := range defaultSecurity {
		assert.Equal(t, []string{v}, resp.Header.Values(k), k)
	}
}

// Invalid security options make Middleware return an error naming the
// problem, and no chain; it never panics.
func TestSecurityHeadersInvalidOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts SecurityOptions
		want string // in the error
	}{
		{"frame options", SecurityOptions{FrameOptions: "ALLOW-FROM https://x"}, "X-Frame-Options"},
		{"referrer policy", SecurityOptions{ReferrerPolicy: "never"}, `unknown policy "never"`},
		{"referrer list", SecurityOptions{ReferrerPolicy: "no-referrer, nope"}, `unknown policy "nope"`},
		{"corp", SecurityOptions{CrossOriginResourcePolicy: "anyone"}, "Cross-Origin-Resource-Policy"},
		{"csp control", SecurityOptions{ContentSecurityPolicy: "default-src 'none'\r\nX-Evil: 1"}, "control characters"},
		{"csp spaces", SecurityOptions{ContentSecurityPolicy: " default-src 'none'"}, "surrounding spaces"},
		{"hsts without max-age", SecurityOptions{StrictTransportSecurity: "includeSubDomains"}, "missing max-age"},
		{"hsts bad max-age", SecurityOptions{StrictTransportSecurity: "max-age=-1"}, "not a number of seconds"},
		{"proxy", SecurityOptions{TrustedProxies: []string{"proxy.local"}}, `trusted proxy "proxy.local"`},
		{"proxy prefix", SecurityOptions{TrustedProxies: []string{"10.0.0.0/33"}}, `trusted proxy "10.0.0.0/33"`},
		{"omit unknown", SecurityOptions{Omit: []string{"Server"}}, `cannot omit "Server"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mw func(http.Handler) http.Handler
			var err error
			require.NotPanics(t, func() { mw, err = Middleware(MiddlewareOptions{Security: tt.opts}) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Regexp(t, "^envelope: ", err.Error())
			assert.Nil(t, mw)
		})
	}
}

func TestSecurityHeadersHTTPSDetection(t *testing.T) {
	t.Parallel()
	s, err := newSecurityHeaders(SecurityOptions{TrustedProxies: []string{"192.0.2.0/24", "2001:db8::1"}})
	require.NoError(t, err)
	tests := []struct {
		name   string
		remote string
		tls    bool
		want   bool
	}{
		{"tls", "203.0.113.9:1", true, true},
		{"v4 proxy", "192.0.2.7:443", false, true},
		{"v4-mapped proxy", "[::ffff:192.0.2.7]:443", false, true},
		{"v6 proxy", "[2001:db8::1]:443", false, true},
		{"other v6", "[2001:db8::2]:443", false, false},
		{"other v4", "198.51.100.1:443", false, false},
		{"unparsable", "pipe", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			r.Header.Set("X-Forwarded-Proto", "https")
			r.TLS = nil
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			assert.Equal(t, tt.want, s.https(r))
		})
	}
}

// A handler that edits a header value in place (h[k][0] = v) must not
// change what other responses get.
func TestSecurityHeadersAreNotSharedBetweenResponses(t *testing.T) {
	t.Parallel()
	srv := serve(t, securityChain(t, SecurityOptions{HSTSAlways: true}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/edit" {
			for _, vs := range w.Header() {
				vs[0] = "edited"
			}
		}
	})))
	for _, path := range []string{"/edit", "/plain", "/edit", "/plain"} {
		resp, _ := do(t, srv, http.MethodGet, path, nil, nil)
		if path == "/plain" {
			assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, defaultHSTS, resp.Header.Get("Strict-Transport-Security"))
			assert.NotEqual(t, "edited", resp.Header.Get("X-Request-Id"))
		} else {
			assert.Equal(t, "edited", resp.Header.Get("X-Frame-Options"), "the handler's edit reached its own response")
		}
	}
}
