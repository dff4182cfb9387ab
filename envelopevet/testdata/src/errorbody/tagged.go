//go:build envelopevet_never

package errorbody

import "net/http"

// Code behind a build tag the analysis does not set is not reported.
func tagged(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "nope", http.StatusNotFound)
	w.WriteHeader(500)
	w.Write([]byte("x"))
}
