package envelopegrpcgateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/apienvelope/envelope"
	envelopegrpcgateway "github.com/apienvelope/envelope/adapters/grpcgateway"
	"github.com/apienvelope/envelope/adapters/grpcgateway/internal/itemspb"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

const secret = "pq: password authentication failed for user app (password=hunter2)"

// items is the test's gRPC service: each method answers with the function
// the test gives, and counts its calls.
type items struct {
	itemspb.UnimplementedItemsServer
	get     func(context.Context, *itemspb.GetItemRequest) (*itemspb.Item, error)
	create  func(context.Context, *itemspb.CreateItemRequest) (*itemspb.Item, error)
	deletes atomic.Int32
	creates atomic.Int32
}

func (s *items) GetItem(ctx context.Context, r *itemspb.GetItemRequest) (*itemspb.Item, error) {
	if s.get == nil {
		return &itemspb.Item{Id: r.GetId()}, nil
	}
	return s.get(ctx, r)
}

func (s *items) CreateItem(ctx context.Context, r *itemspb.CreateItemRequest) (*itemspb.Item, error) {
	s.creates.Add(1)
	if s.create == nil {
		return r.GetItem(), nil
	}
	return s.create(ctx, r)
}

func (s *items) DeleteItem(context.Context, *itemspb.DeleteItemRequest) (*itemspb.DeleteItemResponse, error) {
	s.deletes.Add(1)
	return &itemspb.DeleteItemResponse{}, nil
}

// grpcServer serves svc on a loopback listener, with the given server
// options (interceptors), and returns a client connection to it.
func grpcServer(t *testing.T, svc itemspb.ItemsServer, opts ...grpc.ServerOption) *grpc.ClientConn {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer(opts...)
	itemspb.RegisterItemsServer(srv, svc)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = conn.Close()
		srv.Stop()
		require.NoError(t, <-served)
	})
	return conn
}

// setup is one test's stack: a gRPC server, a gateway mux in front of it
// configured by gw, and a real HTTP server whose handler is wrap(mux).
type setup struct {
	svc  *items
	conn *grpc.ClientConn
	http *httptest.Server
	logs *syncBuffer
}

type config struct {
	codes      *envelope.Codes
	format     envelope.Format
	middleware bool  // wrap the mux in the envelope middleware
	maxBody    int64 // the middleware's MaxBodyBytes
	serverOpts []grpc.ServerOption
	muxOpts    []runtime.ServeMuxOption // after the gateway's
	gwOpts     envelopegrpcgateway.Options
}

func start(t *testing.T, svc *items, cfg config) *setup {
	t.Helper()
	logs := &syncBuffer{}
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Format: cfg.format, Codes: cfg.codes,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	require.NoError(t, err)
	opts := cfg.gwOpts
	opts.Writer, opts.Codes = ew, cfg.codes
	gw, err := envelopegrpcgateway.New(opts)
	require.NoError(t, err)
	conn := grpcServer(t, svc, cfg.serverOpts...)
	mux := runtime.NewServeMux(append(gw.ServeMuxOptions(), cfg.muxOpts...)...)
	require.NoError(t, itemspb.RegisterItemsHandlerClient(context.Background(), mux, itemspb.NewItemsClient(conn)))
	var h http.Handler = mux
	if cfg.middleware {
		mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew, MaxBodyBytes: cfg.maxBody})
		require.NoError(t, err)
		h = mw(mux)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &setup{svc: svc, conn: conn, http: srv, logs: logs}
}

// response is what a client got.
type response struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

func (s *setup) do(t *testing.T, method, path string, header http.Header, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequest(method, s.http.URL+path, body)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := s.http.Client().Do(req)
	require.NoError(t, err)
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	out := response{status: res.StatusCode, header: res.Header, raw: string(b)}
	if len(b) > 0 {
		require.NoError(t, json.Unmarshal(b, &out.body), "the body is JSON: %s", b)
	}
	return out
}

func (s *setup) get(t *testing.T, path string) response {
	t.Helper()
	return s.do(t, http.MethodGet, path, nil, nil)
}

// syncBuffer is a log destination safe for the servers' goroutines.
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

// byID answers GetItem with the error errs holds for the request's ID.
func byID(errs map[string]error) func(context.Context, *itemspb.GetItemRequest) (*itemspb.Item, error) {
	return func(_ context.Context, r *itemspb.GetItemRequest) (*itemspb.Item, error) {
		if err, ok := errs[r.GetId()]; ok {
			return nil, err
		}
		return &itemspb.Item{Id: r.GetId()}, nil
	}
}

func hasNone(t *testing.T, raw string, words ...string) {
	t.Helper()
	for _, w := range words {
		if strings.Contains(raw, w) {
			t.Errorf("the body holds %q: %s", w, raw)
		}
	}
}

func newHTTP(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
