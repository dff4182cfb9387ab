//go:build envelopevet_never

package handlers

import "github.com/apienvelope/envelope"

// Code behind a build tag the analysis does not set is not reported.
func tagged() error { return envelope.New("nowhere", "x") }
