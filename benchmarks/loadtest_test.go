package benchmarks

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The load test is bounded twice: each stack runs until it has sent
// load.requests requests or load.duration has passed, whichever is first.
// The defaults keep it to well under a second in CI; for a real comparison
// run, for example,
//
//	go test -run TestLoad -v -load.duration=10s -load.requests=2000000 ./benchmarks/
var (
	loadDuration    = flag.Duration("load.duration", 200*time.Millisecond, "time budget per stack in TestLoad")
	loadRequests    = flag.Int("load.requests", 2000, "request budget per stack in TestLoad")
	loadConcurrency = flag.Int("load.concurrency", 4, "concurrent clients in TestLoad")
)

// loadStack is one server under test: a handler answering every request
// with an error response through its whole stack.
type loadStack struct {
	name    string
	handler http.Handler
	header  string // a header every response must carry, if any
}

// loadStacks are the servers compared: envelope's middleware chain
// (envelope.Middleware: request ID, security headers, recover) around a
// handler that calls envelope.Write; the same server hand-rolled (a UUIDv4
// request ID from crypto/rand, the same six headers set per response, a
// deferred recover, an encoding/json envelope); and a floor that writes
// precomputed bytes, whose allocations are those of net/http and the
// client alone. Requests alternate between a not_found and a validation
// error with two fields.
func loadStacks() []loadStack {
	ew, err := envelope.NewErrorWriter(envelope.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{ErrorWriter: ew, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	notFound := envelope.NotFound(notFoundMessage)
	invalid := envelope.Validation(validationMsg).WithFields(benchFields(2)...)
	ours := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/validate") {
			envelope.Write(w, r, invalid)
			return
		}
		envelope.Write(w, r, notFound)
	}))

	type idKey struct{}
	hand := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u [16]byte
		_, _ = rand.Read(u[:])
		u[6] = u[6]&0x0f | 0x40
		u[8] = u[8]&0x3f | 0x80
		id := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
		r = r.WithContext(context.WithValue(r.Context(), idKey{}, id))
		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		defer func() {
			if p := recover(); p != nil {
				http.Error(w, `{"code":"internal","message":"Internal error."}`, http.StatusInternalServerError)
			}
		}()
		body := handRolledBody{Code: "not_found", Message: notFoundMessage, RequestID: r.Context().Value(idKey{}).(string)}
		status := http.StatusNotFound
		if strings.HasSuffix(r.URL.Path, "/validate") {
			status = http.StatusBadRequest
			body.Code, body.Message = "validation_failed", validationMsg
			body.Fields = map[string]string{}
			for _, f := range benchFields(2) {
				body.Fields[f.Field] = f.Message
			}
		}
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	})

	floorBody := []byte(`{"code":"not_found","message":"The requested item was not found.","requestId":"req-0000000000000000"}`)
	floor := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write(floorBody)
	})
	return []loadStack{
		{name: "envelope", handler: ours, header: "X-Frame-Options"},
		{name: "encoding_json", handler: hand, header: "X-Frame-Options"},
		{name: "floor", handler: floor},
	}
}

// loadResult is what one stack's run measured.
type loadResult struct {
	requests  int
	errors    int
	elapsed   time.Duration
	latencies []time.Duration
	mallocs   uint64
}

func (r loadResult) perSecond() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r loadResult) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[int(q*float64(len(r.latencies)-1))]
}

// runLoad sends GET requests to url from concurrency clients until the
// request or time budget is spent, checking each response.
func runLoad(t *testing.T, client *http.Client, url, header string, concurrency, budget int, d time.Duration) loadResult {
	t.Helper()
	var (
		sent    atomic.Int64
		bad     atomic.Int64
		mu      sync.Mutex
		all     []time.Duration
		wg      sync.WaitGroup
		ms0     runtime.MemStats
		ms1     runtime.MemStats
		started = time.Now()
	)
	deadline := started.Add(d)
	runtime.ReadMemStats(&ms0)
	for c := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, budget/concurrency+1)
			path := "/v1/orders/42"
			if c%2 == 1 {
				path += "/validate"
			}
			for sent.Add(1) <= int64(budget) && time.Now().Before(deadline) {
				t0 := time.Now()
				resp, err := client.Get(url + path)
				if err != nil {
					bad.Add(1)
					continue
				}
				b, err := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if err != nil || resp.StatusCode < 400 || len(b) == 0 || !json.Valid(b) || (header != "" && resp.Header.Get(header) == "") {
					bad.Add(1)
				}
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(started)
	runtime.ReadMemStats(&ms1)
	slices.Sort(all)
	return loadResult{requests: len(all), errors: int(bad.Load()), elapsed: elapsed, latencies: all, mallocs: ms1.Mallocs - ms0.Mallocs}
}

// TestLoad serves each stack from a real server on loopback and drives it
// with a bounded Go load generator. The stacks take turns in rounds, so that
// drift in the shared machine's load spreads over all of them. It logs
// throughput, p50 and p99 latency and allocations per request (the whole
// process's, client included: compare with the floor row) and fails only
// when a response is wrong. Timings are reported, never asserted.
func TestLoad(t *testing.T) {
	const rounds = 5
	budget, d := *loadRequests, *loadDuration
	if testing.Short() {
		budget = min(budget, 200)
	}
	type running struct {
		loadStack
		url    string
		client *http.Client
		total  loadResult
	}
	var stacks []*running
	for _, s := range loadStacks() {
		srv := httptest.NewServer(s.handler)
		t.Cleanup(srv.Close)
		tr := &http.Transport{MaxIdleConns: *loadConcurrency, MaxIdleConnsPerHost: *loadConcurrency}
		t.Cleanup(tr.CloseIdleConnections)
		st := &running{loadStack: s, url: srv.URL, client: &http.Client{Transport: tr, Timeout: 5 * time.Second}}
		// Warm the connections and the pools outside the measurement.
		runLoad(t, st.client, st.url, st.header, *loadConcurrency, *loadConcurrency*4, d)
		stacks = append(stacks, st)
	}
	for range rounds {
		for _, st := range stacks {
			res := runLoad(t, st.client, st.url, st.header, *loadConcurrency, max(budget/rounds, 1), d/rounds)
			st.total.requests += res.requests
			st.total.errors += res.errors
			st.total.elapsed += res.elapsed
			st.total.mallocs += res.mallocs
			st.total.latencies = append(st.total.latencies, res.latencies...)
		}
	}
	var report strings.Builder
	fmt.Fprintf(&report, "\n%-14s %9s %10s %9s %9s %12s\n", "stack", "requests", "req/s", "p50", "p99", "allocs/req")
	for _, st := range stacks {
		res := st.total
		slices.Sort(res.latencies)
		require.Positive(t, res.requests, st.name)
		assert.Zero(t, res.errors, "%s: bad responses", st.name)
		fmt.Fprintf(&report, "%-14s %9d %10.0f %9s %9s %12.1f\n", st.name, res.requests, res.perSecond(),
			res.quantile(0.50).Round(time.Microsecond), res.quantile(0.99).Round(time.Microsecond),
			float64(res.mallocs)/float64(res.requests))
	}
	t.Log(report.String())
}
