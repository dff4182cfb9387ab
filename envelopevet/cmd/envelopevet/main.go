// Command envelopevet runs the envelopevet checks: the places where an
// HTTP handler sends internal error text, drops an APIError With* result,
// writes an error status with a hand-written body, or otherwise breaks the
// envelope's promises.
//
// Run it on packages, standalone:
//
//	envelopevet ./...
//	envelopevet -fix ./...        # apply the suggested fixes
//	envelopevet -errorbody=false ./...   # leave one check out
//
// or as the tool of go vet, which then runs only these checks:
//
//	go vet -vettool=$(which envelopevet) ./...
//
// It exits with status 3 when it reports a diagnostic (go vet: 1), 0
// when it reports none. See docs/envelopevet.md in the repository for
// the golangci-lint plugin.
package main

import (
	"github.com/apienvelope/envelope/envelopevet"
	"golang.org/x/tools/go/analysis/multichecker"
)

func main() { multichecker.Main(envelopevet.Analyzers()...) }
