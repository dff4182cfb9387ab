package envelope

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// responseWriter is the one wrapper the middleware chain puts around a
// ResponseWriter. It records whether the response has started (so a panic
// or a late error never sends a second status line), and whether the
// connection was hijacked (so nothing is written to it afterwards).
//
// It implements Unwrap, so [http.ResponseController] reaches the
// underlying writer for deadlines and full duplex, and FlushError, so a
// flush through a ResponseController is recorded. It claims the
// [http.Flusher] and [http.Hijacker] interfaces only through the variants
// that [responseWriter.public] picks when the underlying writer has them.
// Like any ResponseWriter, it is not safe for concurrent use.
type responseWriter struct {
	w        http.ResponseWriter
	status   int
	started  bool
	hijacked bool
}

func (rw *responseWriter) Header() http.Header { return rw.w.Header() }

// WriteHeader forwards code. A 1xx other than 101 does not start the
// response (RFC 9110 §15.2): the final status is still to come. A
// superfluous call is forwarded too, so net/http reports the handler's own
// mistake as usual.
func (rw *responseWriter) WriteHeader(code int) {
	rw.w.WriteHeader(code) // panics on an invalid code; the response has not started then
	if !rw.started && (code >= 200 || code == http.StatusSwitchingProtocols) {
		rw.started = true
		rw.status = code
	}
}

func (rw *responseWriter) Write(p []byte) (int, error) {
	if !rw.started {
		rw.started = true
		rw.status = http.StatusOK
	}
	return rw.w.Write(p)
}

// Unwrap returns the underlying writer, for [http.ResponseController].
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.w }

// envelopeStarted tells a writer that an error body must not follow.
func (rw *responseWriter) envelopeStarted() bool { return rw.started || rw.hijacked }

// FlushError flushes the underlying writer through a
// [http.ResponseController]; it returns [http.ErrNotSupported] when the
// underlying writer cannot flush. A successful flush sends the header, so
// it starts the response.
func (rw *responseWriter) FlushError() error {
	err := http.NewResponseController(rw.w).Flush()
	if err == nil && !rw.started {
		rw.started = true
		rw.status = http.StatusOK
	}
	return err
}

func (rw *responseWriter) hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(rw.w).Hijack()
	if err == nil {
		rw.hijacked = true
	}
	return c, brw, err
}

// public returns rw as the ResponseWriter handed to the next handler: rw
// itself, or a variant that adds Flush and/or Hijack when the underlying
// writer (or one it wraps) offers them. The variants hold one pointer, so
// converting them to an interface does not allocate.
func (rw *responseWriter) public() http.ResponseWriter {
	return withCapabilities[*responseWriter](rw, rw.w)
}

// capableWriter is what the capability variants need from a wrapper.
type capableWriter interface {
	http.ResponseWriter
	Unwrap() http.ResponseWriter
	FlushError() error
	envelopeStarted() bool
	hijack() (net.Conn, *bufio.ReadWriter, error)
}

// withCapabilities returns b, or b in a variant claiming [http.Flusher]
// and [http.Hijacker] exactly when inner supports them.
func withCapabilities[T capableWriter](b T, inner http.ResponseWriter) http.ResponseWriter {
	f, h := canFlush(inner), canHijack(inner)
	switch {
	case f && h:
		return flushHijackWriter[T]{b}
	case f:
		return flushWriter[T]{b}
	case h:
		return hijackWriter[T]{b}
	}
	return b
}

// maxUnwrap bounds the walk down a chain of wrappers.
const maxUnwrap = 32

// ownWrapper is what this package's own wrappers have: they claim a
// capability only through the writer they wrap, so the walks below look
// through them.
type ownWrapper interface {
	envelopeStarted() bool
	Unwrap() http.ResponseWriter
}

func canFlush(w http.ResponseWriter) bool {
	for range maxUnwrap {
		switch x := w.(type) {
		case ownWrapper:
			w = x.Unwrap()
		case http.Flusher, interface{ FlushError() error }:
			return true
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return false
		}
	}
	return false
}

func canHijack(w http.ResponseWriter) bool {
	for range maxUnwrap {
		switch x := w.(type) {
		case ownWrapper:
			w = x.Unwrap()
		case http.Hijacker:
			return true
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return false
		}
	}
	return false
}

// flushWriter, hijackWriter and flushHijackWriter add Flush and/or Hijack
// to a wrapper, as [withCapabilities] picks them; every other method
// forwards to it. base lets [chainWriter] find the chain's wrapper inside.
type flushWriter[T capableWriter] struct{ b T }

func (f flushWriter[T]) Header() http.Header         { return f.b.Header() }
func (f flushWriter[T]) WriteHeader(code int)        { f.b.WriteHeader(code) }
func (f flushWriter[T]) Write(p []byte) (int, error) { return f.b.Write(p) }
func (f flushWriter[T]) Unwrap() http.ResponseWriter { return f.b.Unwrap() }
func (f flushWriter[T]) envelopeStarted() bool       { return f.b.envelopeStarted() }
func (f flushWriter[T]) FlushError() error           { return f.b.FlushError() }
func (f flushWriter[T]) Flush()                      { _ = f.b.FlushError() }
func (f flushWriter[T]) base() capableWriter         { return f.b }

type hijackWriter[T capableWriter] struct{ b T }

func (h hijackWriter[T]) Header() http.Header         { return h.b.Header() }
func (h hijackWriter[T]) WriteHeader(code int)        { h.b.WriteHeader(code) }
func (h hijackWriter[T]) Write(p []byte) (int, error) { return h.b.Write(p) }
func (h hijackWriter[T]) Unwrap() http.ResponseWriter { return h.b.Unwrap() }
func (h hijackWriter[T]) envelopeStarted() bool       { return h.b.envelopeStarted() }
func (h hijackWriter[T]) FlushError() error           { return h.b.FlushError() }
func (h hijackWriter[T]) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.b.hijack()
}
func (h hijackWriter[T]) base() capableWriter { return h.b }

type flushHijackWriter[T capableWriter] struct{ b T }

func (x flushHijackWriter[T]) Header() http.Header         { return x.b.Header() }
func (x flushHijackWriter[T]) WriteHeader(code int)        { x.b.WriteHeader(code) }
func (x flushHijackWriter[T]) Write(p []byte) (int, error) { return x.b.Write(p) }
func (x flushHijackWriter[T]) Unwrap() http.ResponseWriter { return x.b.Unwrap() }
func (x flushHijackWriter[T]) envelopeStarted() bool       { return x.b.envelopeStarted() }
func (x flushHijackWriter[T]) FlushError() error           { return x.b.FlushError() }
func (x flushHijackWriter[T]) Flush()                      { _ = x.b.FlushError() }
func (x flushHijackWriter[T]) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return x.b.hijack()
}
func (x flushHijackWriter[T]) base() capableWriter { return x.b }

// chainWriter returns the chain's own wrapper when w is one (the
// middleware is wrapped twice), so the inner layer shares it.
func chainWriter(w http.ResponseWriter) *responseWriter {
	switch x := w.(type) {
	case *responseWriter:
		return x
	case interface{ base() capableWriter }:
		rw, _ := x.base().(*responseWriter)
		return rw
	}
	return nil
}

// responseStarted reports whether w, or a writer it wraps, is known to have
// sent its header already.
func responseStarted(w http.ResponseWriter) bool {
	for i := 0; i < maxUnwrap && w != nil; i++ {
		if s, ok := w.(interface{ envelopeStarted() bool }); ok {
			return s.envelopeStarted()
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
	return false
}

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
