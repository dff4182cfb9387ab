package envelopegrpcgateway

import (
	"context"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// A runtime.ServeMux does not tell which methods a path has routes for,
// yet a 405 must list them in Allow (RFC 9110 §15.5.6). The routing-error
// handler finds them by asking the mux itself: it serves a copy of the
// request, without a body, once per method, marked as a probe. The probe
// middleware (installed by ServeMuxOptions, outermost) sees the mark on a
// route that matched, records the match and returns before any handler
// runs; the error handlers ignore marked requests. A mux not built with
// ServeMuxOptions is never probed, since its handlers would run.

// probeMethods are the methods a probe tries: those of google.api.http
// rules (get, put, post, delete, patch) and HEAD and OPTIONS, which
// HandlePath may register.
var probeMethods = [...]string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions,
}

type probeKey struct{}

// probe is the mark of a probe request; matched is set when a route
// matched it.
type probe struct{ matched bool }

func probing(ctx context.Context) bool {
	_, ok := ctx.Value(probeKey{}).(*probe)
	return ok
}

// probeMiddleware is a runtime.Middleware: for a probe it records the
// match instead of calling the handler.
func probeMiddleware(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if p, ok := r.Context().Value(probeKey{}).(*probe); ok {
			p.matched = true
			return
		}
		next(w, r, params)
	}
}

// allowed returns the methods mux has a route for at r's path, in the
// order of probeMethods, or nil when mux cannot be probed.
func (g *Gateway) allowed(mux *runtime.ServeMux, r *http.Request) []string {
	if _, ok := g.muxes.Load(mux); !ok || mux == nil {
		return nil
	}
	var out []string
	for _, m := range probeMethods {
		if m == r.Method {
			continue
		}
		p := &probe{}
		pr := r.Clone(context.WithValue(r.Context(), probeKey{}, p))
		pr.Method = m
		pr.Body, pr.ContentLength, pr.GetBody = http.NoBody, 0, nil
		pr.Header.Del("Content-Type") // no POST-to-GET fallback of form posts
		pr.Header.Del("X-Http-Method-Override")
		mux.ServeHTTP(discard{}, pr)
		if p.matched {
			out = append(out, m)
		}
	}
	return out
}

// discard is the ResponseWriter of probes; nothing is written to it.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
