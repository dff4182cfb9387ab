// Command app is a small API with one mistake per envelopevet check, for
// the command's end-to-end tests.
package main

import (
	"net/http"

	"github.com/apienvelope/envelope"

	"app/handlers"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /flags/{key}", handlers.Get)
	mux.HandleFunc("GET /missing", handlers.NotFound)
	mux.HandleFunc("GET /late", handlers.Late)
	mux.HandleFunc("GET /goes-on", handlers.GoesOn)
	mux.Handle("GET /panics", envelope.HandlerFunc(handlers.Panics))
	_ = http.ListenAndServe("localhost:8080", mux)
}
