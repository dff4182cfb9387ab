package envelope

// Regression tests for what a hostile client or a careless handler could
// do to a server through the error path: each drives a real server, over
// a raw connection where the bytes on the wire matter.

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireRequest opens a connection to srv, sends req exactly as given, and
// returns a reader for what the server sends back. The deadline is a
// failure guard only: a passing test waits for the answer, never for it.
func wireRequest(t *testing.T, srv *httptest.Server, req string) *bufio.Reader {
	t.Helper()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(waitBound)))
	_, err = io.WriteString(c, req)
	require.NoError(t, err)
	return bufio.NewReader(c)
}

// wireResponse reads one response to a request of method from br, body
// included, and fails the test when it does not parse or is not framed
// correctly.
func wireResponse(t *testing.T, br *bufio.Reader, method string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	require.NoError(t, err, "the response parses")
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err, "the body is framed correctly")
	require.NoError(t, resp.Body.Close())
	return resp, body
}

// assertClosedByServer checks that the server closed the connection after
// its response: the next read sees the end of the stream, not more bytes
// and not the guard's timeout. net/http half-closes, then closes 500 ms
// later; when the client had sent bytes the server never read, that close
// is a reset, which a client slower than 500 ms to read sees instead of
// the end of the stream. Both are the server closing.
func assertClosedByServer(t *testing.T, br *bufio.Reader) {
	t.Helper()
	n, err := br.Read(make([]byte, 1))
	assert.Zero(t, n)
	if !errors.Is(err, syscall.ECONNRESET) {
		assert.ErrorIs(t, err, io.EOF, "the server closed the connection")
	}
}

// assertEnvelope checks that body is the flat envelope of code.
func assertEnvelope(t *testing.T, resp *http.Response, body []byte, code Code) {
	t.Helper()
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, string(code), decodeBody(t, body)["code"], "body %s", body)
}

// quietChain wraps h in the chain with opts and a writer in format f that
// logs nowhere.
func quietChain(t *testing.T, f Format, opts MiddlewareOptions, h http.Handler) http.Handler {
	t.Helper()
	return chainFor(t, newWriter(t, WriterOptions{Format: f}), opts, h)
}

// readBodyOwn413 reads the request body and echoes it, or answers a failed
// read with its own plain-text 413: a handler that does not use the
// writer at all.
var readBodyOwn413 = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	}
	_, _ = w.Write(b)
})

// decodeJSONBody decodes the request body with [DecodeRequest] and returns
// its error.
var decodeJSONBody = HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
	var v map[string]any
	if err := DecodeRequest(r, &v); err != nil {
		return err
	}
	_, err := io.WriteString(w, `{"ok":true}`)
	return err
})

// hideCapabilities wraps the writer in one that has only the three
// methods of http.ResponseWriter: no Flush, no Hijack, no Unwrap, like a
// logging middleware written without them.
func hideCapabilities(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(struct{ http.ResponseWriter }{w}, r)
	})
}

// chunkedOverrun is a chunked request whose first chunk already runs past
// a 1 KiB limit, and which never ends: the client waits for the answer
// before it sends more.
func chunkedOverrun() string {
	chunk := `{"a":"` + strings.Repeat("x", 2042) + `"}`
	return fmt.Sprintf("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(chunk), chunk)
}

// A chunked body that runs over the limit is answered while the client
// still holds the rest back, with Connection: close, and the connection is
// closed after it, whoever writes the 413: net/http's own hook is found
// through Unwrap, and the read deadline ends net/http's last look for the
// end of the body. Behind a wrapper that hides net/http's writer without
// Unwrap, neither can be reached: the answer still comes at once with
// Connection: close, and the server's ReadTimeout ends the connection
// (see docs/middleware.md).
func TestBodyLimitChunkedOverrunCloses(t *testing.T) {
	t.Parallel()
	opts := MiddlewareOptions{MaxBodyBytes: 1 << 10}
	for name, h := range map[string]http.Handler{
		"envelope":                                  quietChain(t, FlatFormat(), opts, decodeJSONBody),
		"handler's own 413":                         quietChain(t, FlatFormat(), opts, readBodyOwn413),
		"plain router pages, handler's own 413":     quietChain(t, FlatFormat(), MiddlewareOptions{MaxBodyBytes: 1 << 10, PlainRouterPages: true}, readBodyOwn413),
		"behind a wrapper without Unwrap, envelope": hideCapabilities(quietChain(t, FlatFormat(), opts, decodeJSONBody)),
		"chain in a chain, envelope":                quietChain(t, FlatFormat(), MiddlewareOptions{}, quietChain(t, FlatFormat(), opts, decodeJSONBody)),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			br := wireRequest(t, serve(t, h), chunkedOverrun())
			resp, body := wireResponse(t, br, http.MethodPost)
			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
			assert.True(t, resp.Close, "Connection: close")
			if strings.HasSuffix(name, "envelope") {
				assertEnvelope(t, resp, body, CodePayloadTooLarge)
			}
			if !strings.HasPrefix(name, "behind a wrapper") {
				assertClosedByServer(t, br)
			}
		})
	}
}

// contentLengthOver announces a 4 KiB body and sends none of it: the
// client waits for the answer first.
const contentLengthOver = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"

// Every 413 refuses the body: without Connection: close net/http would
// first read and discard the refused body (up to 256 KiB) and send nothing
// until the server's ReadTimeout. The client sends the headers (and at
// most part of the body) and waits: the answer must come, and the server
// must close the connection after it.
func TestPayloadTooLargeAnswersAtOnce(t *testing.T) {
	t.Parallel()
	ownCap := HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v any
		return RequestDecoder{MaxBytes: 1 << 10}.Decode(r, &v)
	})
	refuse := HandlerFunc(func(http.ResponseWriter, *http.Request) error { return PayloadTooLarge("") })
	limited := MiddlewareOptions{MaxBodyBytes: 1 << 10}
	ew := quietWriter(t)
	tests := []struct {
		name string
		h    http.Handler
		req  string
	}{
		{"limit, Content-Length over", quietChain(t, FlatFormat(), limited, decodeJSONBody), contentLengthOver},
		{"limit behind a wrapper without Unwrap", hideCapabilities(quietChain(t, FlatFormat(), limited, decodeJSONBody)), contentLengthOver},
		{"limit, Expect: 100-continue", quietChain(t, FlatFormat(), limited, decodeJSONBody),
			strings.Replace(contentLengthOver, "\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n", 1)},
		{"limit, body sent in full", quietChain(t, FlatFormat(), limited, decodeJSONBody), contentLengthOver + strings.Repeat(" ", 4096)},
		{"handler's PayloadTooLarge", quietChain(t, FlatFormat(), MiddlewareOptions{}, refuse), contentLengthOver},
		{"decoder's own cap, half the body sent", quietChain(t, FlatFormat(), MiddlewareOptions{}, ownCap), contentLengthOver + strings.Repeat(" ", 2048)},
		{"decoder's own cap, chunked", quietChain(t, FlatFormat(), MiddlewareOptions{}, ownCap), chunkedOverrun()},
		{"Writer.Write without the chain", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ew.Write(w, r, PayloadTooLarge(""))
		}), contentLengthOver},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			br := wireRequest(t, serve(t, tt.h), tt.req)
			resp, body := wireResponse(t, br, http.MethodPost)
			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "the first answer is the 413, no 100 Continue")
			assert.True(t, resp.Close, "Connection: close")
			assertEnvelope(t, resp, body, CodePayloadTooLarge)
			if !strings.HasSuffix(tt.name, "without Unwrap") {
				assertClosedByServer(t, br)
			}
		})
	}
}

// Over HTTP/2 the server resets a refused stream by itself, and a
// Connection: close would make it drain the whole connection (a GOAWAY):
// refusing a body is HTTP/1.x only, so the next request reuses the
// connection. It speaks HTTP/2 without TLS: a TLS handshake under -race on
// a busy machine can take longer than the HTTP/2 server waits for the
// client's first SETTINGS frame.
func TestPayloadTooLargeOverHTTP2(t *testing.T) {
	t.Parallel()
	var h2c http.Protocols
	h2c.SetUnencryptedHTTP2(true)
	srv := httptest.NewUnstartedServer(quietChain(t, FlatFormat(), MiddlewareOptions{MaxBodyBytes: 1 << 10}, decodeJSONBody))
	srv.Config.Protocols = &h2c
	srv.Start()
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{Protocols: &h2c}}
	t.Cleanup(client.CloseIdleConnections)
	reused := make([]bool, 0, 2)
	for _, size := range []int{4 << 10, 10} {
		trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) { reused = append(reused, ci.Reused) }}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), http.MethodPost, srv.URL,
			strings.NewReader(`{"a":"`+strings.Repeat("x", size)+`"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, 2, resp.ProtoMajor)
		assert.Empty(t, resp.Header.Values("Connection"))
		if size > 1<<10 {
			assertEnvelope(t, resp, body, CodePayloadTooLarge)
		} else {
			assert.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		}
	}
	assert.Equal(t, []bool{false, true}, reused, "the second request reused the connection")
}

// Headers set with WithHeader may not take over the framing of the error
// body (Content-Length: 2 would give the client an unexpected EOF, 99999 a
// body that never ends, Transfer-Encoding: gzip a response that does not
// parse), nor set what is the connection's or the writer's own (RFC 9110
// §7.6.1): each response parses, its body is the envelope, and a second
// request on the same connection is still answered, so the framing held.
func TestErrorHeadersCannotFrameTheBody(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, value string }{
		{"Content-Length", "2"},
		{"Content-Length", "99999"},
		{"content-length", "0"},
		{"Transfer-Encoding", "gzip"},
		{"Transfer-Encoding", "chunked"},
		{"Transfer-Encoding", "identity"},
		{"Trailer", "X-Late"},
		{"Connection", "close"},
		{"Connection", "Content-Type, X-Request-Id"},
		{"Keep-Alive", "timeout=1"},
		{"TE", "trailers"},
		{"Upgrade", "websocket"},
		{"Proxy-Connection", "keep-alive"},
		{"Proxy-Authenticate", `Basic realm="proxy"`},
		{"Content-Type", "text/html"},
		{"Content-Encoding", "gzip"},
		{"X-Content-Type-Options", "sniff"},
		{"X-Request-Id", "forged"},
	}
	for _, tt := range tests {
		t.Run(tt.name+": "+tt.value, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, quietChain(t, FlatFormat(), MiddlewareOptions{}, HandlerFunc(func(http.ResponseWriter, *http.Request) error {
				return NotFound("").WithHeader(tt.name, tt.value).WithHeader("X-Kept", "yes")
			})))
			const get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
			br := wireRequest(t, srv, get+get)
			for i := range 2 {
				resp, body := wireResponse(t, br, http.MethodGet)
				assert.Equal(t, http.StatusNotFound, resp.StatusCode, "response %d", i+1)
				assertEnvelope(t, resp, body, CodeNotFound)
				assert.Equal(t, int64(len(body)), resp.ContentLength, "framed by net/http")
				assert.Empty(t, resp.TransferEncoding)
				assert.False(t, resp.Close, "the connection stays usable")
				assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
				assert.Equal(t, decodeBody(t, body)["requestId"], resp.Header.Get("X-Request-Id"), "one request ID")
				assert.Equal(t, "yes", resp.Header.Get("X-Kept"), "other headers still go out")
				for _, k := range []string{"Connection", "Trailer", "Keep-Alive", "Te", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Content-Encoding"} {
					assert.Empty(t, resp.Header.Values(k), k)
				}
			}
		})
	}
}

// A Transfer-Encoding the handler set for the body it meant to send is
// deleted with the other stale headers, as Content-Length is, so it cannot
// frame the error body either.
func TestHandlerTransferEncodingIsStale(t *testing.T) {
	t.Parallel()
	srv := serve(t, quietChain(t, FlatFormat(), MiddlewareOptions{}, HandlerFunc(func(w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Transfer-Encoding", "gzip")
		return Conflict("")
	})))
	resp, body := wireResponse(t, wireRequest(t, srv, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), http.MethodGet)
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assertEnvelope(t, resp, body, CodeConflict)
}

// The request ID header is set on every response, so a name that frames
// the body or the connection, or that the writer sets for a purpose of its
// own, is refused when the writer is built, not sent.
func TestRequestIDHeaderCannotFrameTheBody(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Content-Length", "transfer-encoding", "Connection", "Content-Type", "Proxy-Authorization", "cache-control", "Vary", "WWW-Authenticate"} {
		f := FlatFormat()
		f.RequestIDHeader = name
		_, err := NewWriter(WriterOptions{Format: f})
		assert.ErrorContains(t, err, "is a header the writer or the connection needs", name)
	}
	for _, name := range []string{"X-Correlation-Id", "Request-Id", "X-Amzn-Trace-Id"} {
		f := FlatFormat()
		f.RequestIDHeader = name
		_, err := NewWriter(WriterOptions{Format: f})
		assert.NoError(t, err, name)
	}
}

// A 401 always carries a challenge (RFC 9110 §11.6.1: at least one): a
// blank value, the error's or the handler's, or a list of nothing, gives
// way to the format's challenge; a real one is kept. A challenge that does
// not start with an auth-scheme is refused when the writer is built.
func TestUnauthorizedAlwaysCarriesAChallenge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler string // set on the writer by the handler before it fails
		err     string // set with WithHeader; "-" for none
		want    string
	}{
		{"error's empty challenge", "", "", "Bearer"},
		{"error's blank challenge", "", " \t ", "Bearer"},
		{"error's list of nothing", "", " , ,", "Bearer"},
		{"handler's blank challenge", " ", "-", "Bearer"},
		{"handler's list of nothing", ",", "-", "Bearer"},
		{"error's empty challenge over the handler's", `Basic realm="api"`, "", `Basic realm="api"`},
		{"error's own challenge", "", `Bearer error="invalid_token"`, `Bearer error="invalid_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, quietChain(t, FlatFormat(), MiddlewareOptions{}, HandlerFunc(func(w http.ResponseWriter, _ *http.Request) error {
				if tt.handler != "" {
					w.Header().Set("WWW-Authenticate", tt.handler)
				}
				if tt.err == "-" {
					return Unauthorized("")
				}
				return Unauthorized("").WithHeader("WWW-Authenticate", tt.err)
			})))
			resp, body := wireResponse(t, wireRequest(t, srv, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), http.MethodGet)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assertEnvelope(t, resp, body, CodeUnauthorized)
			assert.Equal(t, []string{tt.want}, resp.Header.Values("WWW-Authenticate"))
		})
	}
	for _, ch := range []string{" ", "\t", ", ,", ` Bearer realm="x"`, `="x"`} {
		f := FlatFormat()
		f.Challenge = ch
		_, err := NewWriter(WriterOptions{Format: f})
		assert.Error(t, err, "%q", ch)
	}
}

// reportCapabilities answers with what the writer it gets claims, and
// whether a flush through it works.
var reportCapabilities = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	_, f := w.(http.Flusher)
	_, h := w.(http.Hijacker)
	err := http.NewResponseController(w).Flush()
	_, _ = fmt.Fprintf(w, "flusher=%v hijacker=%v flushed=%v", f, h, err == nil)
})

// The chain's wrappers claim http.Flusher exactly when a flush works, and
// http.Hijacker only when the writer below has it, however they are
// stacked.
func TestWrappersClaimOnlyWhatWorks(t *testing.T) {
	t.Parallel()
	plain := MiddlewareOptions{PlainRouterPages: true}
	tests := []struct {
		name string
		h    http.Handler
		want string
	}{
		{"chain, nothing below", hideCapabilities(quietChain(t, FlatFormat(), MiddlewareOptions{}, reportCapabilities)), "flusher=false hijacker=false flushed=false"},
		{"chain without router step, nothing below", hideCapabilities(quietChain(t, FlatFormat(), plain, reportCapabilities)), "flusher=false hijacker=false flushed=false"},
		{"chain twice, nothing below", hideCapabilities(quietChain(t, FlatFormat(), MiddlewareOptions{}, quietChain(t, FlatFormat(), MiddlewareOptions{}, reportCapabilities))), "flusher=false hijacker=false flushed=false"},
		{"chain", quietChain(t, FlatFormat(), MiddlewareOptions{}, reportCapabilities), "flusher=true hijacker=true flushed=true"},
		{"chain twice", quietChain(t, FlatFormat(), plain, quietChain(t, FlatFormat(), MiddlewareOptions{}, reportCapabilities)), "flusher=true hijacker=true flushed=true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := wireResponse(t, wireRequest(t, serve(t, tt.h), "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), http.MethodGet)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, tt.want, string(body))
		})
	}
}

// A handler that set a bare 404 (held by the router step: no Content-Type,
// no body yet) and then took the connection over gets no envelope written
// after it: the router step records the hijack.
func TestRouterStepAfterHijack(t *testing.T) {
	t.Parallel()
	ew, rec := recordingWriter(t)
	done := make(chan struct{})
	srv, serverLog := serveLogged(t, returned(done, chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		conn, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
		_ = brw.Flush()
	}))))
	resp, body := wireResponse(t, wireRequest(t, srv, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), http.MethodGet)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hi", string(body))
	waitFor(t, done, "the handler to return")
	assert.Empty(t, serverLog.String(), "nothing written to the hijacked connection")
	assert.Empty(t, rec.all(), "no error written, none refused")
}

// The problem instance of a request target like //evil.example/steal
// (routers that do not clean paths pass it through) must not be a
// network-path reference to another host (RFC 3986 §4.2): RFC 9457 lets
// clients dereference instance. Resolved against the server's URL, every
// instance stays on the server's host.
func TestProblemInstanceStaysOnTheHost(t *testing.T) {
	t.Parallel()
	srv := serve(t, quietChain(t, ProblemFormat(), MiddlewareOptions{}, HandlerFunc(func(http.ResponseWriter, *http.Request) error { return Conflict("") })))
	base, err := url.Parse("https://api.example/v1/")
	require.NoError(t, err)
	for _, target := range []string{
		"//evil.example/steal",
		"///evil.example/steal",
		"//evil.example",
		"//%65vil.example/steal",
		"/\\evil.example/steal",
		"/\\\\evil.example/steal",
		"http://api.example//evil.example/steal",
		"/ok/path",
	} {
		resp, body := wireResponse(t, wireRequest(t, srv, "GET "+target+" HTTP/1.1\r\nHost: x\r\n\r\n"), http.MethodGet)
		require.Equal(t, http.StatusConflict, resp.StatusCode, target)
		var p struct{ Instance string }
		require.NoError(t, json.Unmarshal(body, &p), "%s: %s", target, body)
		ref, err := url.Parse(p.Instance)
		require.NoError(t, err, "%s: instance %q", target, p.Instance)
		got := base.ResolveReference(ref)
		assert.Equal(t, "api.example", got.Host, "%s: instance %q resolves to %s", target, p.Instance, got)
		assert.True(t, strings.HasPrefix(p.Instance, "/") && !strings.HasPrefix(p.Instance, "//"), "%s: instance %q", target, p.Instance)
		assert.NotContains(t, p.Instance, "\\", "%s: browsers read a backslash as a slash", target)
	}
}

// The title of a problem is never empty (RFC 9457 §3.1.3 wants a short
// summary): for about:blank, the status's reason phrase, "Client Closed
// Request" for 499 and the class's name for a status without a phrase;
// for a typed problem, the code's message.
func TestProblemTitleIsNeverEmpty(t *testing.T) {
	t.Parallel()
	const blocked Code = "blocked_by_policy"
	codes, err := NewCodes(CodeInfo{Code: blocked, Status: 460, Message: "Blocked by the account's policy."})
	require.NoError(t, err)
	typed := ProblemFormat()
	typed.Codes = map[Code]FormatCode{}
	for _, c := range []Code{CodeCanceled, CodeNotFound, blocked} {
		typed.Codes[c] = FormatCode{Attrs: map[string]string{"type": "https://api.example/problems/" + string(c)}}
	}
	tests := []struct {
		name string
		err  *APIError
		want map[string]string // format -> title
	}{
		{"canceled", Canceled(""), map[string]string{"about:blank": "Client Closed Request", "typed": "The request was canceled."}},
		{"domain code, status 460", New(blocked, ""), map[string]string{"about:blank": "Client Error", "typed": "Blocked by the account's policy."}},
		{"unknown code, status 460", New("unregistered", "").WithStatus(460), map[string]string{"about:blank": "Client Error"}},
		{"status 599", Internal("").WithStatus(599), map[string]string{"about:blank": "Server Error"}},
		{"status with a phrase", NotFound(""), map[string]string{"about:blank": "Not Found", "typed": "The requested resource was not found."}},
	}
	for name, f := range map[string]Format{"about:blank": ProblemFormat(), "typed": typed} {
		srv := serve(t, chainFor(t, newWriter(t, WriterOptions{Format: f, Codes: codes}), MiddlewareOptions{}, HandlerFunc(func(_ http.ResponseWriter, r *http.Request) error {
			for _, tt := range tests {
				if r.URL.Query().Get("case") == tt.name {
					return tt.err
				}
			}
			return nil
		})))
		for _, tt := range tests {
			resp, body := fetch(t, srv, http.MethodGet, "/x?case="+url.QueryEscape(tt.name), nil)
			var p struct {
				Title  string
				Status int
			}
			require.NoError(t, json.Unmarshal(body, &p), "%s, %s: %s", name, tt.name, body)
			assert.Equal(t, resp.StatusCode, p.Status)
			assert.NotEmpty(t, p.Title, "%s, %s: %s", name, tt.name, body)
			if want, ok := tt.want[name]; ok {
				assert.Equal(t, want, p.Title, "%s, %s", name, tt.name)
			}
		}
	}
}

// selfWrapping unwraps to itself: errors.Is and errors.As walk it forever.
type selfWrapping struct{}

func (selfWrapping) Error() string   { return "cycle" }
func (e selfWrapping) Unwrap() error { return e }

// joinsItself is a joined error that holds itself.
type joinsItself struct{}

func (joinsItself) Error() string     { return "join cycle" }
func (e joinsItself) Unwrap() []error { return []error{e, e} }

// An error chain that never ends (a bug in a handler's error type) is an
// unexpected error: a clean 500, never a hang of the request, whether it
// is returned or panicked with, and CodeOf answers too.
func TestErrorChainThatWrapsItself(t *testing.T) {
	t.Parallel()
	for name, err := range map[string]error{
		"self-wrapping":          selfWrapping{},
		"wrapped self-wrapping":  fmt.Errorf("ctx: %w", selfWrapping{}),
		"joined with itself":     joinsItself{},
		"API error over a cycle": NotFound("").WithCause(selfWrapping{}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := CodeInternal
			if _, ok := err.(*APIError); ok {
				want = CodeNotFound
			}
			assert.Equal(t, want, CodeOf(err))
			srv := serve(t, quietChain(t, FlatFormat(), MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/panic" {
					panic(err)
				}
				Write(w, r, err)
			})))
			resp, body := fetch(t, srv, http.MethodGet, "/", nil)
			assertEnvelope(t, resp, body, want)
			resp, body = fetch(t, srv, http.MethodGet, "/panic", nil)
			assertEnvelope(t, resp, body, CodeInternal)
		})
	}
}

// The error the first API error in a chain wins, in errors.As order, and
// CodeOf agrees with the response.
func TestJoinedAPIErrorsFirstWins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		code Code
	}{
		{"joined", errors.Join(NotFound(""), Conflict("")), CodeNotFound},
		{"joined, reversed", errors.Join(Conflict(""), NotFound("")), CodeConflict},
		{"joined after a plain error", errors.Join(errors.New("x"), Gone(""), NotFound("")), CodeGone},
		{"two %w", fmt.Errorf("%w; %w", Validation(""), NotFound("")), CodeValidation},
		{"nested: depth first", errors.Join(fmt.Errorf("a: %w", errors.Join(errors.New("b"), Forbidden(""))), NotFound("")), CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, quietChain(t, FlatFormat(), MiddlewareOptions{}, HandlerFunc(func(http.ResponseWriter, *http.Request) error { return tt.err })))
			resp, body := fetch(t, srv, http.MethodGet, "/", nil)
			assertEnvelope(t, resp, body, tt.code)
			assert.Equal(t, tt.code, CodeOf(tt.err))
			var ae *APIError
			require.True(t, errors.As(tt.err, &ae))
			assert.Equal(t, ae.Status(), resp.StatusCode)
		})
	}
}

// An unknown member's name comes back exactly as the client sent it,
// whatever it holds: encoding/json quotes it Go's way in its error text
// (\x01, \a, \U000e0001), not JSON's.
func TestUnknownFieldKeepsTheClientsName(t *testing.T) {
	t.Parallel()
	srv := serve(t, quietChain(t, FlatFormat(), MiddlewareOptions{}, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v struct{ Known int }
		return DecodeRequest(r, &v)
	})))
	for _, name := range []string{
		"ctl\x01x", "nul\x00", "del\x7f", "bell\a", "vtab\v", "tab\tx", "nl\nx",
		"line\u2028sep", "soft\u00adhyphen", "tag\U000e0001", "quote\"back\\slash", "plain", "é",
	} {
		raw, err := json.Marshal(map[string]int{name: 1})
		require.NoError(t, err)
		resp, body := fetch(t, srv, http.MethodPost, "/", strings.NewReader(string(raw)), "Content-Type", "application/json")
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%q", name)
		var env struct{ Fields map[string]string }
		require.NoError(t, json.Unmarshal(body, &env), "%s", body)
		assert.Equal(t, map[string]string{name: "is not a known field"}, env.Fields, "%q: %s", name, body)
	}
}
