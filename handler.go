package envelope

import "net/http"

// HandlerFunc is an HTTP handler that returns an error instead of writing
// one. A non-nil error is rendered with [Write], so handlers can simply
// return it:
//
//	mux.Handle("GET /flags/{key}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
//		flag, ok := flags[r.PathValue("key")]
//		if !ok {
//			return envelope.NotFound("Flag not found")
//		}
//		return json.NewEncoder(w).Encode(flag)
//	}))
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP calls f and renders a non-nil error with [Write]. When the
// handler already started its response before failing, Write logs the
// error instead of writing a second body (with the middleware in place).
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f(w, r); err != nil {
		Write(w, r, err)
	}
}
