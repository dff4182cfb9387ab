package envelope

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
)

// RequestIDOptions configures the request ID middleware ([RequestID], and
// the first step of [Middleware]). The zero value accepts a safe incoming
// X-Request-Id and otherwise generates a UUIDv4.
type RequestIDOptions struct {
	// Header is the request header an incoming ID is read from, and the
	// response header the ID is echoed in. Empty means the request ID
	// header of the ErrorWriter's format, or else "X-Request-Id". Keep it
	// the same as the format's [Format.RequestIDHeader], or responses carry
	// the ID under two names.
	Header string
	// IgnoreIncoming, when true, never accepts an ID from the request
	// header: every request gets a fresh one. It suits a server that faces
	// the internet directly (an edge), where no client is trusted to name
	// its own requests.
	IgnoreIncoming bool
	// Traceparent, when true, takes the ID from the trace-id of a valid W3C
	// Trace Context traceparent header (version 00, lowercase hex, non-zero
	// trace-id and parent-id), so logs and traces share one key. It is
	// consulted before the request ID header, and also when IgnoreIncoming
	// is set. An invalid or repeated traceparent is ignored.
	Traceparent bool
	// ErrorWriter is placed in the request context with the ID, so the
	// package-level [Write] inside handlers renders errors with it. Nil
	// keeps the writer the context already carries (by default, the flat
	// format). Within [Middleware], [MiddlewareOptions.ErrorWriter] is used
	// when this is nil.
	ErrorWriter *ErrorWriter
}

// requestIDConfig is RequestIDOptions validated and precomputed.
type requestIDConfig struct {
	header      string // canonical
	ignore      bool
	traceparent bool
	writer      *ErrorWriter
}

func newRequestIDConfig(opts RequestIDOptions) (*requestIDConfig, error) {
	c := &requestIDConfig{ignore: opts.IgnoreIncoming, traceparent: opts.Traceparent, writer: opts.ErrorWriter}
	switch {
	case opts.Header != "":
		if !validHeaderName(opts.Header) {
			return nil, fmt.Errorf("envelope: request ID header %q is not a valid header name", opts.Header)
		}
		c.header = canonicalKey(opts.Header)
	case opts.ErrorWriter != nil && opts.ErrorWriter.format.idHeader != "":
		c.header = opts.ErrorWriter.format.idHeader
	default:
		c.header = "X-Request-Id"
	}
	return c, nil
}

// RequestID returns middleware that gives every request an ID: a safe
// incoming one (see [RequestIDOptions]) or a fresh random UUIDv4. The ID
// goes into the request context ([RequestIDFrom] reads it), with the
// configured [ErrorWriter], and onto the response header of every
// response, and [Write] puts it in every error body.
//
// An incoming ID is accepted only when it is a single header line of at
// most 128 bytes made of ASCII letters, digits and "-", "_", ".", ":",
// "+", "=", "/". Anything else (too long, control or non-ASCII bytes, a
// repeated header) is replaced by a fresh ID, never cleaned up: a cleaned
// ID would be a different, attacker-shaped value. Generated IDs come from
// crypto/rand and carry no hostname, process ID or counter.
//
// When the request context already carries an ID (the middleware is
// wrapped twice, or [ContextWithRequestID] ran first), that ID is kept
// and echoed, so a request has exactly one.
//
// Headers: it sets the request ID header on the response before calling
// the next handler; it never modifies the incoming request (the next
// handler gets a shallow copy with a new context). It returns an error
// when the header name is invalid, and does not panic. The middleware is
// safe for concurrent use.
func RequestID(opts RequestIDOptions) (func(http.Handler) http.Handler, error) {
	c, err := newRequestIDConfig(opts)
	if err != nil {
		return nil, err
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			st, r2 := c.begin(r, nil)
			w.Header()[c.header] = st.hdr[:]
			next.ServeHTTP(w, r2)
		})
	}, nil
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
// the ID, and the request to pass on. When r's context already carries an
// ID, the state is reused and r returned as is: no allocation. fallback is
// the ErrorWriter used when neither the options nor the context name one.
func (c *requestIDConfig) begin(r *http.Request, fallback *ErrorWriter) (*requestContext, *http.Request) {
	parent := r.Context()
	old := stateFrom(parent)
	if rc, ok := parent.(*requestContext); ok && old == &rc.st {
		return rc, r
	}
	rc := &requestContext{Context: parent}
	rc.st.writer = c.writer
	if rc.st.writer == nil && old != nil {
		rc.st.writer = old.writer
	}
	if rc.st.writer == nil {
		rc.st.writer = fallback
	}
	if old != nil && old.id != "" {
		rc.st.id = old.id
	} else if rc.st.id = c.incoming(r); rc.st.id == "" {
		rc.st.id = rc.newID()
	}
	rc.hdr[0] = rc.st.id
	rc.st.setValues()
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
	if c.ignore {
		return ""
	}
	if v := r.Header[c.header]; len(v) == 1 && validRequestID(v[0]) {
		return v[0]
	}
	return ""
}

// traceID returns the trace-id of a W3C Trace Context traceparent value
// of version 00: "00-" 32 lowercase hex "-" 16 lowercase hex "-" 2
// lowercase hex, with neither the trace-id nor the parent-id all zeros.
func traceID(v string) (string, bool) {
	if len(v) != 55 || v[0] != '0' || v[1] != '0' || v[2] != '-' || v[35] != '-' || v[52] != '-' {
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

// newID returns a random (version 4, RFC 9562 §5.4) UUID in lowercase.
func (rc *requestContext) newID() string {
	b := &rc.rnd
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
