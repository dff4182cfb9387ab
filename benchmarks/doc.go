// Package benchmarks compares the cost of envelope's error writing and
// middleware with like-for-like floors (the same bytes precomputed, a
// hand-written minimal middleware), hand-rolled encoding/json and
// http.Error baselines, and the error writers and middleware of other Go
// libraries, with fixtures built as net/http builds them (a fresh header
// map per response, the request state built per request by the real
// middleware). It is a separate module so that the root module keeps its
// short dependency list; the peers are pinned in this module's go.mod.
//
// Everything lives in _test.go files and two commands: interleave runs
// every row in its own process, in rotation, for several passes, and
// benchtable turns the output into the README's tables and targets:
//
//	go run ./benchmarks/interleave -passes 6 > bench.txt
//	go run ./benchmarks/benchtable < bench.txt
//
// from the repository root. See README.md in this directory for the
// tables, how each contender is driven, and the load test.
package benchmarks
