package envelope

import (
	"io"
	"net/http"
)

// This file is the body limit step of the chain (see
// [MiddlewareOptions.MaxBodyBytes]); what every 413 does to the connection
// is refuseBody's, in responsewriter.go.

// limitBody applies the limit n to r's body. A request whose Content-Length
// already exceeds n is answered at once with the 413, which refuses the
// body (see refuseBody); refused is then true. Any other body is wrapped
// so that the read that runs past n refuses the rest of the body there
// and then, and fails with an [*http.MaxBytesError], which a writer
// renders as the same 413. The capped body is b, storage of the chain's.
// The incoming request is not modified: the body is set on the copy this
// layer of the chain made of it (own), or else on a new copy.
func limitBody(n int64, w http.ResponseWriter, r *http.Request, own bool, ew *Writer, b *limitedBody) (_ *http.Request, refused bool) {
	if r.ContentLength > n {
		ew.Write(w, r, &http.MaxBytesError{Limit: n})
		return r, true
	}
	if r.Body == nil || r.Body == http.NoBody {
		return r, false
	}
	*b = limitedBody{src: r.Body, left: n, limit: n, w: w, r: r}
	if !own {
		r2 := *r
		r = &r2
	}
	r.Body = b
	return r, false
}

// limitedBody is a request body capped by the chain, as
// [http.MaxBytesReader] caps one: reading past the limit fails with an
// [*http.MaxBytesError]. The first read that runs past the limit refuses
// the rest of the body (see refuseBody) before it returns the error,
// whoever answers the request.
type limitedBody struct {
	src   io.ReadCloser
	left  int64 // bytes that may still be read
	limit int64
	err   error // sticky: the error every later read returns
	w     http.ResponseWriter
	r     *http.Request
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// One byte more than is left tells whether the body goes on past the
	// limit.
	if int64(len(p))-1 > b.left {
		p = p[:b.left+1]
	}
	n, err := b.src.Read(p)
	if int64(n) <= b.left {
		b.left -= int64(n)
		b.err = err
		return n, err
	}
	n, b.left = int(b.left), 0
	b.err = &http.MaxBytesError{Limit: b.limit}
	refuseBody(b.w, b.r)
	return n, b.err
}

func (b *limitedBody) Close() error { return b.src.Close() }
