package envelopeecho_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/labstack/echo/v5"
	"github.com/stretchr/testify/require"
)

// waitBound bounds every wait for an event (a log record, a hook call), so
// that a missing event fails the test instead of hanging it. The test
// waits for the event itself; the bound is only the give-up point.
const waitBound = 10 * time.Second

// logRecorder is a slog.Handler that keeps every record and signals each
// one, so tests wait for the record they expect.
type logRecorder struct {
	mu      sync.Mutex
	records []logRecord
	signal  chan struct{}
}

type logRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

func newLogRecorder() *logRecorder { return &logRecorder{signal: make(chan struct{}, 1)} }

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.String()
		return true
	})
	l.mu.Lock()
	l.records = append(l.records, rec)
	l.mu.Unlock()
	select {
	case l.signal <- struct{}{}:
	default:
	}
	return nil
}

func (l *logRecorder) logger() *slog.Logger { return slog.New(l) }

// all returns the records so far whose message contains msg.
func (l *logRecorder) all(msg string) []logRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []logRecord
	for _, r := range l.records {
		if strings.Contains(r.msg, msg) {
			out = append(out, r)
		}
	}
	return out
}

// wait returns the first record whose message contains msg, waiting for it.
func (l *logRecorder) wait(t *testing.T, msg string) logRecord {
	t.Helper()
	deadline := time.After(waitBound)
	for {
		if rs := l.all(msg); len(rs) > 0 {
			return rs[0]
		}
		select {
		case <-l.signal:
		case <-deadline:
			t.Fatalf("no log record %q within %v; have %v", msg, waitBound, l.all(""))
		}
	}
}

// newEcho returns an echo instance whose logger is rec.
func newEcho(rec *logRecorder) *echo.Echo {
	e := echo.New()
	e.Logger = rec.logger()
	return e
}

// newWriter returns a Writer logging to rec.
func newWriter(t *testing.T, rec *logRecorder, opts envelope.WriterOptions) *envelope.Writer {
	t.Helper()
	opts.Logger = rec.logger()
	ew, err := envelope.NewWriter(opts)
	require.NoError(t, err)
	return ew
}

// chain wraps h in the envelope chain with ew.
func chain(t *testing.T, ew *envelope.Writer, opts envelope.MiddlewareOptions, h http.Handler) http.Handler {
	t.Helper()
	opts.Writer = ew
	mw, err := envelope.Middleware(opts)
	require.NoError(t, err)
	return mw(h)
}

// serve starts a real server for h, closed when the test ends.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// do sends one request and returns the response with its body read.
func do(t *testing.T, srv *httptest.Server, method, path string, body io.Reader, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, body)
	require.NoError(t, err)
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// jsonBody decodes an error body into a map.
func jsonBody(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "body: %s", b)
	return m
}

// jsonHeader is a request header with a JSON Content-Type.
func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json"}}
}

// leaks lists text that must never reach a client: Go type names, package
// names and the text of strconv, time and decoder errors.
var leaks = []string{"strconv", "Parse", "Unmarshal", "main.", "envelopeecho", "[]", "json:", "offset=", "invalid syntax", "unexpected EOF", "code=", "PANIC", "goroutine", "Bad Request", "time:"}

// readAll reads and closes resp's body.
func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}
