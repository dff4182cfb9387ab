//go:build envelopevet_never

package errtext

import "net/http"

// Code behind a build tag the analysis does not set is not reported.
func tagged(w http.ResponseWriter, r *http.Request) {
	http.Error(w, load().Error(), 500)
}
