package benchmarks

import (
	"net/http"
	"net/http/httptest"
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
			envelopeChain(),
			{name: "bare", status: http.StatusOK, serve: trivial},
			chiSecureChain(),
			echoChain(),
			echoBare(),
		},
	}
}

// envelopeChain is envelope.Middleware with zero options (what Protect
// uses): request ID, the default security headers, panic recovery.
func envelopeChain() contender {
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{})
	if err != nil {
		panic(err)
	}
	h := mw(http.HandlerFunc(trivial))
	return contender{name: "envelope", status: http.StatusOK, serve: h.ServeHTTP}
}

// chiSecureChain is chi's RequestID and Recoverer with unrolled/secure,
// composed without a router (envelope's chain has none either).
// unrolled/secure expresses all five headers natively. chi's RequestID
// only puts the ID in the context; echoRequestID is the one-line
// middleware a user adds so the response carries it too, as envelope's
// and echo's do.
func chiSecureChain() contender {
	sec := secure.New(secure.Options{
		ContentTypeNosniff:        true,
		CustomFrameOptionsValue:   secFrame,
		ContentSecurityPolicy:     secCSP,
		ReferrerPolicy:            secRef,
		CrossOriginResourcePolicy: secCORP,
		STSSeconds:                hstsYear,
		STSIncludeSubdomains:      true,
	})
	var h http.Handler = http.HandlerFunc(trivial)
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
func echoChain() contender {
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
	e.GET("/v1/orders/42", echo.WrapHandler(http.HandlerFunc(trivial)))
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
