package envelope

import (
	"bufio"
	"net"
	"net/http"
	"strings"
)

// This file is the router step of the chain: a router's plain-text 404 and
// 405 pages become error envelopes (see [MiddlewareOptions.PlainRouterPages]).

// The router step holds back a router's 404 or 405 and renders it as an
// envelope: not_found (404) or method_not_allowed (405), with the Writer in
// the request context; the 405 keeps the Allow header the router set (RFC
// 9110 §15.5.6).
//
// It recognizes such a page by its status, 404 or 405, and either a
// text/plain Content-Type (what [http.NotFound], [http.Error] and the Go
// 1.22+ [http.ServeMux] produce; the page's body is discarded) or no
// Content-Type and no body (the bare 405 some routers send). Every other
// response passes through unbuffered and unchanged, including a 404 the
// handler wrote as JSON itself: a bare 404 or 405 is held back only until
// the handler writes its first body byte or flushes.

// allowedMethods returns the methods of the Allow header, one per element.
func allowedMethods(h http.Header) []string {
	var out []string
	for _, line := range h.Values("Allow") {
		for _, m := range strings.Split(line, ",") {
			if m = strings.TrimSpace(m); m != "" {
				out = append(out, m)
			}
		}
	}
	return out
}

// routerErrorWriter holds back a router's 404 or 405 and passes anything
// else through.
type routerErrorWriter struct {
	w           http.ResponseWriter
	decided     bool // the status is known (held, intercepted or passed on)
	intercepted int  // 404 or 405 whose page is replaced
	held        int  // 404 or 405 without a Content-Type, not yet passed on
	hijacked    bool // the handler took the connection: nothing more is written
}

func (rw *routerErrorWriter) Header() http.Header { return rw.w.Header() }

func (rw *routerErrorWriter) WriteHeader(code int) {
	if !rw.decided && code >= 200 {
		rw.decided = true
		if code == http.StatusNotFound || code == http.StatusMethodNotAllowed {
			switch ct := rw.w.Header()["Content-Type"]; {
			case len(ct) == 0:
				rw.held = code // a bare status; a body may still show it is the handler's own
				return
			case isPlainText(ct[0]):
				rw.intercepted = code
				return
			}
		}
	}
	if rw.intercepted != 0 || rw.held != 0 {
		return
	}
	rw.w.WriteHeader(code)
}

func (rw *routerErrorWriter) Write(p []byte) (int, error) {
	rw.decided = true
	if rw.intercepted != 0 {
		return len(p), nil // the plain-text page is replaced
	}
	if rw.held != 0 {
		if len(p) == 0 {
			return 0, nil
		}
		rw.release()
	}
	return rw.w.Write(p)
}

// release passes a held status on: the handler is writing its own body.
func (rw *routerErrorWriter) release() {
	code := rw.held
	rw.held = 0
	rw.w.WriteHeader(code)
}

// finish renders the envelope for an intercepted or still-held status.
func (rw *routerErrorWriter) finish(r *http.Request) {
	if rw.hijacked {
		return
	}
	code := rw.intercepted
	if code == 0 {
		code = rw.held
	}
	switch code {
	case http.StatusNotFound:
		Write(rw.w, r, NotFound(""))
	case http.StatusMethodNotAllowed:
		Write(rw.w, r, MethodNotAllowed("", allowedMethods(rw.w.Header())...))
	}
}

func (rw *routerErrorWriter) Unwrap() http.ResponseWriter { return rw.w }

// envelopeStarted: once the status is decided, a later [Write] from the
// handler must not add a body, intercepted or not.
func (rw *routerErrorWriter) envelopeStarted() bool { return rw.decided || rw.hijacked }

func (rw *routerErrorWriter) FlushError() error {
	if rw.intercepted != 0 {
		return nil
	}
	if rw.held != 0 {
		rw.release()
	}
	rw.decided = true
	return http.NewResponseController(rw.w).Flush()
}

func (rw *routerErrorWriter) hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(rw.w).Hijack()
	if err == nil {
		rw.hijacked = true
	}
	return c, brw, err
}

// isPlainText reports whether a Content-Type is text/plain, with any
// parameters.
func isPlainText(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.EqualFold(strings.TrimSpace(ct), "text/plain")
}
