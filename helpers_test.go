package envelope

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The helpers every test file of the package shares: servers and clients,
// log recorders, writers, golden files and the test domain codes.

var updateGolden = flag.Bool("update", false, "rewrite golden files in testdata/ and the generated documents in docs/")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *updateGolden {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test -update")
	assert.Equal(t, string(want), string(got), "golden %s", name)
}

// serve starts a real server for h and closes it when the test ends.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// serveError starts a real server whose every request is answered with
// handler (a func literal need not be converted); see serve.
func serveError(t testing.TB, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	return serve(t, handler)
}

// do sends one request through a real client and returns the response
// with its body read.
func do(t testing.TB, srv *httptest.Server, method, path string, header http.Header, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, body)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// serveLogged starts a real server whose own error log (net/http's "http:
// panic serving", "superfluous WriteHeader", ...) is captured. Read the log
// after srv.Close, which waits for the server's handlers to return.
func serveLogged(t testing.TB, h http.Handler) (*httptest.Server, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(buf, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, buf
}

// uuidV4 matches a lowercase random (version 4) UUID.
var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// fetch is do with the request headers given as name, value pairs.
func fetch(t testing.TB, srv *httptest.Server, method, path string, body io.Reader, header ...string) (*http.Response, []byte) {
	t.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	return do(t, srv, method, path, h, body)
}

// waitBound bounds how long a test waits for an event that must happen; it
// only matters when the test is about to fail.
const waitBound = 10 * time.Second

// waitFor waits until ch is closed or receives, failing the test after
// waitBound.
func waitFor(t testing.TB, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitBound):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// receive waits for a value on ch, failing the test after waitBound.
func receive[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitBound):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// rawGet sends a GET over a fresh connection and returns it with a reader
// positioned after the request, so the test controls when to hang up.
func rawGet(t testing.TB, addr, path string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
	require.NoError(t, err)
	return c, bufio.NewReader(c)
}

// decodeBody parses an error body as a JSON object.
func decodeBody(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "body %q", b)
	return m
}

// logRecorder is a slog handler that keeps its records, and lets a test wait
// for a record it expects (the server may log after the client has its
// response).
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
	changed chan struct{} // closed and replaced on every record
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r.Clone())
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
	return nil
}
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }

type loggedRecord struct {
	msg   string
	level slog.Level
	attrs map[string]string
}

// all returns the records so far, each as message and attributes.
func (l *logRecorder) all() []loggedRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.snapshot()
}

func (l *logRecorder) snapshot() []loggedRecord {
	out := make([]loggedRecord, 0, len(l.records))
	for _, r := range l.records {
		lr := loggedRecord{msg: r.Message, level: r.Level, attrs: map[string]string{}}
		r.Attrs(func(a slog.Attr) bool {
			lr.attrs[a.Key] = a.Value.String()
			return true
		})
		out = append(out, lr)
	}
	return out
}

// waitRecord waits until a record satisfies ok and returns it, failing the
// test after waitBound.
func (l *logRecorder) waitRecord(t testing.TB, what string, ok func(loggedRecord) bool) loggedRecord {
	t.Helper()
	deadline := time.After(waitBound)
	for {
		l.mu.Lock()
		for _, r := range l.snapshot() {
			if ok(r) {
				l.mu.Unlock()
				return r
			}
		}
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out waiting for a log record: %s", what)
		}
	}
}

// waitMsg waits for a record with the message msg.
func (l *logRecorder) waitMsg(t testing.TB, msg string) loggedRecord {
	t.Helper()
	return l.waitRecord(t, msg, func(r loggedRecord) bool { return r.msg == msg })
}

// count returns how many records have the message msg.
func (l *logRecorder) count(msg string) int {
	n := 0
	for _, r := range l.all() {
		if r.msg == msg {
			n++
		}
	}
	return n
}

func newLogRecorder() (*logRecorder, *slog.Logger) {
	l := &logRecorder{}
	return l, slog.New(l)
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// panickyHandler is a log handler that panics on every record.
type panickyHandler struct{ slog.Handler }

func (panickyHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panickyHandler) Handle(context.Context, slog.Record) error { panic("log handler broken") }

func panickyLogger() *slog.Logger { return slog.New(panickyHandler{}) }

// newWriter builds a writer from opts, logging nowhere unless opts says.
func newWriter(t testing.TB, opts WriterOptions) *Writer {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = discardLogger()
	}
	ew, err := NewWriter(opts)
	require.NoError(t, err)
	return ew
}

// quietWriter is the default writer, logging nowhere.
func quietWriter(t testing.TB) *Writer {
	t.Helper()
	return newWriter(t, WriterOptions{})
}

// recordingWriter is a writer whose logs go to a recorder.
func recordingWriter(t testing.TB) (*Writer, *logRecorder) {
	t.Helper()
	rec, logger := newLogRecorder()
	return newWriter(t, WriterOptions{Logger: logger}), rec
}

// chainFor wraps h in the middleware with ew and opts.
func chainFor(t testing.TB, ew *Writer, opts MiddlewareOptions, h http.Handler) http.Handler {
	t.Helper()
	opts.Writer = ew
	mw, err := Middleware(opts)
	require.NoError(t, err)
	return mw(h)
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func containsControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// contextWith returns r's context with an unrelated value added, so the
// package's state is no longer the innermost context.
func contextWith(r *http.Request, key any) context.Context {
	return context.WithValue(r.Context(), key, "x")
}

// testDomain are the domain codes the contract tests declare.
var testDomain = []CodeInfo{
	{Code: "version_drift", Status: 409, Message: "The environment moved on; re-propose against the new state."},
	{Code: "token_rate_limit", Status: 429, Message: "The token's rate limit is exhausted."},
	{Code: "in_use", Status: 409, Message: "The resource is still referenced."},
	{Code: "invalid_confirmation", Status: 400, Message: "The confirmation does not match."},
	{Code: "admin_limit_reached", Status: 403, Message: "Maximum admin seats reached."},
	{Code: "subscription_required", Status: 402, Message: "Action needs an active subscription."},
	{Code: "ruleset_not_cached", Status: 503, Message: "The environment has no materialized ruleset yet."},
}

// testCodes returns the table of the built-in and the test domain codes.
func testCodes(t testing.TB) *Codes {
	t.Helper()
	c, err := NewCodes(testDomain...)
	require.NoError(t, err)
	return c
}

// domainErr returns an error of a test domain code, as an application
// declares it once (testDomain) and builds it with New.
func domainErr(t testing.TB, c Code) *APIError {
	t.Helper()
	for _, info := range testDomain {
		if info.Code == c {
			return New(c, "")
		}
	}
	t.Fatalf("test code %q is not declared", c)
	return nil
}

// errOf returns a constructor of e, for tables of cases.
func errOf(e *APIError) func(testing.TB) error { return func(testing.TB) error { return e } }

// errorServer serves, at each path of errs, the error stored there through
// a writer built from opts (its codes the test domain's unless opts says).
// A request with an X-Test-Id header gets that request ID, as the
// middleware would give it.
func errorServer(t testing.TB, opts WriterOptions, errs map[string]error) *httptest.Server {
	t.Helper()
	if opts.Codes == nil {
		opts.Codes = testCodes(t)
	}
	ew := newWriter(t, opts)
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get("X-Test-Id"); id != "" {
			r = r.WithContext(ContextWithRequestID(r.Context(), id))
		}
		e, ok := errs[r.URL.Path]
		if !ok {
			http.Error(w, "no such test path", http.StatusTeapot)
			return
		}
		ew.Write(w, r, e)
	}))
}

// withID returns a handler that gives each request the ID "req_test" before
// writing err with ew, as the middleware would.
func withID(ew *Writer, err error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(ContextWithRequestID(r.Context(), "req_test"))
		ew.Write(w, r, err)
	}
}

// discardWriter is a ResponseWriter that keeps the status and header and
// throws the body away, with a fresh header map as net/http gives each
// response; for allocation tests and benchmarks.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func newDiscardWriter() *discardWriter { return &discardWriter{h: make(http.Header)} }

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(s int)   { w.status = s }
func (w *discardWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

// bytesReader is strings.NewReader for a request body.
func bytesReader(s string) io.Reader { return strings.NewReader(s) }

// loggedMessages returns the messages of the records so far.
func loggedMessages(rec *logRecorder) []string {
	var msgs []string
	for _, l := range rec.all() {
		msgs = append(msgs, l.msg)
	}
	return msgs
}

// panickyStringer is a value whose String method panics with an error
// whose Error method panics too.
type panickyStringer struct{}

func (panickyStringer) String() string { panic(panickyError{}) }

// sfItem is one parsed RFC 9651 list member with a string bare item and
// integer parameters, the only shapes the rate-limit fields use.
type sfItem struct {
	name   string
	params map[string]int64
	keys   []string
}

// parseSFList strictly parses an RFC 9651 §4.2.1 list whose members are
// sf-strings with integer parameters. It rejects anything else, including
// negative or over-long integers, bad escapes and non-printable bytes.
func parseSFList(s string) ([]sfItem, error) {
	var items []sfItem
	i := 0
	skipSP := func() {
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	skipOWS := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	skipSP()
	for i < len(s) {
		if s[i] != '"' {
			return nil, fmt.Errorf("at %d: want sf-string", i)
		}
		i++
		var name []byte
		closed := false
		for i < len(s) {
			c := s[i]
			i++
			if c == '\\' {
				if i >= len(s) || (s[i] != '"' && s[i] != '\\') {
					return nil, fmt.Errorf("at %d: bad escape", i)
				}
				name = append(name, s[i])
				i++
				continue
			}
			if c == '"' {
				closed = true
				break
			}
			if c < 0x20 || c > 0x7e {
				return nil, fmt.Errorf("at %d: byte %#x in string", i, c)
			}
			name = append(name, c)
		}
		if !closed {
			return nil, fmt.Errorf("unterminated string")
		}
		it := sfItem{name: string(name), params: map[string]int64{}}
		for i < len(s) && s[i] == ';' {
			i++
			skipSP()
			st := i
			if i >= len(s) || !(s[i] >= 'a' && s[i] <= 'z' || s[i] == '*') {
				return nil, fmt.Errorf("at %d: bad key", i)
			}
			for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] == '_' || s[i] == '-' || s[i] == '.' || s[i] == '*') {
				i++
			}
			key := s[st:i]
			if i >= len(s) || s[i] != '=' {
				return nil, fmt.Errorf("at %d: parameter %q has no integer", i, key)
			}
			i++
			st = i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if i == st || i-st > 15 {
				return nil, fmt.Errorf("at %d: want 1 to 15 digits, got %q", st, s[st:i])
			}
			v, err := strconv.ParseInt(s[st:i], 10, 64)
			if err != nil {
				return nil, err
			}
			if _, dup := it.params[key]; dup {
				return nil, fmt.Errorf("duplicate parameter %q", key)
			}
			it.params[key] = v
			it.keys = append(it.keys, key)
		}
		items = append(items, it)
		skipOWS()
		if i >= len(s) {
			break
		}
		if s[i] != ',' {
			return nil, fmt.Errorf("at %d: want comma", i)
		}
		i++
		skipOWS()
		if i >= len(s) {
			return nil, fmt.Errorf("trailing comma")
		}
	}
	return items, nil
}
