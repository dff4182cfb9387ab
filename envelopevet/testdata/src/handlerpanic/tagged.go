//go:build envelopevet_never

package handlerpanic

import "net/http"

// Code behind a build tag the analysis does not set is not reported.
func tagged(w http.ResponseWriter, r *http.Request) error {
	_, err := load()
	panic(err)
}
