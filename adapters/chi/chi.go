// Package envelopechi fits envelope to chi. chi routes plain net/http
// handlers, so [envelope.HandlerFunc] and [envelope.Write] work with it
// unchanged. The recommended setup wraps the router in
// [envelope.Middleware], in place of chi's middleware.RequestID and
// middleware.Recoverer: it gives every request a safe ID (echoed in the
// error body and the X-Request-Id header), renders panics as a 500
// envelope, and turns chi's own 404 and 405 (with Allow) into envelopes:
//
//	r := chi.NewRouter()
//	r.Use(middleware.Logger) // chi's other middleware as before
//	r.Method(http.MethodGet, "/flags/{key}", envelope.HandlerFunc(getFlag))
//	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
//	...
//	srv := &http.Server{Handler: mw(r)}
//
// For a router that keeps chi's middleware.RequestID, [RequestID] bridges
// chi's ID into envelope (and [Recoverer] replaces middleware.Recoverer,
// whose 500 has no body); [NotFound] and [MethodNotAllowed] give the
// router's own pages the envelope shape without the middleware:
//
//	r := chi.NewRouter()
//	r.Use(middleware.RequestID, envelopechi.RequestID, envelopechi.Recoverer)
//	r.NotFound(envelopechi.NotFound)
//	r.MethodNotAllowed(envelopechi.MethodNotAllowed(r))
//
// The package is named envelopechi so that it can be imported next to chi
// without renaming either.
package envelopechi

import (
	"net/http"
	"strings"

	"github.com/apienvelope/envelope"
	"github.com/go-chi/chi/v5"
)

// NotFound is an http.HandlerFunc for chi's Router.NotFound: a 404
// not_found error with the code's default message, rendered with
// [envelope.Write].
func NotFound(w http.ResponseWriter, r *http.Request) {
	envelope.Write(w, r, envelope.NotFound(""))
}

// methods are the methods MethodNotAllowed asks the router about, in the
// order the Allow header lists them.
var methods = [...]string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace,
}

// MethodNotAllowed returns an http.HandlerFunc for chi's
// Router.MethodNotAllowed: a 405 method_not_allowed error, rendered with
// [envelope.Write], whose Allow header lists the methods routes has for
// the request's path (RFC 9110 §15.5.6).
//
// chi computes that list but does not hand it to a custom handler, so the
// handler asks routes (normally the router it is installed on, which also
// covers mounted sub-routers) with Match, once per standard method. Methods
// added with chi.RegisterMethod are not listed. It is safe for concurrent
// use; it panics if routes is nil, at construction.
func MethodNotAllowed(routes chi.Routes) http.HandlerFunc {
	if routes == nil {
		panic("envelopechi: nil routes")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.RawPath
		if path == "" {
			path = r.URL.Path
		}
		allowed := make([]string, 0, 4)
		for _, m := range methods {
			if routes.Match(chi.NewRouteContext(), m, path) {
				allowed = append(allowed, m)
			}
		}
		envelope.Write(w, r, envelope.MethodNotAllowed("", strings.Join(allowed, ", ")))
	}
}
