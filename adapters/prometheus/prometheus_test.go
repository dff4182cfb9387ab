package envelopeprometheus_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	envelopeprometheus "github.com/apienvelope/envelope/adapters/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitBound bounds every wait for an event, so that a broken test fails
// rather than hangs; nothing waits for time to pass.
const waitBound = 10 * time.Second

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// reported is a hook placed after the one under test: each error response
// it sees tells the test that the counter has been incremented.
type reported chan int

func (c reported) hook(_ *http.Request, status int, _ *envelope.APIError) { c <- status }

func (c reported) wait(t *testing.T, status int) {
	t.Helper()
	select {
	case got := <-c:
		assert.Equal(t, status, got)
	case <-time.After(waitBound):
		t.Fatalf("no error response with status %d reported", status)
	}
}

// api is a real server: the envelope middleware around a ServeMux, whose
// writer reports to the metrics and then to the test.
func api(t *testing.T, m *envelopeprometheus.Metrics, codes *envelope.Codes, done reported) *httptest.Server {
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
			return errors.New("db: password=hunter2")
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

// scrapeServer serves reg the way an application exposes it: promhttp
// over a real server.
func scrapeServer(t *testing.T, reg *prometheus.Registry) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	t.Cleanup(srv.Close)
	return srv
}

// scrape fetches the exposition text and returns the counter's samples,
// each printed as its labels in name order with its value, sorted.
func scrape(t *testing.T, srv *httptest.Server) []string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/plain; version=0.0.4")
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain"), res.Header.Get("Content-Type"))
	p := expfmt.NewTextParser(model.LegacyValidation)
	families, err := p.TextToMetricFamilies(res.Body)
	require.NoError(t, err)
	mf, ok := families[envelopeprometheus.MetricName]
	if !ok {
		return nil
	}
	require.Equal(t, dto.MetricType_COUNTER, mf.GetType())
	out := make([]string, 0, len(mf.GetMetric()))
	for _, m := range mf.GetMetric() {
		labels := make([]string, 0, 4)
		for _, lp := range m.GetLabel() { // sorted by name in the exposition
			labels = append(labels, lp.GetName()+"="+lp.GetValue())
		}
		out = append(out, fmt.Sprintf("%s %g", strings.Join(labels, " "), m.GetCounter().GetValue()))
	}
	sort.Strings(out)
	return out
}

// rawRequest sends a request line net/http's client would not send as is
// (an unknown method) over a raw connection and returns the status line.
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

func send(t *testing.T, srv *httptest.Server, method, path string) int {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	require.NoError(t, err)
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	return res.StatusCode
}

func TestScrape(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	codes, err := envelope.NewCodes(envelope.CodeInfo{Code: "insufficient_credit", Status: 402, Message: "Not enough credit."})
	require.NoError(t, err)
	m, err := envelopeprometheus.New(envelopeprometheus.Options{Registerer: reg, Codes: codes})
	require.NoError(t, err)
	done := make(reported, 1)
	srv := api(t, m, codes, done)
	metrics := scrapeServer(t, reg)

	assert.Empty(t, scrape(t, metrics), "no error response yet, no series")
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/items/1", 404},
		{"GET", "/items/2", 404},
		{"GET", "/items/boom", 500},
		{"GET", "/items/panic", 500},
		{"GET", "/items/credit", 402},
		{"GET", "/items/made-up?n=1", 500},
		{"GET", "/items/made-up?n=2", 500},
		{"GET", "/nope", 404},
		{"GET", "/nope/again", 404},
		{"DELETE", "/items/1", 405},
	} {
		require.Equal(t, tc.status, send(t, srv, tc.method, tc.path), tc.path)
		done.wait(t, tc.status)
	}
	require.Equal(t, "HTTP/1.1 403 Forbidden", rawRequest(t, srv, "BREW /any HTTP/1.1"))
	done.wait(t, 403)

	assert.Equal(t, []string{
		"code=forbidden method=_OTHER route=/any status=403 1",
		"code=insufficient_credit method=GET route=GET /items/{id} status=402 1",
		"code=internal method=GET route=GET /items/{id} status=500 4",
		"code=method_not_allowed method=DELETE route= status=405 1",
		"code=not_found method=GET route= status=404 2",
		"code=not_found method=GET route=GET /items/{id} status=404 2",
	}, scrape(t, metrics), "a plain error, a panic and two undeclared codes are one series; every unmatched path is one")
}

func TestRoute(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m, err := envelopeprometheus.New(envelopeprometheus.Options{
		Registerer: reg,
		Route:      func(r *http.Request) string { return r.Header.Get("X-Route-Template") },
	})
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodPatch, "/orders/7", nil)
	r.Header.Set("X-Route-Template", "/orders/:id")
	m.OnError(r, 409, envelope.Conflict(""))
	m.OnError(r, 409, envelope.Conflict(""))
	m.OnError(nil, 503, envelope.Unavailable(""))
	assert.Equal(t, []string{
		"code=conflict method=PATCH route=/orders/:id status=409 2",
		"code=service_unavailable method= route= status=503 1",
	}, scrape(t, scrapeServer(t, reg)))
}

// Many requests at once: every one is counted, once.
func TestConcurrentCount(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m, err := envelopeprometheus.New(envelopeprometheus.Options{Registerer: reg})
	require.NoError(t, err)
	const n = 64
	done := make(reported, n)
	srv := api(t, m, nil, done)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.Equal(t, 404, send(t, srv, "GET", "/items/x"))
		}()
	}
	wg.Wait()
	for range n {
		done.wait(t, 404)
	}
	assert.Equal(t, []string{"code=not_found method=GET route=GET /items/{id} status=404 64"}, scrape(t, scrapeServer(t, reg)))
}

func TestRegistration(t *testing.T) {
	t.Parallel()
	_, err := envelopeprometheus.New(envelopeprometheus.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Registerer is nil")

	reg := prometheus.NewRegistry()
	_, err = envelopeprometheus.New(envelopeprometheus.Options{Registerer: reg})
	require.NoError(t, err)
	_, err = envelopeprometheus.New(envelopeprometheus.Options{Registerer: reg})
	var are prometheus.AlreadyRegisteredError
	require.ErrorAs(t, err, &are, "the same registry twice is refused, not silently shared")

	// A second registry is independent: two APIs in one process.
	other := prometheus.NewRegistry()
	m, err := envelopeprometheus.New(envelopeprometheus.Options{Registerer: other})
	require.NoError(t, err)
	m.OnError(httptest.NewRequest(http.MethodGet, "/", nil), 404, envelope.NotFound(""))
	assert.Len(t, scrape(t, scrapeServer(t, other)), 1)
	assert.Empty(t, scrape(t, scrapeServer(t, reg)))

	// The global default registry was never touched.
	families, err := prometheus.DefaultGatherer.Gather()
	require.NoError(t, err)
	for _, mf := range families {
		assert.NotEqual(t, envelopeprometheus.MetricName, mf.GetName())
	}
}
