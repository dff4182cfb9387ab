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
//	curl -i -X POST localhost:8085/orders -H 'Accept-Language: de' \
//	  -d '{"email":"a@example.com","confirm_email":"b@example.com","items":[]}'
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
	// Confirm repeats Email: a cross-field rule, named by its JSON path.
	Confirm string `json:"confirm_email" validate:"eqfield=Email"`
}

// newServer returns the API behind the envelope middleware (request IDs,
// security headers, panics, body limit). The writer lists each field error
// as an object with its code, so clients can branch on "required" or
// "email", and words messages in the client's language (Accept-Language:
// de, fr, es, ja, pt-BR), with Content-Language.
func newServer() (http.Handler, error) {
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	if err != nil {
		return nil, err
	}
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Localizer: loc,
		Format: envelope.Format{
			Name: "objects",
			Body: `{"code": "{{code}}", "message": "{{message}}", "requestId": "{{requestId}}",
				"fields": [{"field": "{{field}}", "code": "{{field.code}}", "message": "{{field.message}}"}]}`,
		},
	})
	if err != nil {
		return nil, err
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew, MaxBodyBytes: 64 << 10})
	if err != nil {
		return nil, err
	}
	validate := envelopevalidator.NewValidate() // once: it caches per type
	tr := envelopevalidator.NewTranslator(envelopevalidator.Options{})

	mux := http.NewServeMux()
	mux.Handle("POST /orders", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var o order
		if err := envelope.DecodeRequest(r, &o); err != nil {
			return err
		}
		if err := tr.Struct(r.Context(), validate, &o); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		return json.NewEncoder(w).Encode(o)
	}))
	return mw(mux), nil
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
