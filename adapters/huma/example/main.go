// Command example is a small huma v2 API whose errors, huma's own
// validation errors included, are envelopes. Run it from the repository
// root:
//
//	go run ./adapters/huma/example -format nested
//
// and try, in another terminal:
//
//	curl -i localhost:8088/books/dune
//	curl -i localhost:8088/books/nope
//	curl -i -X POST localhost:8088/books -H 'Content-Type: application/json' -d '{"title":"X","year":3000}'
//	curl -i -X POST localhost:8088/books -H 'Accept-Language: de' -H 'Content-Type: application/json' -d '{"title":"X"}'
//	curl -i -X POST localhost:8088/books -H 'Accept: application/problem+json' -H 'Content-Type: application/json' -d '{}'
//	curl -i 'localhost:8088/books?limit=500'
//	curl -i 'localhost:8088/books?limit=abc' -H 'Accept: application/problem+json'
//	curl -s localhost:8088/openapi.json
//
// -format picks the main format (flat, nested or problem); clients that
// ask for application/problem+json get RFC 9457 problem details.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/apienvelope/envelope"
	envelopehuma "github.com/apienvelope/envelope/adapters/huma"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

type book struct {
	Slug  string `json:"slug" pattern:"^[a-z0-9-]+$" maxLength:"64"`
	Title string `json:"title" minLength:"2" maxLength:"200"`
	Year  int    `json:"year" minimum:"1450" maximum:"2100"`
}

type bookOutput struct{ Body book }

type listOutput struct{ Body []book }

type store struct {
	mu    sync.Mutex
	books map[string]book
}

// newServer returns the API behind the envelope middleware, its errors in
// format.
func newServer(format string, logger *slog.Logger) (http.Handler, error) {
	var f envelope.Format
	switch format {
	case "flat":
		f = envelope.FlatFormat()
	case "nested":
		f = envelope.NestedFormat()
	case "problem":
		f = envelope.ProblemFormat()
	default:
		return nil, fmt.Errorf("unknown format %q (flat, nested or problem)", format)
	}
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{})
	if err != nil {
		return nil, err
	}
	opts := envelope.WriterOptions{Format: f, Logger: logger, Localizer: loc}
	if f.Name != "problem" {
		opts.Alternates = []envelope.Format{envelope.ProblemFormat()}
	}
	ew, err := envelope.NewWriter(opts)
	if err != nil {
		return nil, err
	}
	errs, err := envelopehuma.New(envelopehuma.Options{Writer: ew})
	if err != nil {
		return nil, err
	}
	hcfg := huma.DefaultConfig("Books", "1.0.0")
	errs.Configure(&hcfg)
	mux := http.NewServeMux()
	api := humago.New(mux, hcfg)

	s := &store{books: map[string]book{"dune": {Slug: "dune", Title: "Dune", Year: 1965}}}
	huma.Get(api, "/books/{slug}", func(ctx context.Context, in *struct {
		Slug string `path:"slug"`
	}) (*bookOutput, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		b, ok := s.books[in.Slug]
		if !ok {
			return nil, envelope.NotFound("Book not found.")
		}
		return &bookOutput{Body: b}, nil
	})
	huma.Get(api, "/books", func(ctx context.Context, in *struct {
		Limit int `query:"limit" minimum:"1" maximum:"100" default:"20"`
	}) (*listOutput, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		out := &listOutput{Body: []book{}}
		for _, b := range s.books {
			if len(out.Body) < in.Limit {
				out.Body = append(out.Body, b)
			}
		}
		return out, nil
	})
	huma.Post(api, "/books", func(ctx context.Context, in *struct{ Body book }) (*bookOutput, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, dup := s.books[in.Body.Slug]; dup {
			return nil, huma.Error409Conflict("A book with this slug exists.")
		}
		s.books[in.Body.Slug] = in.Body
		return &bookOutput{Body: in.Body}, nil
	})

	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	if err != nil {
		return nil, err
	}
	return mw(mux), nil
}

func main() {
	addr := flag.String("addr", "localhost:8088", "listen address")
	format := flag.String("format", "nested", "error format: flat, nested or problem")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	h, err := newServer(*format, logger)
	if err != nil {
		logger.Error("configuration", "error", err)
		os.Exit(1)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	logger.Info("listening", "addr", "http://"+*addr)
	if err := srv.ListenAndServe(); err != nil {
		logger.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
