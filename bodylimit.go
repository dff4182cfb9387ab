package envelope

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// This file is the body limit step of the chain (see
// [MiddlewareOptions.MaxBodyBytes]) and what every 413 does to the
// connection.

// limitBody applies the limit n to r's body. A request whose Content-Length
// already exceeds n is answered at once with the 413, which refuses the
// body (see refuseBody); refused is then true. Any other body is wrapped
// so that the read that runs past n refuses the rest of the body there
// and then, and fails with an [*http.MaxBytesError], which a writer
// renders as the same 413. The incoming request is not modified: the body
// is set on the copy this layer of the chain made of it (own), or else on
// a new copy.
func limitBody(n int64, w http.ResponseWriter, r *http.Request, own bool, ew *Writer, rc *requestContext) (_ *http.Request, refused bool) {
	if r.ContentLength > n {
		ew.Write(w, r, &http.MaxBytesError{Limit: n})
		return r, true
	}
	if r.Body == nil || r.Body == http.NoBody {
		return r, false
	}
	b := &rc.body
	if rc.bodyBusy {
		b = &limitedBody{}
	}
	rc.bodyBusy = true
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

// refuseBody makes sure that net/http neither waits for the rest of r's
// body nor reuses the connection, so that the response to a refused body
// goes out at once and the connection is closed after it (RFC 9110
// §15.5.14 lets a server close the connection on a 413). Call it before
// the response starts; afterwards it still closes the connection, but can
// no longer add Connection: close.
//
// net/http reads what is left of a request body after the handler, up to
// 256 KiB, before it sends a response that has not been flushed (so that
// the connection can carry the next request), and again when it closes
// the body, looking for its end: a client that announced a body and holds
// it back would get no answer until the server's ReadTimeout, or never.
// Over HTTP/1.x refuseBody therefore
//
//   - trips the hook of net/http's own ResponseWriter, found through the
//     wrappers' Unwrap, that [http.MaxBytesReader] trips when a body runs
//     over its limit: the server closes the connection after the response,
//     half-closing it first so that the client reads the response before
//     any reset;
//   - sets Connection: close, which has the same effect when a wrapper
//     without Unwrap hides net/http's writer (RFC 9112 §9.6);
//   - sets the connection's read deadline to now, so that net/http's last
//     look for the end of the body returns at once.
//
// HTTP/2 needs none of it: the server resets the stream of an unread body
// when the handler returns, and Connection: close would make it drain
// every other stream of the connection.
func refuseBody(w http.ResponseWriter, r *http.Request) {
	if r == nil || r.ProtoMajor != 1 {
		return
	}
	// A limit of zero and one byte to read: the reader trips the hook of
	// the writer it is given and never touches the request body.
	one := io.NopCloser(strings.NewReader("x"))
	_, _ = http.MaxBytesReader(innermost(w), one, 0).Read(make([]byte, 1))
	if !responseStarted(w) {
		w.Header()["Connection"] = []string{"close"}
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now())
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
