package benchmarks

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apienvelope/envelope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The load test measures the servers, not the load generator: each server
// runs in a process of its own pinned to one core (taskset -c 0), the load
// generator in another pinned to the other core (taskset -c 1), and the
// server's CPU time and allocations per request are read from the server
// process itself. Both are this test binary, started again with
// -test.run selecting TestLoadServerProcess or TestLoadClientProcess.
//
// The load is bounded twice: each stack gets load.requests requests in
// total, spread over the rounds, and each round ends after load.duration
// divided by the rounds, whichever comes first. The defaults (one round,
// no warm-up) keep it short in CI; for a real comparison run, for example,
//
//	go test -run '^TestLoad$' -v -count=1 -load.duration=30s -load.requests=300000 ./benchmarks/
var (
	loadDuration    = flag.Duration("load.duration", 400*time.Millisecond, "time budget per stack in TestLoad, over all rounds")
	loadRequests    = flag.Int("load.requests", 1000, "request budget per stack in TestLoad, over all rounds")
	loadConcurrency = flag.Int("load.concurrency", 4, "concurrent connections of the load generator in TestLoad")
	loadRounds      = flag.Int("load.rounds", 1, "rounds in TestLoad; the stacks take turns in each, after a warm-up when more than one")
)

// The environment of the processes TestLoad starts.
const (
	envRole        = "ENVELOPE_LOAD_ROLE" // "server" or "client"
	envStack       = "ENVELOPE_LOAD_STACK"
	envURL         = "ENVELOPE_LOAD_URL"
	envRequests    = "ENVELOPE_LOAD_REQUESTS"
	envDuration    = "ENVELOPE_LOAD_DURATION"
	envConcurrency = "ENVELOPE_LOAD_CONCURRENCY"
	envHeader      = "ENVELOPE_LOAD_HEADER"
	statsPath      = "/_stats"
	resultPrefix   = "LOADRESULT "
)

// loadStack is one server under test: a handler answering every request
// with an error response through its whole stack.
type loadStack struct {
	name    string
	handler func() http.Handler
	header  string // a header every response must carry, if any
}

// loadStacks are the servers compared. Requests alternate between a
// not_found and a validation error with two fields.
//
//   - envelope: envelope.Middleware (request ID, security headers, panic
//     recovery, router pages) around a handler that calls envelope.Write.
//   - encoding_json: the same server as most are written by hand: a
//     crypto/rand UUIDv4 formatted with fmt.Sprintf and carried in the
//     context, the same six headers with Header().Set, a deferred recover,
//     json.NewEncoder(w).Encode of the envelope.
//   - minimal_floor: the like-for-like floor, the least the same response
//     can cost: the hand-written minimal middleware of the middleware
//     scenarios (the request ID, the same security headers, a deferred
//     recover) around a handler that sends envelope's bodies precomputed
//     around the request ID, with envelope's headers from one
//     per-response array.
//   - floor: precomputed bytes with one header, no middleware: what
//     net/http and the connection cost alone.
var loadStacks = []loadStack{
	{name: "envelope", handler: envelopeLoadHandler, header: "X-Frame-Options"},
	{name: "encoding_json", handler: handRolledLoadHandler, header: "X-Frame-Options"},
	{name: "minimal_floor", handler: minimalFloorLoadHandler, header: "X-Frame-Options"},
	{name: "floor", handler: floorLoadHandler},
}

// minimalFloorLoadHandler sends what envelopeLoadHandler sends, with
// nothing rendered: TestLoadStacksSendTheSame holds it to that.
func minimalFloorLoadHandler() http.Handler {
	type response struct {
		status         int
		prefix, suffix string
	}
	cut := func(status int, body string) response {
		i := strings.Index(body, benchRequestID)
		return response{status, body[:i], body[i+len(benchRequestID):]}
	}
	render := func(e *envelope.APIError) string {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r = r.WithContext(envelope.ContextWithRequestID(r.Context(), benchRequestID))
		_, body := benchWriter.Render(nil, r, e)
		return string(body)
	}
	notFound := cut(http.StatusNotFound, render(envelope.NotFound(notFoundMessage)))
	invalid := cut(http.StatusBadRequest, render(envelope.Validation(validationMsg).WithFields(benchFields(2)...)))
	return minimal(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := notFound
		if strings.HasSuffix(r.URL.Path, "/validate") {
			res = invalid
		}
		id := minimalID(r.Context())
		vals := &[4]string{"application/json", "nosniff", "no-store", id}
		h := w.Header()
		h["X-Content-Type-Options"] = vals[1:2:2]
		h["X-Request-Id"] = vals[3:4:4]
		h["Content-Type"] = vals[0:1:1]
		h["Cache-Control"] = vals[2:3:3]
		w.WriteHeader(res.status)
		_, _ = io.WriteString(w, res.prefix)
		_, _ = io.WriteString(w, id)
		_, _ = io.WriteString(w, res.suffix)
	}))
}

func envelopeLoadHandler() http.Handler {
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	if err != nil {
		panic(err)
	}
	notFound := envelope.NotFound(notFoundMessage)
	invalid := envelope.Validation(validationMsg).WithFields(benchFields(2)...)
	return mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/validate") {
			envelope.Write(w, r, invalid)
			return
		}
		envelope.Write(w, r, notFound)
	}))
}

func handRolledLoadHandler() http.Handler {
	type idKey struct{}
	fields := benchFields(2)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
			for _, f := range fields {
				body.Fields[f.Field] = f.Message
			}
		}
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	})
}

func floorLoadHandler() http.Handler {
	body := []byte(`{"code":"not_found","message":"The requested item was not found.","requestId":"req-0000000000000000"}`)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = []string{"application/json"}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write(body)
	})
}

// serverStats is what a server process reports about itself.
type serverStats struct {
	CPUNanos int64  `json:"cpuNanos"` // user + system, every thread
	Allocs   uint64 `json:"allocs"`   // heap objects allocated, tiny ones included
	Bytes    uint64 `json:"bytes"`    // heap bytes allocated
}

func readServerStats() serverStats {
	samples := []metrics.Sample{
		{Name: "/gc/heap/allocs:objects"},
		{Name: "/gc/heap/tiny/allocs:objects"},
		{Name: "/gc/heap/allocs:bytes"},
	}
	metrics.Read(samples)
	return serverStats{
		CPUNanos: int64(processCPU()),
		Allocs:   samples[0].Value.Uint64() + samples[1].Value.Uint64(),
		Bytes:    samples[2].Value.Uint64(),
	}
}

// TestLoadServerProcess is the server process of TestLoad; it skips unless
// TestLoad started it. It serves its stack on a loopback port, which it
// prints, and its own CPU time and allocations on /_stats, until its
// standard input closes.
func TestLoadServerProcess(t *testing.T) {
	if os.Getenv(envRole) != "server" {
		t.Skip("started by TestLoad")
	}
	i := slices.IndexFunc(loadStacks, func(s loadStack) bool { return s.name == os.Getenv(envStack) })
	require.GreaterOrEqual(t, i, 0, "unknown stack")
	mux := http.NewServeMux()
	mux.HandleFunc(statsPath, func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(readServerStats())
	})
	mux.Handle("/", loadStacks[i].handler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Printf("http://%s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin) // until TestLoad closes it
	_ = srv.Close()
}

// clientResult is what one client process measured.
type clientResult struct {
	Requests int           `json:"requests"`
	Errors   int           `json:"errors"`
	Elapsed  time.Duration `json:"elapsed"`
	P50      time.Duration `json:"p50"`
	P99      time.Duration `json:"p99"`
}

// TestLoadClientProcess is the load generator of TestLoad; it skips unless
// TestLoad started it. It sends GET requests from several connections until
// its request or time budget is spent, checks each response, and prints
// its result as one JSON line.
func TestLoadClientProcess(t *testing.T) {
	if os.Getenv(envRole) != "client" {
		t.Skip("started by TestLoad")
	}
	url, header := os.Getenv(envURL), os.Getenv(envHeader)
	budget, err := strconv.Atoi(os.Getenv(envRequests))
	require.NoError(t, err)
	d, err := time.ParseDuration(os.Getenv(envDuration))
	require.NoError(t, err)
	concurrency, err := strconv.Atoi(os.Getenv(envConcurrency))
	require.NoError(t, err)
	tr := &http.Transport{MaxIdleConns: concurrency, MaxIdleConnsPerHost: concurrency}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	var (
		sent, bad atomic.Int64
		mu        sync.Mutex
		all       []time.Duration
		wg        sync.WaitGroup
	)
	started := time.Now()
	deadline := started.Add(d)
	for c := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, budget/concurrency+1)
			path := "/v1/orders/42"
			if c%2 == 1 {
				path += "/validate"
			}
			// Every connection sends at least one request, however late
			// it starts on a busy machine.
			for sent.Add(1) <= int64(budget) && (len(lat) == 0 || time.Now().Before(deadline)) {
				t0 := time.Now()
				resp, err := client.Get(url + path)
				if err != nil {
					bad.Add(1)
					continue
				}
				b, err := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if err != nil || resp.StatusCode < 400 || !json.Valid(b) || (header != "" && resp.Header.Get(header) == "") {
					bad.Add(1)
				}
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res := clientResult{Requests: len(all), Errors: int(bad.Load()), Elapsed: time.Since(started)}
	slices.Sort(all)
	if len(all) > 0 {
		res.P50, res.P99 = all[len(all)/2], all[(len(all)-1)*99/100]
	}
	out, err := json.Marshal(res)
	require.NoError(t, err)
	fmt.Println(resultPrefix + string(out))
}

// loadProcess starts this test binary again as one of TestLoad's
// processes, pinned to cpu when pin is set.
func loadProcess(ctx context.Context, pin string, test string, env ...string) *exec.Cmd {
	args := []string{"-test.run=^" + test + "$", "-test.count=1", "-test.v=false"}
	name := os.Args[0]
	if pin != "" {
		args = append([]string{"-c", pin, name}, args...)
		name = "taskset"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestLoad runs each stack's server in its own process and drives it from
// a load generator in another, the two pinned to different cores when it
// measures (more than one round), the machine has two and taskset is
// installed. The stacks take turns in
// rounds, so that drift in the machine's load spreads over all of them. It
// logs, per stack, the server's CPU time and allocations per request (read
// from the server process, so the load generator is not in them), the
// server's share of its core, and the throughput and latency the load
// generator saw. It fails only when a response is wrong; timings are
// reported, never asserted.
func TestLoad(t *testing.T) {
	rounds := max(*loadRounds, 1)
	budget, d := *loadRequests, *loadDuration
	if testing.Short() {
		budget = min(budget, 300)
	}
	// A measuring run (more than one round) pins the processes; the short
	// run CI makes checks the stacks and the plumbing, and pinning its
	// processes to a core each would only slow them on a busy machine.
	serverCPU, clientCPU := "", ""
	if _, err := exec.LookPath("taskset"); err == nil && runtime.NumCPU() >= 2 && rounds > 1 {
		serverCPU, clientCPU = "0", "1"
	}
	ctx, cancel := context.WithTimeout(t.Context(), d+time.Duration(rounds*len(loadStacks))*30*time.Second)
	defer cancel()

	type running struct {
		loadStack
		url        string
		stats      func() serverStats
		cpu        int64
		allocs     uint64
		bytes      uint64
		requests   int
		errors     int
		elapsed    time.Duration
		p50s, p99s []time.Duration
	}
	// Start every server first, so that they boot side by side, then read
	// the address each prints.
	var stacks []*running
	outs := make([]io.Reader, len(loadStacks))
	for i, s := range loadStacks {
		cmd := loadProcess(ctx, serverCPU, "TestLoadServerProcess", envRole+"=server", envStack+"="+s.name)
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		outs[i], err = cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() {
			_ = stdin.Close() // the server exits when its input closes
			_ = cmd.Wait()
		})
	}
	for i, s := range loadStacks {
		sc := bufio.NewScanner(outs[i])
		require.True(t, sc.Scan(), "%s: the server printed no address", s.name)
		url := strings.TrimSpace(sc.Text())
		require.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), "%s: %q", s.name, url)
		go func() { _, _ = io.Copy(io.Discard, outs[i]) }()
		stats := func() serverStats {
			resp, err := http.Get(url + statsPath)
			require.NoError(t, err)
			defer resp.Body.Close()
			var st serverStats
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
			return st
		}
		stacks = append(stacks, &running{loadStack: s, url: url, stats: stats})
	}

	client := func(st *running, requests int, d time.Duration) clientResult {
		cmd := loadProcess(ctx, clientCPU, "TestLoadClientProcess", envRole+"=client", envURL+"="+st.url,
			envHeader+"="+st.header, envRequests+"="+strconv.Itoa(requests), envDuration+"="+d.String(),
			envConcurrency+"="+strconv.Itoa(*loadConcurrency))
		out, err := cmd.Output()
		require.NoError(t, err, "%s: load generator", st.name)
		for line := range strings.Lines(string(out)) {
			if rest, ok := strings.CutPrefix(line, resultPrefix); ok {
				var res clientResult
				require.NoError(t, json.Unmarshal([]byte(rest), &res))
				return res
			}
		}
		t.Fatalf("%s: the load generator printed no result:\n%s", st.name, out)
		return clientResult{}
	}
	// Warm the servers (their pools, the first connections) outside the
	// measurement, unless this is the short run CI makes.
	if rounds > 1 {
		for _, st := range stacks {
			client(st, *loadConcurrency*10, d)
		}
	}
	for range rounds {
		for _, st := range stacks {
			before := st.stats()
			res := client(st, max(budget/rounds, 1), d/time.Duration(rounds))
			after := st.stats()
			st.cpu += after.CPUNanos - before.CPUNanos
			st.allocs += after.Allocs - before.Allocs
			st.bytes += after.Bytes - before.Bytes
			st.requests += res.Requests
			st.errors += res.Errors
			st.elapsed += res.Elapsed
			st.p50s = append(st.p50s, res.P50)
			st.p99s = append(st.p99s, res.P99)
		}
	}

	median := func(ds []time.Duration) time.Duration {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	var report strings.Builder
	pinned := "pinned: server on cpu " + serverCPU + ", load generator on cpu " + clientCPU
	if serverCPU == "" {
		pinned = "not pinned (one round, or taskset or a second core missing): a check, not a measurement"
	}
	fmt.Fprintf(&report, "\n%s; %d rounds, %d connections\n", pinned, rounds, *loadConcurrency)
	fmt.Fprintf(&report, "%-14s %9s %14s %12s %11s %9s %10s %9s %9s\n",
		"stack", "requests", "server cpu/req", "allocs/req", "bytes/req", "cpu busy", "req/s", "p50", "p99")
	for _, st := range stacks {
		require.Positive(t, st.requests, st.name)
		assert.Zero(t, st.errors, "%s: bad responses", st.name)
		n := float64(st.requests)
		fmt.Fprintf(&report, "%-14s %9d %12.1fµs %12.1f %11.0f %8.0f%% %10.0f %9s %9s\n", st.name, st.requests,
			float64(st.cpu)/n/1e3, float64(st.allocs)/n, float64(st.bytes)/n,
			100*float64(st.cpu)/float64(st.elapsed), n/st.elapsed.Seconds(),
			median(st.p50s).Round(time.Microsecond), median(st.p99s).Round(time.Microsecond))
	}
	t.Log(report.String())
}

// TestLoadStacksSendTheSame checks, through a real server, that the
// like-for-like floor of the load test sends what the envelope stack
// sends (status, headers, body) but for the request ID, so its row is the
// cost of the same bytes; and that the stacks answer both paths.
func TestLoadStacksSendTheSame(t *testing.T) {
	t.Parallel()
	get := func(h http.Handler, path string) (int, http.Header, string) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		id := resp.Header.Get("X-Request-Id")
		require.True(t, envelope.ValidRequestID(id), id)
		resp.Header.Del("Date")
		resp.Header.Set("X-Request-Id", "<id>")
		return resp.StatusCode, resp.Header, strings.Replace(string(body), id, "<id>", 1)
	}
	for _, path := range []string{"/v1/orders/42", "/v1/orders/42/validate"} {
		s1, h1, b1 := get(envelopeLoadHandler(), path)
		s2, h2, b2 := get(minimalFloorLoadHandler(), path)
		assert.Equal(t, s1, s2, path)
		assert.Equal(t, h1, h2, path)
		assert.Equal(t, b1, b2, path)
		assert.GreaterOrEqual(t, s1, 400, path)
	}
}
