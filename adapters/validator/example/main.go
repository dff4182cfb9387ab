// Command example validates orders with go-playground/validator and answers
// with envelope field errors named by the JSON paths the client sent. Run
// it from the repository root (the go.work workspace finds the module):
//
//	go run ./adapters/validator/example
//
// and try, in another terminal:
//
//	curl -i -X POST localhost:8085/orders \
//	  -d '{"email":"nope","items":[{"sku":"A1","qty":1},{"sku":"","qty":0}]}'
package main

import (
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/apienvelope/envelope"
	envelopevalidator "github.com/apienvelope/envelope/adapters/validator"
)

type item struct {
	SKU      string `json:"sku" validate:"required,alphanum,max=32"`
	Quantity int    `json:"qty" validate:"gte=1,lte=100"`
}

type order struct {
	Email string `json:"email" validate:"required,email"`
	Items []item `json:"items" validate:"min=1,max=50,dive"`
	Note  string `json:"note,omitempty" validate:"max=200"`
}

// newServer returns the API. The error writer lists each field error as an
// object with its code, so clients can branch on "required" or "email".
func newServer() (http.Handler, error) {
	format := envelope.FlatFormat()
	for i := range format.Members {
		if format.Members[i].Kind == envelope.MemberFields {
			format.Members[i].Fields = envelope.FieldsObjects
		}
	}
	ew, err := envelope.NewErrorWriter(envelope.Config{Format: &format})
	if err != nil {
		return nil, err
	}
	validate := envelopevalidator.NewValidate() // once: it caches per type

	mux := http.NewServeMux()
	mux.Handle("POST /orders", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var o order
		if err := envelope.DecodeJSON(r, &o); err != nil {
			return err
		}
		if err := envelopevalidator.FromError(validate.Struct(&o)); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		return json.NewEncoder(w).Encode(o)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(envelope.ContextWithErrorWriter(r.Context(), ew)))
	}), nil
}

func main() {
	addr := flag.String("addr", "localhost:8085", "listen address")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	h, err := newServer()
	if err != nil {
		slog.Error("setup", "error", err)
		os.Exit(1)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	slog.Info("listening", "addr", "http://"+*addr)
	if err := srv.ListenAndServe(); err != nil {
		slog.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
