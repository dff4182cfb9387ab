package envelopegrpcgateway_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"

	"github.com/apienvelope/envelope"
	envelopegrpcgateway "github.com/apienvelope/envelope/adapters/grpcgateway"
	"github.com/apienvelope/envelope/adapters/grpcgateway/internal/itemspb"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// A gRPC service returns envelope errors (the interceptor turns them into
// statuses with details); the gateway in front of it renders them as
// envelopes again, in the writer's format.
func Example() {
	codes, _ := envelope.NewCodes(envelope.CodeInfo{Code: "insufficient_credit", Status: 402, Message: "Not enough credit."})
	ew, _ := envelope.NewWriter(envelope.WriterOptions{Codes: codes, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	gw, _ := envelopegrpcgateway.New(envelopegrpcgateway.Options{Writer: ew, Codes: codes, Domain: "items.example.com"})

	// The gRPC server, with the service layer's errors.
	lis, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := grpc.NewServer(grpc.UnaryInterceptor(gw.UnaryServerInterceptor()))
	itemspb.RegisterItemsServer(srv, &items{
		get: func(context.Context, *itemspb.GetItemRequest) (*itemspb.Item, error) {
			return nil, envelope.New("insufficient_credit", "Top up to read this item.")
		},
		create: func(context.Context, *itemspb.CreateItemRequest) (*itemspb.Item, error) {
			return nil, envelope.Validation("").WithField("item.line_items[2].sku", "is not a known SKU")
		},
	})
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	// The gateway, behind the envelope middleware.
	conn, _ := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	defer conn.Close()
	mux := runtime.NewServeMux(gw.ServeMuxOptions()...)
	_ = itemspb.RegisterItemsHandlerClient(context.Background(), mux, itemspb.NewItemsClient(conn))
	mw, _ := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	api := httptest.NewServer(mw(mux))
	defer api.Close()

	for _, req := range []struct{ method, path string }{
		{"GET", "/v1/items/7"},
		{"POST", "/v1/items"},
		{"PUT", "/v1/items/7"},
	} {
		r, _ := http.NewRequest(req.method, api.URL+req.path, nil)
		r.Header.Set("X-Request-Id", "req-1")
		res, _ := api.Client().Do(r)
		body, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		fmt.Println(res.StatusCode, res.Header.Get("Allow"), string(body))
	}
	// Output:
	// 402  {"code":"insufficient_credit","message":"Top up to read this item.","requestId":"req-1"}
	// 400  {"code":"validation_failed","message":"One or more fields are invalid.","fields":{"item.lineItems[2].sku":"is not a known SKU"},"requestId":"req-1"}
	// 405 GET, DELETE {"code":"method_not_allowed","message":"The request method is not supported for this resource.","requestId":"req-1"}
}

// The format in grpc-gateway's own error shape, for clients that already
// read it.
func ExampleGatewayFormat() {
	ew, _ := envelope.NewWriter(envelope.WriterOptions{Format: envelopegrpcgateway.GatewayFormat()})
	for _, err := range []error{
		envelope.NotFound("Item 7 was not found."),
		envelope.Validation("").WithField("item.displayName", "is required"),
	} {
		rec := httptest.NewRecorder()
		ew.Write(rec, httptest.NewRequest("GET", "/v1/items/7", nil), err)
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// 404 {"code":5,"message":"Item 7 was not found.","details":[]}
	// 400 {"code":3,"message":"One or more fields are invalid.","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"item.displayName","description":"is required"}]}]}
}
