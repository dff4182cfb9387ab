package envelope

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadDuration turns TestLoad into a campaign: with it set, the clients run
// for that long instead of sending a fixed number of requests, and memory
// is held flat. docs/hardening.md records the campaigns that were run.
var loadDuration = flag.Duration("load.duration", 0, "run TestLoad for this long instead of a fixed request count")

// loadRoutes are what the load clients ask for, in turn: success, errors,
// unexpected errors, panics, oversized and malformed bodies, router 404s,
// streams.
var loadRoutes = []struct {
	method, path string
	body         string
	status       int
}{
	{http.MethodGet, "/ok", "", 200},
	{http.MethodGet, "/conflict", "", 409},
	{http.MethodGet, "/internal", "", 500},
	{http.MethodGet, "/panic", "", 500},
	{http.MethodPost, "/decode", `{"name":"x"}`, 200},
	{http.MethodPost, "/decode", `{"name":"` + strings.Repeat("x", 4096) + `"}`, 413},
	{http.MethodPost, "/decode", `{"name":`, 400},
	{http.MethodGet, "/missing", "", 404},
	{http.MethodGet, "/stream", "", 200},
}

const loadStreamBytes = 64 << 10

// loadServer is the server under load: the chain (router errors included)
// around a mux, logging to a discarding handler (the log calls still run).
func loadServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
	mux.HandleFunc("GET /conflict", func(w http.ResponseWriter, r *http.Request) {
		Write(w, r, Conflict("Version conflict").WithDetails(map[string]int{"version": 3}))
	})
	mux.HandleFunc("GET /internal", func(w http.ResponseWriter, r *http.Request) {
		Write(w, r, fmt.Errorf("db: %w", errors.New("connection reset")))
	})
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})
	mux.HandleFunc("POST /decode", func(w http.ResponseWriter, r *http.Request) {
		var v struct{ Name string }
		if err := (RequestDecoder{MaxBytes: 1024}).Decode(r, &v); err != nil {
			Write(w, r, err)
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
	chunk := bytes.Repeat([]byte("a"), 4096)
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, _ *http.Request) {
		for range loadStreamBytes / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	return httptest.NewServer(chainFor(t, quietWriter(t), MiddlewareOptions{}, mux))
}

// blockedServerGoroutines counts the goroutines, other than the caller,
// that are blocked (in any state but running or runnable) with the HTTP
// server or this package's chain on their stack, or that code of this
// package started. A goroutine that has
// passed its last blocking point and is only returning is not counted.
func blockedServerGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i == 0 {
			continue // the caller
		}
		header, _, _ := strings.Cut(g, "\n")
		_, status, _ := strings.Cut(header, "[")
		status, _, _ = strings.Cut(status, "]")
		status, _, _ = strings.Cut(status, ",")
		if status == "running" || status == "runnable" {
			continue
		}
		if strings.Contains(g, "net/http.(*conn).serve") || strings.Contains(g, "apienvelope/envelope.(*chain)") ||
			strings.Contains(g, "created by github.com/apienvelope/envelope.") {
			count++
		}
	}
	return count
}

// connTracker counts the client's open connections and signals when the
// last one is closed.
type connTracker struct {
	mu     sync.Mutex
	open   int
	opened int
	idle   chan struct{} // closed when open drops to 0; replaced on the next dial
}

func (ct *connTracker) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	ct.mu.Lock()
	if ct.open == 0 {
		ct.idle = make(chan struct{})
	}
	ct.open++
	ct.opened++
	ct.mu.Unlock()
	return &trackedConn{Conn: c, ct: ct}, nil
}

// allClosed returns a channel closed once no connection is open.
func (ct *connTracker) allClosed() <-chan struct{} {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	if ct.open == 0 {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	return ct.idle
}

type trackedConn struct {
	net.Conn
	ct   *connTracker
	once sync.Once
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.ct.mu.Lock()
		defer c.ct.mu.Unlock()
		if c.ct.open--; c.ct.open == 0 {
			close(c.ct.idle)
		}
	})
	return err
}

// TestLoad runs a real server on loopback under many concurrent clients
// mixing successes, errors, panics, oversized bodies and router 404s.
// Every response must be well-formed, every error response an envelope
// with the request ID. Shutting the server down must complete (no handler
// is left running), every client connection must close, and no goroutine
// may be left blocked in the server or the chain. By default it sends a
// fixed number of requests (a few seconds under -race); with
// -load.duration it runs that long and also checks that the heap in use
// stays flat.
func TestLoad(t *testing.T) {
	// Not parallel: the goroutine count must not see other tests' servers.
	baseline := blockedServerGoroutines()
	srv := loadServer(t)
	tracker := &connTracker{}
	transport := &http.Transport{MaxIdleConnsPerHost: 64, DialContext: tracker.dial}
	client := &http.Client{Transport: transport}

	const clients = 16
	total := int64(clients * 150)
	deadline := time.Time{}
	if *loadDuration > 0 {
		deadline = time.Now().Add(*loadDuration)
		total = 1 << 62
	}
	var sent, failed atomic.Int64
	var byStatus sync.Map
	var heapStart atomic.Uint64
	measure := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	check := func(i int64) error {
		rt := loadRoutes[i%int64(len(loadRoutes))]
		req, err := http.NewRequest(rt.method, srv.URL+rt.path, strings.NewReader(rt.body))
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return fmt.Errorf("%s %s: reading body: %w", rt.method, rt.path, err)
		}
		if resp.StatusCode != rt.status {
			return fmt.Errorf("%s %s: status %d, want %d: %s", rt.method, rt.path, resp.StatusCode, rt.status, body)
		}
		c, _ := byStatus.LoadOrStore(resp.StatusCode, new(atomic.Int64))
		c.(*atomic.Int64).Add(1)
		id := resp.Header.Get("X-Request-Id")
		if !uuidV4RE.MatchString(id) {
			return fmt.Errorf("%s %s: request ID %q", rt.method, rt.path, id)
		}
		switch {
		case rt.path == "/stream":
			if len(body) != loadStreamBytes {
				return fmt.Errorf("stream: %d bytes", len(body))
			}
		case resp.StatusCode == 200:
			if string(body) != `{"ok":true}` {
				return fmt.Errorf("%s: body %q", rt.path, body)
			}
		default:
			var env struct {
				Code      string `json:"code"`
				Message   string `json:"message"`
				RequestID string `json:"requestId"`
			}
			if err := json.Unmarshal(body, &env); err != nil {
				return fmt.Errorf("%s: body %q: %w", rt.path, body, err)
			}
			if env.Code == "" || env.Message == "" || env.RequestID != id {
				return fmt.Errorf("%s: envelope %+v, request ID %q", rt.path, env, id)
			}
			if strings.Contains(string(body), "boom") || strings.Contains(string(body), "connection reset") {
				return fmt.Errorf("%s: leaked: %s", rt.path, body)
			}
			if resp.Header.Get("Content-Type") != "application/json" {
				return fmt.Errorf("%s: content type %q", rt.path, resp.Header.Get("Content-Type"))
			}
		}
		return nil
	}

	var wg sync.WaitGroup
	var firstErr atomic.Value
	var next atomic.Int64
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= total || (!deadline.IsZero() && time.Now().After(deadline)) {
					return
				}
				if i == int64(clients*200) && *loadDuration > 0 {
					heapStart.Store(measure()) // after warm-up; only one client sees i
				}
				sent.Add(1)
				if err := check(i); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	wg.Wait()
	heapEnd := measure()

	if err, _ := firstErr.Load().(error); err != nil {
		t.Fatalf("%d of %d requests failed; first: %v", failed.Load(), sent.Load(), err)
	}
	for _, rt := range loadRoutes {
		c, ok := byStatus.Load(rt.status)
		require.True(t, ok, "no %d response", rt.status)
		assert.Positive(t, c.(*atomic.Int64).Load())
	}
	t.Logf("%d requests, %d clients, %d connections; heap in use after GC at the end: %d KiB", sent.Load(), clients, tracker.opened, heapEnd>>10)
	if *loadDuration > 0 {
		start := heapStart.Load()
		require.Positive(t, start, "the run was too short to pass warm-up")
		t.Logf("heap in use after GC at warm-up: %d KiB", start>>10)
		assert.Less(t, heapEnd, 2*start+8<<20, "heap in use grew")
	}

	// Close waits until every server connection is closed, which is after
	// its handler returned; a handler stuck for good would make it hang.
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	waitFor(t, closed, "the server to shut down")
	transport.CloseIdleConnections()
	waitFor(t, tracker.allClosed(), "every client connection to close")
	assert.LessOrEqual(t, blockedServerGoroutines(), baseline, "goroutines left blocked after shutdown")
}
