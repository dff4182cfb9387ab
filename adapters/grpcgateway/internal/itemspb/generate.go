// Package itemspb is the generated code of the small Items service that
// the adapter's tests and example serve through a real gateway. The
// generated files are committed, so that building and testing need no
// protoc; to regenerate them after changing items.proto or items.yaml,
// install protoc (Debian: protobuf-compiler) and the plugins at the
// versions the generated headers name, then run go generate here:
//
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
//	go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.1
//	go install github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway@v2.28.0
package itemspb

//go:generate protoc -I . --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative --grpc-gateway_out=. --grpc-gateway_opt=paths=source_relative,grpc_api_configuration=items.yaml items.proto
