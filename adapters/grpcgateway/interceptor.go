package envelopegrpcgateway

import (
	"context"
	"errors"
	"log/slog"

	"github.com/apienvelope/envelope"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// UnaryServerInterceptor returns a gRPC server interceptor that turns the
// error a method returns into its status with [Gateway.ToGRPC], so that a
// service layer shared by gRPC and HTTP handlers returns envelope errors
// in both. An error that is neither an [*envelope.APIError] nor a gRPC
// status, and an envelope server error (5xx) with a cause, are logged at
// Error level with their text (see [Options.Logger]); the client gets the
// public message only.
func (g *Gateway) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		resp, err := handler(ctx, req)
		if err != nil {
			return nil, g.serverError(ctx, info.FullMethod, err)
		}
		return resp, nil
	}
}

// StreamServerInterceptor is [Gateway.UnaryServerInterceptor] for
// streaming methods.
func (g *Gateway) StreamServerInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if err := handler(srv, ss); err != nil {
			return g.serverError(ss.Context(), info.FullMethod, err)
		}
		return nil
	}
}

func (g *Gateway) serverError(ctx context.Context, method string, err error) error {
	var ae *envelope.APIError
	isAPI := errors.As(err, &ae) && ae != nil
	_, isStatus := status.FromError(err)
	switch {
	case isAPI && g.status(ae.Code()) >= 500 && ae.Unwrap() != nil,
		!isAPI && !isStatus:
		l := g.logger
		if l == nil {
			l = slog.Default()
		}
		l.LogAttrs(ctx, slog.LevelError, "envelopegrpcgateway: server error",
			slog.String("method", method), slog.String("code", string(envelope.CodeOf(err))), slog.String("error", err.Error()))
	}
	return g.ToGRPC(err)
}
