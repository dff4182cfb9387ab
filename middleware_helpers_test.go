package envelope

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

	"github.com/stretchr/testify/require"
)

// serve starts a real server for h and closes it when the test ends.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
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

// decodeBody parses a flat-format error body.
func decodeBody(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "body %q", b)
	return m
}

// logRecorder is a slog handler that keeps its records, for tests.
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r.Clone())
	return nil
}
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }

// all returns the records so far, each as message and attributes.
func (l *logRecorder) all() []loggedRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
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

type loggedRecord struct {
	msg   string
	level slog.Level
	attrs map[string]string
}

func newLogRecorder() (*logRecorder, *slog.Logger) {
	l := &logRecorder{}
	return l, slog.New(l)
}

// recordingWriter is an ErrorWriter whose logs go to a recorder, so tests do
// not print and can count records.
func recordingWriter(t *testing.T) (*ErrorWriter, *logRecorder) {
	t.Helper()
	rec, logger := newLogRecorder()
	ew, err := NewErrorWriter(Config{Logger: logger})
	require.NoError(t, err)
	return ew, rec
}

func containsControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// contextWith returns r's context with an unrelated value added, so the
// package's state is no longer the innermost context.
func contextWith(r *http.Request, key any) context.Context {
	return context.WithValue(r.Context(), key, "x")
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

type panickyHandler struct{ slog.Handler }

func (panickyHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panickyHandler) Handle(context.Context, slog.Record) error { panic("log handler broken") }

func panickyLogger() *slog.Logger { return slog.New(panickyHandler{}) }

func quietWriterNoT() *ErrorWriter {
	ew, err := NewErrorWriter(Config{Logger: discardLogger()})
	if err != nil {
		panic(err)
	}
	return ew
}
