//go:build envelopevet_never

package latestatus

import "net/http"

// Code behind a build tag the analysis does not set is not reported.
func tagged(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("x"))
	w.WriteHeader(500)
}
