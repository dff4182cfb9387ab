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

const middlewareOutput = `BenchmarkMW/envelope-2   100  300 ns/op  300 cpu-ns/op  0 B/op  5 allocs/op
BenchmarkMW/bare-2       100  100 ns/op  100 cpu-ns/op  0 B/op  2 allocs/op
BenchmarkMW/peer-2       100  900 ns/op  900 cpu-ns/op  0 B/op  9 allocs/op
BenchmarkMW/fw-2         100  700 ns/op  700 cpu-ns/op  0 B/op  8 allocs/op
BenchmarkMW/fw_bare-2    100  300 ns/op  300 cpu-ns/op  0 B/op  3 allocs/op
BenchmarkOther/envelope-2 100  900 ns/op  900 cpu-ns/op  0 B/op  1 allocs/op
`

func TestAddedTableSubtractsBaselines(t *testing.T) {
	t.Parallel()
	rows, err := parse(strings.NewReader(middlewareOutput))
	require.NoError(t, err)
	var b strings.Builder
	addedTable(&b, rows)
	out := b.String()
	assert.Contains(t, out, "| MW | envelope | bare | 200 | 1.00x | 3 |")
	assert.Contains(t, out, "| MW | peer | bare | 800 | 4.00x | 7 |")
	assert.Contains(t, out, "| MW | fw | fw_bare | 400 | 2.00x | 5 |", "a framework is measured above its own bare row")
	assert.NotContains(t, out, "| MW | bare |")
	assert.NotContains(t, out, "| Other |", "no bare row, no added cost")
}

func TestAddedTableEmptyWithoutBareRows(t *testing.T) {
	t.Parallel()
	rows, err := parse(strings.NewReader(sampleOutput))
	require.NoError(t, err)
	var b strings.Builder
	addedTable(&b, rows)
	assert.Empty(t, b.String())
}

const scalingOutput = `BenchmarkFields/0-2     100  100 ns/op  100 cpu-ns/op  0 B/op  2 allocs/op
BenchmarkFields/10-2    100  200 ns/op  200 cpu-ns/op  0 B/op  2 allocs/op
BenchmarkFields/1000-2  100  900 ns/op  25100 cpu-ns/op  0 B/op  4 allocs/op
BenchmarkChainStaticError/envelope-2  100  110 ns/op  110 cpu-ns/op  0 B/op  5 allocs/op
BenchmarkChainStaticError/floor-2     100  100 ns/op  100 cpu-ns/op  0 B/op  6 allocs/op
`

func TestPerItemAndTargets(t *testing.T) {
	t.Parallel()
	rows, err := parse(strings.NewReader(scalingOutput))
	require.NoError(t, err)
	var b strings.Builder
	perItemTable(&b, rows)
	assert.Contains(t, b.String(), "| Fields | 10 | 200 | 10.0 | 2 |")
	assert.Contains(t, b.String(), "| Fields | 1000 | 25100 | 25.0 | 4 |")
	assert.NotContains(t, b.String(), "ChainStaticError", "rows that are not counts")
	b.Reset()
	targetsTable(&b, rows)
	out := b.String()
	assert.Contains(t, out, "| cost per field error at 1000 fields within 2x of that at 10 | 2.50x | **no** |")
	assert.Contains(t, out, "| static error through the chain within 1.2x of the floor | 1.10x | yes |")
	assert.Contains(t, out, "| static error through the chain: allocations beyond the floor's | -1 | yes |")
	assert.NotContains(t, out, "per bucket", "targets without rows are left out")
}
