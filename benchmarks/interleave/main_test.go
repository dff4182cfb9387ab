package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const listing = `goos: linux
goarch: amd64
pkg: github.com/apienvelope/envelope/benchmarks
cpu: AMD EPYC
BenchmarkStaticError/envelope-2   1  300 ns/op  150 cpu-ns/op  0 B/op  0 allocs/op
BenchmarkStaticError/floor-2      1  200 ns/op  100 cpu-ns/op  48 B/op  2 allocs/op
BenchmarkFields/1000-2            1  900 ns/op  900 cpu-ns/op  8 B/op  1 allocs/op
BenchmarkFields/10                1  90 ns/op  90 cpu-ns/op  8 B/op  1 allocs/op
--- BENCH: BenchmarkX
PASS
ok  	github.com/apienvelope/envelope/benchmarks	0.1s
`

func TestSplitAndGroup(t *testing.T) {
	t.Parallel()
	header, lines := split(listing)
	assert.Equal(t, "goos: linux\ngoarch: amd64\npkg: github.com/apienvelope/envelope/benchmarks\ncpu: AMD EPYC\n", header)
	assert.Len(t, lines, 4)
	assert.Equal(t, []scenario{
		{name: "BenchmarkStaticError", rows: []string{"envelope", "floor"}},
		{name: "BenchmarkFields", rows: []string{"1000", "10"}},
	}, group(lines), "the GOMAXPROCS suffix is cut, and only it")
}
