// Package envelopevet holds static checks that keep every error response of
// an HTTP API on the envelope: they find the places where a handler sends
// internal error text, drops the result of an immutable [APIError] method,
// writes an error status with a hand-written body, or otherwise breaks the
// promises the envelope package makes to clients.
//
// Each check is a [golang.org/x/tools/go/analysis.Analyzer]; [Analyzers]
// returns them all. They run as a standalone command, as a go vet tool and
// as a golangci-lint module plugin (see cmd/envelopevet and gclplugin, and
// docs/envelopevet.md at the repository root for the commands).
//
// # The checks
//
//   - errtext: the text of an error (err.Error(), fmt.Sprint or a %v/%s verb
//     of an error value, or a string built from either) reaches the client
//     through http.Error, a ResponseWriter's Write or WriteString,
//     io.WriteString, fmt.Fprint* or a JSON or XML encoder writing to a
//     ResponseWriter, including through local variables, string
//     concatenation, json.Marshal and map or struct literals.
//   - droppedwith: the result of an APIError With* method is dropped; the
//     method returns a copy, so the call does nothing.
//   - errorbody: WriteHeader with a constant 4xx or 5xx status is followed
//     on some path by a body the handler writes itself, or a handler calls
//     http.Error (or http.NotFound) with a 4xx or 5xx status where it could
//     write an envelope.
//   - latestatus: a status is set after the response started in
//     straight-line code (WriteHeader, http.Error or envelope.Write after a
//     body write, or envelope.Write after WriteHeader): the client never
//     sees it.
//   - writeafter: the response goes on after envelope.Write or http.Error
//     (a missing return), so a later write corrupts the error body.
//   - unknowncode: a code constant that is neither built in nor declared in
//     any envelope.CodeInfo literal that the package can see.
//   - handlerpanic: a handler that returns an error panics with one instead.
//
// # Precision
//
// The checks prefer silence to noise: a value that is not a constant, a
// writer that cannot be traced to a ResponseWriter, or a flow that leaves
// the function is not reported. Data flow is followed within one function
// (SSA form), not across calls.
//
// # Performance considerations
//
// Four checks share one SSA build of each package (the same one the
// standard nilness check uses) and one pass that classifies every call on
// a ResponseWriter; unknowncode reads only syntax and exports one small
// fact per package that declares codes.
//
// [APIError]: https://pkg.go.dev/github.com/apienvelope/envelope#APIError
package envelopevet
