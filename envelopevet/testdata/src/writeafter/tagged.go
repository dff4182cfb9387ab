//go:build envelopevet_never

package writeafter

import (
	"net/http"

	"github.com/apienvelope/envelope"
)

// Code behind a build tag the analysis does not set is not reported.
func tagged(w http.ResponseWriter, r *http.Request, err error) {
	envelope.Write(w, r, err)
	w.Write([]byte("x"))
}
