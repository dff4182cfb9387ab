// Command example serves a small gRPC service and, in front of it, a
// grpc-gateway reverse proxy whose errors are envelopes. The service layer
// returns envelope errors; the interceptor turns them into gRPC statuses
// with details, and the gateway renders those as envelopes again. Run it
// from the repository root (the go.work workspace finds the module):
//
//	go run ./adapters/grpcgateway/example
//
// and try, in another terminal:
//
//	curl -i localhost:8091/v1/items/1                   # 200
//	curl -i localhost:8091/v1/items/42                  # 404 not_found
//	curl -i localhost:8091/v1/items/1?revision=abc      # 400, field "revision"
//	curl -i -X POST localhost:8091/v1/items -d '{"item":{"displayName":""}}'
//	                                                    # 400 validation_failed, field "item.displayName"
//	curl -i -X PUT localhost:8091/v1/items/1            # 405, Allow: GET, DELETE
//
// The gRPC server listens on localhost:9091 (-grpc) for gRPC clients.
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/apienvelope/envelope"
	envelopegrpcgateway "github.com/apienvelope/envelope/adapters/grpcgateway"
	"github.com/apienvelope/envelope/adapters/grpcgateway/internal/itemspb"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// store is the service layer: it returns envelope errors, whichever
// transport calls it.
type store struct {
	itemspb.UnimplementedItemsServer
	mu    sync.Mutex
	items map[string]*itemspb.Item
}

func (s *store) GetItem(_ context.Context, r *itemspb.GetItemRequest) (*itemspb.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[r.GetId()]
	if !ok {
		return nil, envelope.NotFound("Item not found.")
	}
	return it, nil
}

func (s *store) CreateItem(_ context.Context, r *itemspb.CreateItemRequest) (*itemspb.Item, error) {
	it := r.GetItem()
	if it.GetDisplayName() == "" {
		return nil, envelope.Validation("").WithFields(envelope.FieldError{
			Field: "item.display_name", Code: "required", Message: "is required",
		})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it.Id = "item-" + it.GetDisplayName()
	s.items[it.GetId()] = it
	return it, nil
}

func (s *store) DeleteItem(_ context.Context, r *itemspb.DeleteItemRequest) (*itemspb.DeleteItemResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.items, r.GetId())
	return &itemspb.DeleteItemResponse{}, nil
}

// newServers returns the gRPC server (with the interceptor) and the
// gateway's HTTP handler (behind the envelope middleware), whose client
// dials grpcAddr. The returned func closes the gateway's connection.
func newServers(grpcAddr string, logger *slog.Logger) (*grpc.Server, http.Handler, func(), error) {
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: logger})
	if err != nil {
		return nil, nil, nil, err
	}
	gw, err := envelopegrpcgateway.New(envelopegrpcgateway.Options{Writer: ew, Domain: "items.example.com", Logger: logger})
	if err != nil {
		return nil, nil, nil, err
	}
	gs := grpc.NewServer(grpc.UnaryInterceptor(gw.UnaryServerInterceptor()))
	itemspb.RegisterItemsServer(gs, &store{items: map[string]*itemspb.Item{"1": {Id: "1", DisplayName: "Lamp"}}})

	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, nil, nil, err
	}
	mux := runtime.NewServeMux(gw.ServeMuxOptions()...)
	if err := itemspb.RegisterItemsHandlerClient(context.Background(), mux, itemspb.NewItemsClient(conn)); err != nil {
		_ = conn.Close()
		return nil, nil, nil, err
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew, MaxBodyBytes: 1 << 20})
	if err != nil {
		_ = conn.Close()
		return nil, nil, nil, err
	}
	return gs, mw(mux), func() { _ = conn.Close() }, nil
}

func main() {
	httpAddr := flag.String("addr", "localhost:8091", "HTTP listen address (the gateway)")
	grpcAddr := flag.String("grpc", "localhost:9091", "gRPC listen address")
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(*httpAddr, *grpcAddr, logger); err != nil {
		logger.Error("example stopped", "error", err)
		os.Exit(1)
	}
}

func run(httpAddr, grpcAddr string, logger *slog.Logger) error {
	lis, err := net.Listen("tcp", grpcAddr)
	if err != nil {
		return err
	}
	gs, h, closeConn, err := newServers(lis.Addr().String(), logger)
	if err != nil {
		return err
	}
	defer closeConn()
	go func() { _ = gs.Serve(lis) }()
	defer gs.Stop()

	srv := &http.Server{Addr: httpAddr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	logger.Info("listening", "http", "http://"+httpAddr, "grpc", lis.Addr().String())
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
