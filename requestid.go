package envelope

import (
	"context"
	"crypto/rand"
	"net/http"
)

// RequestIDOptions configures the request ID step of [Middleware]. The zero
// value accepts a safe incoming ID and otherwise generates a UUIDv4. The
// header an incoming ID is read from, and that echoes it on every response,
// is the writer's format's [Format.RequestIDHeader] (X-Request-Id unless the
// format says otherwise).
type RequestIDOptions struct {
	// IgnoreIncoming, when true, never accepts an ID from the request
	// header: every request gets a fresh one. It suits a server that faces
	// the internet directly (an edge), where no client is trusted to name
	// its own requests.
	IgnoreIncoming bool
	// Traceparent, when true, takes the ID from the trace-id of a valid W3C
	// Trace Context traceparent header, so logs and traces share one key.
	// It is consulted before the request ID header, and also when
	// IgnoreIncoming is set. An invalid or repeated traceparent is ignored.
	// A version above 00 is read by its version-00 fields, as Trace
	// Context's versioning rules ask; version ff is invalid.
	Traceparent bool
}

// requestIDConfig is RequestIDOptions with the header and writer resolved.
type requestIDConfig struct {
	header      string // canonical; "" for none
	ignore      bool
	traceparent bool
	writer      *Writer // nil: keep the context's writer, else the default
}

func newRequestIDConfig(opts RequestIDOptions, ew *Writer) *requestIDConfig {
	c := &requestIDConfig{ignore: opts.IgnoreIncoming, traceparent: opts.Traceparent, writer: ew}
	c.header = defaultWriter().format.idHeader
	if ew != nil {
		c.header = ew.format.idHeader
	}
	return c
}

// requestContext is the per-request state of the middleware in a single
// allocation: it is the request's new context (so no separate
// context.WithValue is needed), the [requestState] that [RequestIDFrom]
// and [Write] find in it, the values of the response headers it sets (so
// no two responses share a header slice), and the chain's response writer
// wrapper.
type requestContext struct {
	context.Context
	st  requestState
	hdr [1]string
	sec securityValues
	rw  responseWriter
	rnd [16]byte

	router     routerErrorWriter // the router step's wrapper
	routerBusy bool              // router is in use (the chain is wrapped twice)
	body       limitedBody       // the body limit step's body
	bodyBusy   bool              // body is in use (the chain is wrapped twice)
}

// Value answers the package's context key with the state and forwards
// every other key to the parent.
func (c *requestContext) Value(key any) any {
	if key == (ctxKey{}) {
		return &c.st
	}
	return c.Context.Value(key)
}

// begin chooses the request's ID and returns its state, with hdr holding
// the ID, and the request to pass on. When r's context already carries the
// chain's state (the middleware is wrapped twice) and this layer names no
// other writer, the state is reused and r returned as is: no allocation.
// An inner layer with a writer of its own keeps the outer layer's ID but
// renders with its own writer.
func (c *requestIDConfig) begin(r *http.Request) (*requestContext, *http.Request) {
	parent := r.Context()
	old := stateFrom(parent)
	if rc, ok := parent.(*requestContext); ok && old == &rc.st && (c.writer == nil || c.writer == rc.st.writer) {
		return rc, r
	}
	rc := &requestContext{Context: parent}
	rc.st.writer = c.writer
	if rc.st.writer == nil && old != nil {
		rc.st.writer = old.writer
	}
	if rc.st.writer == nil {
		rc.st.writer = defaultWriter()
	}
	if old != nil && old.id != "" {
		rc.st.id = old.id
	} else if rc.st.id = c.incoming(r); rc.st.id == "" {
		rc.st.id = newUUID(&rc.rnd)
	}
	rc.hdr[0] = rc.st.id
	rc.st.fill()
	return rc, r.WithContext(rc)
}

// incoming returns the acceptable ID the request brings, or "".
func (c *requestIDConfig) incoming(r *http.Request) string {
	if c.traceparent {
		if v := r.Header["Traceparent"]; len(v) == 1 {
			if id, ok := traceID(v[0]); ok {
				return id
			}
		}
	}
	if c.ignore || c.header == "" {
		return ""
	}
	if v := r.Header[c.header]; len(v) == 1 && ValidRequestID(v[0]) {
		return v[0]
	}
	return ""
}

// traceID returns the trace-id of a W3C Trace Context traceparent value:
// version "-" trace-id "-" parent-id "-" flags, all lowercase hex, with
// neither the trace-id nor the parent-id all zeros. Version 00 is exactly
// 55 bytes long. A higher version is parsed by the version-00 fields when
// it is at least that long and what follows them starts with "-" (Trace
// Context, "Versioning of traceparent"); version ff is invalid.
func traceID(v string) (string, bool) {
	if len(v) < 55 || v[2] != '-' || v[35] != '-' || v[52] != '-' {
		return "", false
	}
	version := v[:2]
	if !lowerHex(version) || version == "ff" || (version == "00" && len(v) != 55) || (len(v) > 55 && v[55] != '-') {
		return "", false
	}
	trace, parent, flags := v[3:35], v[36:52], v[53:55]
	if !lowerHex(trace) || !lowerHex(parent) || !lowerHex(flags) || allZero(trace) || allZero(parent) {
		return "", false
	}
	return trace, true
}

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func allZero(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

// NewRequestID returns a fresh request ID: a random (version 4, RFC 9562
// §5.4) UUID in lowercase, from crypto/rand, carrying no hostname, process
// ID or counter. It is what the [Middleware] gives a request that brings no
// acceptable ID, for framework adapters that assign IDs themselves.
func NewRequestID() string {
	var b [16]byte
	return newUUID(&b)
}

// newUUID fills b with random bits and returns them as a UUIDv4.
func newUUID(b *[16]byte) string {
	_, _ = rand.Read(b[:]) // never fails (crypto/rand crashes the program instead)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexdigits = "0123456789abcdef"
	var out [36]byte
	j := 0
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j] = hexdigits[x>>4]
		out[j+1] = hexdigits[x&0x0f]
		j += 2
	}
	return string(out[:])
}
