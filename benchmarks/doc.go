// Package benchmarks compares the cost of envelope's error writing with a
// precomputed-bytes floor, hand-rolled encoding/json and http.Error
// baselines, and the error writers of other Go libraries. It is a separate
// module so that the root module keeps its short dependency list; the peers
// are pinned in this module's go.mod.
//
// Everything lives in _test.go files: run
//
//	go test -run '^$' -bench . -benchmem ./benchmarks/...
//
// from the repository root. See README.md in this directory for the table,
// how each contender is driven, and the load test.
package benchmarks
