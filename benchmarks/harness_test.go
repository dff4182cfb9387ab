package benchmarks

import (
	"bufio"
	"net"
	"net/http"
	"testing"
)

// discardWriter is the http.ResponseWriter every contender writes to. Like
// net/http, it gives every response a fresh, empty header map (a map that
// is cleared and reused keeps the table it grew, which would hide the cost
// of growing it); it records the status and counts the body bytes, which
// it otherwise discards. It is an http.Flusher and an http.Hijacker (whose
// Hijack fails), as net/http's writer is, so wrapping middleware takes the
// path it takes in production.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func newDiscardWriter() *discardWriter { return &discardWriter{h: make(http.Header)} }

func (d *discardWriter) Header() http.Header { return d.h }

func (d *discardWriter) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

func (d *discardWriter) Write(p []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	d.n += len(p)
	return len(p), nil
}

func (d *discardWriter) Flush() {}

func (d *discardWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, http.ErrNotSupported
}

// reset starts the next response: a new header map, as net/http makes
// one per response (make(http.Header), no size hint).
func (d *discardWriter) reset() {
	d.h = make(http.Header)
	d.status = 0
	d.n = 0
}

// contender is one way of producing a scenario's response. serve is called
// once per iteration with the writer and request; everything that a real
// server does once (building writers, middleware, errors, APIs) is done
// before. Whatever a real server does per request (the middleware's
// request state, the header map) is done inside serve.
type contender struct {
	name   string
	status int // the status this contender is expected to send
	serve  func(w http.ResponseWriter, r *http.Request)
}

// scenario is one row group of the comparison table: the same situation
// rendered by every contender, ours first.
type scenario struct {
	name       string
	request    func() *http.Request
	contenders []contender
}

// run benchmarks every contender of s as a sub-benchmark named after it, so
// that one `go test -bench` run prints the rows of a scenario side by side
// (benchmarks/interleave runs them one at a time, in rotation). Besides
// ns/op (wall time) it reports cpu-ns/op, the process's CPU time per
// operation, which is steadier on a shared machine.
func (s scenario) run(b *testing.B) {
	for _, c := range s.contenders {
		b.Run(c.name, func(b *testing.B) {
			r := s.request()
			w := newDiscardWriter()
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				w.reset()
				c.serve(w, r)
			}
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			if w.status != c.status || w.n == 0 {
				b.Fatalf("%s/%s wrote status %d and %d body bytes; want %d and a body", s.name, c.name, w.status, w.n, c.status)
			}
		})
	}
}
