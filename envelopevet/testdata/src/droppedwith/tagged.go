//go:build envelopevet_never

package droppedwith

import "github.com/apienvelope/envelope"

// Code behind a build tag the analysis does not set is not reported.
func tagged() {
	envelope.Internal("x").WithField("a", "b")
}
