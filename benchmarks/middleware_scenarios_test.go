package benchmarks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apienvelope/envelope"
	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"
	"github.com/unrolled/secure"
)

// The security headers every middleware contender is configured to send:
// envelope's defaults for a JSON API. Strict-Transport-Security is
// configured too (one year, subdomains), and sent by none of them: the
// request is plain HTTP.
const (
	secNosniff = "nosniff"
	secFrame   = "DENY"
	secCSP     = "default-src 'none'; frame-ancestors 'none'"
	secRef     = "no-referrer"
	secCORP    = "same-origin"
	hstsYear   = 31536000
	okBody     = `{"ok":true}`
	incomingID = "req-7f3a9c2e41b8"
)

// securityHeaderValues maps each header to the value every chain must send.
var securityHeaderValues = map[string]string{
	"X-Content-Type-Options":       secNosniff,
	"X-Frame-Options":              secFrame,
	"Content-Security-Policy":      secCSP,
	"Referrer-Policy":              secRef,
	"Cross-Origin-Resource-Policy": secCORP,
}

// trivial is the handler inside every chain: a small 200 JSON body.
func trivial(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(okBody))
}

// middlewareRequest returns a plain GET with no request state in its
// context; with an incoming ID when id is not empty.
func middlewareRequest(id string) func() *http.Request {
	return func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/v1/orders/42", nil)
		if id != "" {
			r.Header.Set("X-Request-Id", id)
		}
		return r
	}
}

func middlewareScenario(name, id string) scenario {
	return scenario{
		name:    name,
		request: middlewareRequest(id),
		contenders: []contender{
			envelopeChain(trivial),
			minimalChain(trivial),
			{name: "bare", status: http.StatusOK, serve: trivial},
			chiSecureChain(trivial),
			echoChain(trivial),
			echoBare(),
		},
	}
}

// envelopeChain is envelope.Middleware with the defaults (what Protect
// uses: request ID, the default security headers, panic recovery, router
// pages as envelopes) and the bench Writer.
func envelopeChain(handler http.HandlerFunc) contender {
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: benchWriter})
	if err != nil {
		panic(err)
	}
	h := mw(handler)
	return contender{name: "envelope", status: http.StatusOK, serve: h.ServeHTTP}
}

// minimalChain is the physical-limit row: the least a hand-writer can do
// for the same observable work, written with care for the allocation
// count. One allocation holds the request's context, its ID and the
// per-response header values; a valid incoming X-Request-Id (the same
// rule as envelope's) is adopted, else a crypto/rand UUIDv4 is made; the
// ID goes into the context and onto the response; the five security
// headers are set with values of this response's own; a deferred recover
// answers a panic with a 500 JSON body carrying the ID. It has none of
// envelope's other work: no ResponseWriter wrapper (so a panic after the
// response started is not told apart), no router-page step, no Writer in
// the context, no logging.
func minimalChain(handler http.HandlerFunc) contender {
	return contender{name: "minimal", status: http.StatusOK, serve: minimal(handler).ServeHTTP}
}

// minimalKey is the context key of the minimal chain's request state.
type minimalKey struct{}

// minimalState is the minimal chain's one allocation per request.
type minimalState struct {
	context.Context
	id   string
	vals [6]string
	rnd  [16]byte
}

func (s *minimalState) Value(k any) any {
	if k == (minimalKey{}) {
		return s
	}
	return s.Context.Value(k)
}

// minimalID returns the request ID the minimal chain put in ctx.
func minimalID(ctx context.Context) string {
	if s, ok := ctx.Value(minimalKey{}).(*minimalState); ok {
		return s.id
	}
	return ""
}

func minimal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := &minimalState{Context: r.Context()}
		if v := r.Header["X-Request-Id"]; len(v) == 1 && safeID(v[0]) {
			s.id = v[0]
		} else {
			s.id = uuidV4(&s.rnd)
		}
		s.vals = [6]string{s.id, secNosniff, secFrame, secCSP, secRef, secCORP}
		h := w.Header()
		h["X-Request-Id"] = s.vals[0:1:1]
		h["X-Content-Type-Options"] = s.vals[1:2:2]
		h["X-Frame-Options"] = s.vals[2:3:3]
		h["Content-Security-Policy"] = s.vals[3:4:4]
		h["Referrer-Policy"] = s.vals[4:5:5]
		h["Cross-Origin-Resource-Policy"] = s.vals[5:6:6]
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				h := w.Header()
				h["Content-Type"] = []string{"application/json"}
				h["Cache-Control"] = []string{"no-store"}
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"code":"internal","message":"The server could not handle the request.","requestId":"` + s.id + `"}`))
			}
		}()
		next.ServeHTTP(w, r.WithContext(s))
	})
}

// safeID is envelope's rule for incoming IDs, written out: at most 128
// bytes of ASCII letters, digits and "-_.:+=/".
func safeID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.:+=/", c) >= 0) {
			return false
		}
	}
	return true
}

// uuidV4 returns a random UUIDv4 from crypto/rand, lowercase, with the one
// allocation of the string.
func uuidV4(b *[16]byte) string {
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// chiSecureChain is chi's RequestID and Recoverer with unrolled/secure,
// composed without a router (envelope's chain has none either).
// unrolled/secure expresses all five headers natively. chi's RequestID
// only puts the ID in the context; echoRequestID is the one-line
// middleware a user adds so the response carries it too, as envelope's
// and echo's do.
func chiSecureChain(handler http.HandlerFunc) contender {
	sec := secure.New(secure.Options{
		ContentTypeNosniff:        true,
		CustomFrameOptionsValue:   secFrame,
		ContentSecurityPolicy:     secCSP,
		ReferrerPolicy:            secRef,
		CrossOriginResourcePolicy: secCORP,
		STSSeconds:                hstsYear,
		STSIncludeSubdomains:      true,
	})
	var h http.Handler = handler
	h = chimw.Recoverer(h)
	h = sec.Handler(h)
	h = echoRequestID(h)
	h = chimw.RequestID(h)
	return contender{name: "chi_secure", status: http.StatusOK, serve: h.ServeHTTP}
}

// echoRequestID sets chi's request ID on the response.
func echoRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(chimw.RequestIDHeader, chimw.GetReqID(r.Context()))
		next.ServeHTTP(w, r)
	})
}

// echoChain is echo's RequestID, Secure and Recover middleware around a
// route for the trivial handler, served by e.ServeHTTP. echo's Secure has
// no Cross-Origin-Resource-Policy option: a one-line middleware sets it.
// Its X-XSS-Protection default is turned off (envelope does not send the
// obsolete header).
func echoChain(handler http.HandlerFunc) contender {
	e := echo.New()
	e.Use(
		echomw.RequestID(),
		echomw.SecureWithConfig(echomw.SecureConfig{
			ContentTypeNosniff:    secNosniff,
			XFrameOptions:         secFrame,
			ContentSecurityPolicy: secCSP,
			ReferrerPolicy:        secRef,
			HSTSMaxAge:            hstsYear,
		}),
		func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				c.Response().Header().Set("Cross-Origin-Resource-Policy", secCORP)
				return next(c)
			}
		},
		echomw.Recover(),
	)
	e.GET("/v1/orders/42", echo.WrapHandler(handler))
	return contender{name: "echo", status: http.StatusOK, serve: e.ServeHTTP}
}

// echoBare is echo routing to the trivial handler with no middleware: the
// part of the echo row that is echo's router and context, not the chain.
func echoBare() contender {
	e := echo.New()
	e.GET("/v1/orders/42", echo.WrapHandler(http.HandlerFunc(trivial)))
	return contender{name: "echo_bare", status: http.StatusOK, serve: e.ServeHTTP}
}

func BenchmarkMiddlewareFreshID(b *testing.B) { middlewareScenario("MiddlewareFreshID", "").run(b) }
func BenchmarkMiddlewareIncomingID(b *testing.B) {
	middlewareScenario("MiddlewareIncomingID", incomingID).run(b)
}
