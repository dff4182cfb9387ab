package envelope

import (
	"fmt"
	"net/http"
)

// BodyLimit returns middleware that caps request bodies at n bytes.
//
// A request whose Content-Length already exceeds n is answered with a 413
// payload_too_large envelope (RFC 9110 §15.5.14) before the next handler
// runs. Any other body, chunked ones included, is wrapped in
// [http.MaxBytesReader]: reading past n fails with an
// [*http.MaxBytesError], which [Write] (and so a [HandlerFunc] returning
// it, or [DecodeJSON]'s error) renders as the same 413, and net/http
// closes the connection after the response rather than read the rest.
// The limit is not temporary, so no Retry-After is sent.
//
// The next handler gets a shallow copy of the request with the capped
// body; the incoming request is not modified. The middleware is safe for
// concurrent use. BodyLimit panics when n is less than 1, a programming
// error caught at start-up.
func BodyLimit(n int64) func(http.Handler) http.Handler {
	if n < 1 {
		panic(fmt.Sprintf("envelope: BodyLimit(%d): the limit must be at least 1 byte", n))
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				Write(w, r, &http.MaxBytesError{Limit: n})
				return
			}
			if r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r)
				return
			}
			r2 := *r
			r2.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, &r2)
		})
	}
}
