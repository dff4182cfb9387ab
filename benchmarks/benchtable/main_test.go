package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sampleOutput = `goos: linux
BenchmarkStaticError/envelope-2   100  300 ns/op  150 cpu-ns/op  0 B/op  0 allocs/op
BenchmarkStaticError/floor-2      100  200 ns/op  100 cpu-ns/op  48 B/op  2 allocs/op
BenchmarkStaticError/envelope-2   100  500 ns/op  250 cpu-ns/op  0 B/op  0 allocs/op
BenchmarkStaticError/floor-2      100  400 ns/op  300 cpu-ns/op  48 B/op  2 allocs/op
BenchmarkOther/peer-2             100  900 ns/op  900 cpu-ns/op  8 B/op  1 allocs/op
PASS
`

func TestTableTakesMediansAndRatios(t *testing.T) {
	t.Parallel()
	rows, err := parse(strings.NewReader(sampleOutput))
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, 400.0, rows[0].median("ns/op"))
	assert.Equal(t, 200.0, rows[0].median("cpu-ns/op"))
	var b strings.Builder
	table(&b, rows)
	out := b.String()
	assert.Contains(t, out, "| StaticError | envelope | 400 | 200 | 1.00x | 0 |")
	assert.Contains(t, out, "| StaticError | floor | 300 | 200 | 1.00x | 2 |")
	assert.Contains(t, out, "| Other | peer | 900 | 900 | n/a | 1 |", "a scenario without envelope has no ratio")
}

func TestParseRejectsGarbledNumbers(t *testing.T) {
	t.Parallel()
	_, err := parse(strings.NewReader("BenchmarkX/y-2 10 abc ns/op\n"))
	require.Error(t, err)
}
