// Command server is a small feature-flag API that shows envelope's error
// responses. Run it from the repository root:
//
//	go run ./examples/server
//
// and try, in another terminal:
//
//	curl -i localhost:8080/flags/dark-mode
//	curl -i localhost:8080/flags/nope
//	curl -i -X POST localhost:8080/flags -H 'Content-Type: application/json' -d '{"key":"BAD KEY!"}'
//	curl -i -X POST localhost:8080/flags -H 'Content-Type: application/json' -d '{"key":"beta","enabled":"yes"}'
//	curl -i -X DELETE localhost:8080/flags/dark-mode
//	curl -i localhost:8080/billing
//	curl -i localhost:8080/boom
//	curl -i -X PATCH localhost:8080/flags/dark-mode
//	curl -i -H 'Accept-Language: de' localhost:8080/flags/nope
//	curl -i -H 'Accept-Language: pt-PT' -X DELETE localhost:8080/flags/dark-mode
//	curl -i -H 'Accept: application/problem+json' -H 'Content-Type: application/json' -X POST localhost:8080/flags -d '{}'
//
// Every response carries a request ID and the security headers; panics
// become clean 500s; the router's 404 and 405 pages are envelopes; bodies
// over 1 MiB get a 413. Messages follow Accept-Language (English, German,
// French, Spanish, Japanese, Brazilian Portuguese), and a client that
// prefers application/problem+json gets RFC 9457 problem details.
package main

import (
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"sync"
	"time"

	"github.com/apienvelope/envelope"
)

// codeInUse is a domain code of this API, declared once in codes below.
const codeInUse envelope.Code = "in_use"

// codes is this API's table of codes: the built-in ones and its own. The
// writer, a client's parser and the generated documents all take it.
var codes = []envelope.CodeInfo{{
	Code:        codeInUse,
	Status:      http.StatusConflict,
	Message:     "The flag is still referenced.", // without a catalog entry
	Description: "Deleting a flag that other flags depend on.",
}}

// messages holds this API's own translations: the in_use message in each
// language the server offers. Built-in codes and field keys need none.
//
//go:embed messages.json
var messages embed.FS

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,127}$`)

type flagDef struct {
	Key       string   `json:"key"`
	Enabled   bool     `json:"enabled"`
	DependsOn []string `json:"dependsOn,omitempty"`
}

type store struct {
	mu    sync.Mutex
	flags map[string]flagDef
}

// newServer returns the API's handler: the routes inside the chain
// (request ID, security headers, panic recovery, a 1 MiB body limit, the
// router's 404/405 as envelopes).
func newServer(logger *slog.Logger) (http.Handler, error) {
	table, err := envelope.NewCodes(codes...)
	if err != nil {
		return nil, err
	}
	f, err := messages.Open("messages.json")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	catalog, err := envelope.LoadCatalog(f)
	if err != nil {
		return nil, err
	}
	loc, err := envelope.NewLocalizer(envelope.LocalizerOptions{Catalogs: []envelope.Catalog{catalog}})
	if err != nil {
		return nil, err
	}
	ew, err := envelope.NewWriter(envelope.WriterOptions{
		Codes:      table,
		Logger:     logger,
		Localizer:  loc,
		Alternates: []envelope.Format{envelope.ProblemFormat()},
	})
	if err != nil {
		return nil, err
	}
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew, MaxBodyBytes: 1 << 20})
	if err != nil {
		return nil, err
	}
	s := &store{flags: map[string]flagDef{
		"dark-mode": {Key: "dark-mode", Enabled: true},
		"new-nav":   {Key: "new-nav", DependsOn: []string{"dark-mode"}},
	}}
	mux := http.NewServeMux()
	mux.Handle("GET /flags/{key}", envelope.HandlerFunc(s.get))
	mux.Handle("POST /flags", envelope.HandlerFunc(s.create))
	mux.Handle("DELETE /flags/{key}", envelope.HandlerFunc(s.delete))
	mux.Handle("GET /billing", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		// The cause is logged with the request ID; the client sees only
		// the public message.
		return envelope.Wrap(errors.New("card provider: HTTP 502 from upstream"),
			envelope.CodeInternal, "billing provider returned an unexpected error")
	}))
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) {
		panic("the example server's deliberate panic")
	})
	return mw(mux), nil
}

func (s *store) get(w http.ResponseWriter, r *http.Request) error {
	s.mu.Lock()
	f, ok := s.flags[r.PathValue("key")]
	s.mu.Unlock()
	if !ok {
		// No explicit message: the catalog's, in the client's language.
		return envelope.NotFound("")
	}
	return writeJSON(w, http.StatusOK, f)
}

func (s *store) create(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Key     string `json:"key"`
		Enabled *bool  `json:"enabled"`
	}
	if err := envelope.DecodeRequest(r, &in); err != nil {
		return err
	}
	// Field errors name a message key (their code) and leave the text to
	// the catalog.
	verr := envelope.Validation("")
	if in.Key == "" {
		verr = verr.WithFields(envelope.FieldError{Field: "key", Code: "required"})
	} else if !keyPattern.MatchString(in.Key) {
		verr = verr.WithFields(envelope.FieldError{Field: "key", Code: "pattern"})
	}
	if in.Enabled == nil {
		verr = verr.WithFields(envelope.FieldError{Field: "enabled", Code: "required"})
	}
	if len(verr.Fields()) > 0 {
		return verr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.flags[in.Key]; dup {
		return envelope.Conflict("Flag already exists")
	}
	f := flagDef{Key: in.Key, Enabled: *in.Enabled}
	s.flags[in.Key] = f
	return writeJSON(w, http.StatusCreated, f)
}

func (s *store) delete(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.flags[key]; !ok {
		return envelope.NotFound("Flag not found")
	}
	for _, f := range s.flags {
		for _, dep := range f.DependsOn {
			if dep == key {
				return envelope.New(codeInUse, "").WithArgs(f.Key).WithField("dependents", "flag."+f.Key)
			}
		}
	}
	delete(s.flags, key)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func main() {
	addr := flag.String("addr", "localhost:8080", "listen address")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	h, err := newServer(logger)
	if err != nil {
		logger.Error("configuration", "error", err)
		os.Exit(1)
	}
	srv := &http.Server{
		Addr:              *addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
	}
	logger.Info("listening", "addr", "http://"+*addr)
	if err := srv.ListenAndServe(); err != nil {
		logger.Error("server stopped", "error", err)
		os.Exit(1)
	}
}
