package envelope

import "net/http"

// This file is the body limit step of the chain (see
// [MiddlewareOptions.MaxBodyBytes]).

// limitBody applies the limit n to r's body. A request whose Content-Length
// already exceeds n is answered at once with the 413 and "Connection:
// close", so that net/http neither reads nor waits for the refused body
// (it would otherwise try to read and discard up to 256 KiB of it before
// answering, and a client that sends nothing would get no answer); refused
// is then true. Any other body is wrapped in [http.MaxBytesReader], handed
// net/http's own ResponseWriter (base) so that a body that runs over the
// limit marks the connection to close instead of being drained: reading
// past n fails with an [*http.MaxBytesError], which a writer renders as
// the same 413. The incoming request is not modified.
func limitBody(n int64, w, base http.ResponseWriter, r *http.Request, ew *Writer) (_ *http.Request, refused bool) {
	if r.ContentLength > n {
		w.Header()["Connection"] = []string{"close"}
		ew.Write(w, r, &http.MaxBytesError{Limit: n})
		return r, true
	}
	if r.Body == nil || r.Body == http.NoBody {
		return r, false
	}
	r2 := *r
	r2.Body = http.MaxBytesReader(base, r.Body, n)
	return &r2, false
}

// innermost returns the writer at the bottom of a chain of wrappers that
// implement Unwrap: for a server's own handler, net/http's writer.
func innermost(w http.ResponseWriter) http.ResponseWriter {
	for range maxUnwrap {
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return w
		}
		w = u.Unwrap()
	}
	return w
}
