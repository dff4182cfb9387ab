package envelopeotel_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopeotel "github.com/apienvelope/envelope/adapters/otel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// hookDone is a hook that signals each error response it sees; placed
// after the hooks under test, it tells the test that they have run.
type hookDone chan int

func (h hookDone) hook(_ *http.Request, status int, _ *envelope.APIError) { h <- status }

func (h hookDone) wait(t *testing.T, status int) {
	t.Helper()
	select {
	case got := <-h:
		assert.Equal(t, status, got)
	case <-time.After(waitBound):
		t.Fatalf("no error response with status %d reported", status)
	}
}

// metricsServer is a real server with the envelope middleware around a
// ServeMux, whose writer reports to m and then to done.
func metricsServer(t *testing.T, m *envelopeotel.Metrics, codes *envelope.Codes, done hookDone) *httptest.Server {
	t.Helper()
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Logger:  quiet(),
		Codes:   codes,
		OnError: []func(*http.Request, int, *envelope.APIError){m.OnError, done.hook},
	})
	require.NoError(t, err)
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("GET /items/{id}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		switch r.PathValue("id") {
		case "boom":
			return errors.New(secret)
		case "panic":
			panic("items: nil map")
		case "credit":
			return envelope.New("insufficient_credit", "")
		case "made-up":
			return envelope.New(envelope.Code("made_up_"+r.URL.Query().Get("n")), "")
		}
		return envelope.NotFound("Item not found")
	}))
	mux.Handle("/any", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.Forbidden("")
	}))
	srv := httptest.NewServer(mw(mux))
	t.Cleanup(srv.Close)
	return srv
}

// point is one data point of the counter: its attributes, printed in key
// order, and its value.
type point struct {
	attrs string
	value int64
}

func collect(t *testing.T, reader *sdkmetric.ManualReader) []point {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	var out []point
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != envelopeotel.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			if m.Name != envelopeotel.MetricName {
				continue
			}
			assert.Equal(t, "{response}", m.Unit)
			sum, ok := m.Data.(metricdata.Sum[int64])
			require.True(t, ok, "a Counter aggregates to an int64 Sum, got %T", m.Data)
			assert.True(t, sum.IsMonotonic, "a Counter is monotonic")
			for _, dp := range sum.DataPoints {
				out = append(out, point{printSet(dp.Attributes), dp.Value})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].attrs < out[j].attrs })
	return out
}

func printSet(s attribute.Set) string {
	var b strings.Builder
	for i, kv := range s.ToSlice() { // sorted by key
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%s", kv.Key, kv.Value.Emit())
	}
	return b.String()
}

// rawRequest sends a request line of the test's choosing (a method
// net/http's client would refuse to send as is) over a raw connection and
// returns the status line.
func rawRequest(t *testing.T, srv *httptest.Server, line string) string {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "%s\r\nHost: x\r\nConnection: close\r\n\r\n", line)
	require.NoError(t, err)
	status, err := bufio.NewReader(conn).ReadString('\n')
	require.NoError(t, err)
	return strings.TrimSpace(status)
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	codes, err := envelope.NewCodes(envelope.CodeInfo{Code: "insufficient_credit", Status: 402, Message: "Not enough credit."})
	require.NoError(t, err)
	m, err := envelopeotel.NewMetrics(envelopeotel.MetricsOptions{MeterProvider: mp, Codes: codes})
	require.NoError(t, err)
	done := make(hookDone, 1)
	srv := metricsServer(t, m, codes, done)

	get := func(path string, status int) {
		t.Helper()
		res, _ := doGet(t, srv, http.MethodGet, path)
		require.Equal(t, status, res.StatusCode, path)
		done.wait(t, status)
	}
	get("/items/1", 404)
	get("/items/2", 404)
	get("/items/boom", 500)
	get("/items/panic", 500)
	get("/items/credit", 402)
	get("/items/made-up?n=1", 500)
	get("/items/made-up?n=2", 500)
	get("/nope", 404)
	res, _ := doGet(t, srv, http.MethodPost, "/items/1")
	require.Equal(t, 405, res.StatusCode)
	done.wait(t, 405)
	require.Equal(t, "HTTP/1.1 403 Forbidden", rawRequest(t, srv, "BREW /any HTTP/1.1"))
	done.wait(t, 403)

	const route = " http.route=GET /items/{id}"
	assert.Equal(t, []point{
		{"error.type=forbidden http.request.method=_OTHER http.response.status_code=403 http.route=/any", 1},
		{"error.type=insufficient_credit http.request.method=GET http.response.status_code=402" + route, 1},
		{"error.type=internal http.request.method=GET http.response.status_code=500" + route, 4},
		{"error.type=method_not_allowed http.request.method=POST http.response.status_code=405", 1},
		{"error.type=not_found http.request.method=GET http.response.status_code=404", 1},
		{"error.type=not_found http.request.method=GET http.response.status_code=404" + route, 2},
	}, collect(t, reader), "a plain error, a panic and two undeclared codes are one series; unmatched routes carry no http.route")
}

func doGet(t *testing.T, srv *httptest.Server, method, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	require.NoError(t, err)
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	var b strings.Builder
	_, err = bufio.NewReader(res.Body).WriteTo(&b)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	return res, b.String()
}

func TestMetricsRoute(t *testing.T) {
	t.Parallel()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	m, err := envelopeotel.NewMetrics(envelopeotel.MetricsOptions{
		MeterProvider: mp,
		Route:         func(r *http.Request) string { return r.Header.Get("X-Route-Template") },
	})
	require.NoError(t, err)
	m.OnError(httptest.NewRequest(http.MethodDelete, "/orders/7", nil), 409, envelope.Conflict(""))
	r := httptest.NewRequest(http.MethodDelete, "/orders/7", nil)
	r.Header.Set("X-Route-Template", "/orders/:id")
	m.OnError(r, 409, envelope.Conflict(""))
	m.OnError(nil, 503, envelope.Unavailable(""))
	assert.Equal(t, []point{
		{"error.type=conflict http.request.method=DELETE http.response.status_code=409", 1},
		{"error.type=conflict http.request.method=DELETE http.response.status_code=409 http.route=/orders/:id", 1},
		{"error.type=service_unavailable http.response.status_code=503", 1},
	}, collect(t, reader))
}

// Tracing, metrics and an application's own hook are entries of one list;
// each sees the same error response.
func TestHooksCompose(t *testing.T) {
	t.Parallel()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	spans := endedSpans{make(chan sdktrace.ReadOnlySpan, 1)}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	m, err := envelopeotel.NewMetrics(envelopeotel.MetricsOptions{MeterProvider: mp})
	require.NoError(t, err)

	own := make(chan envelope.Code, 1)
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Logger: quiet(),
		OnError: []func(*http.Request, int, *envelope.APIError){
			envelopeotel.OnError(envelopeotel.Options{}),
			m.OnError,
			func(_ *http.Request, _ int, e *envelope.APIError) { own <- e.Code() },
		},
	})
	require.NoError(t, err)
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("GET /billing", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.Unavailable("")
	}))
	srv := httptest.NewServer(traced(tp, mw(mux)))
	t.Cleanup(srv.Close)

	res, _ := doGet(t, srv, http.MethodGet, "/billing")
	require.Equal(t, 503, res.StatusCode)
	select {
	case c := <-own:
		assert.Equal(t, envelope.CodeUnavailable, c)
	case <-time.After(waitBound):
		t.Fatal("the application's hook did not run")
	}
	span := spans.next(t)
	assert.Equal(t, "service_unavailable", attrs(span.Attributes())["error.type"])
	assert.Equal(t, []point{
		{"error.type=service_unavailable http.request.method=GET http.response.status_code=503 http.route=GET /billing", 1},
	}, collect(t, reader))
}
