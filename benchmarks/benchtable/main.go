// Command benchtable turns the output of the benchmarks module's
// `go test -bench` run into the Markdown comparison table of its README:
// per scenario, each contender's median wall and CPU time per operation,
// its time relative to envelope's, and its allocations per operation.
//
//	go test -run '^$' -bench . -benchmem -count=6 ./benchmarks/ | go run ./benchmarks/benchtable
//
// For scenarios with a "bare" row (a handler without middleware) it also
// writes the middleware's added cost: each row minus its baseline.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// ours is the contender every ratio is relative to.
const ours = "envelope"

// sample is one benchmark line's metrics, by unit.
type sample map[string]float64

// row is one contender of one scenario with every sample it got.
type row struct {
	scenario, contender string
	samples             []sample
}

// parse reads `go test -bench` output and returns the rows in the order
// they first appear.
func parse(r io.Reader) ([]*row, error) {
	var rows []*row
	byName := map[string]*row{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i] // the GOMAXPROCS suffix
		}
		scenario, contender, ok := strings.Cut(name, "/")
		if !ok {
			continue
		}
		s := sample{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q: %w", f[0], f[i], err)
			}
			s[f[i+1]] = v
		}
		rw := byName[name]
		if rw == nil {
			rw = &row{scenario: scenario, contender: contender}
			byName[name] = rw
			rows = append(rows, rw)
		}
		rw.samples = append(rw.samples, s)
	}
	return rows, sc.Err()
}

// median returns the median of unit over the row's samples.
func (r *row) median(unit string) float64 {
	var vs []float64
	for _, s := range r.samples {
		if v, ok := s[unit]; ok {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return 0
	}
	slices.Sort(vs)
	if len(vs)%2 == 1 {
		return vs[len(vs)/2]
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
}

// table writes the Markdown table. The ratio column is the contender's CPU
// time over envelope's in the same scenario ("2.00x" means twice as slow).
func table(w io.Writer, rows []*row) {
	fmt.Fprintln(w, "| scenario | contender | ns/op | cpu-ns/op | vs envelope (cpu) | allocs/op |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|")
	base := map[string]float64{}
	for _, r := range rows {
		if r.contender == ours {
			base[r.scenario] = r.median("cpu-ns/op")
		}
	}
	for _, r := range rows {
		ratio := "n/a"
		if b := base[r.scenario]; b > 0 {
			ratio = fmt.Sprintf("%.2fx", r.median("cpu-ns/op")/b)
		}
		fmt.Fprintf(w, "| %s | %s | %.0f | %.0f | %s | %.0f |\n", r.scenario, r.contender,
			r.median("ns/op"), r.median("cpu-ns/op"), ratio, r.median("allocs/op"))
	}
}

// baseline returns the row whose cost contender c's row is measured
// above in the added-cost table: "<c>_bare" when the scenario has it
// (a framework's own routing without the middleware), else "bare".
// Bare rows themselves have no baseline.
func baseline(bySc map[string]*row, c string) (*row, bool) {
	if c == "bare" || strings.HasSuffix(c, "_bare") {
		return nil, false
	}
	if b, ok := bySc[c+"_bare"]; ok {
		return b, true
	}
	b, ok := bySc["bare"]
	return b, ok
}

// addedTable writes, for the scenarios with a "bare" row (a handler
// without middleware), each contender's added CPU time: its median minus
// its baseline's (see baseline), and that over envelope's added time.
// Scenarios without a bare row are skipped; with none, nothing is written.
func addedTable(w io.Writer, rows []*row) {
	byScenario := map[string]map[string]*row{}
	var order []string
	for _, r := range rows {
		if byScenario[r.scenario] == nil {
			byScenario[r.scenario] = map[string]*row{}
			order = append(order, r.scenario)
		}
		byScenario[r.scenario][r.contender] = r
	}
	header := false
	for _, sc := range order {
		m := byScenario[sc]
		if _, ok := m["bare"]; !ok {
			continue
		}
		added := func(r *row) (float64, bool) {
			b, ok := baseline(m, r.contender)
			if !ok {
				return 0, false
			}
			return r.median("cpu-ns/op") - b.median("cpu-ns/op"), true
		}
		oursAdded := 0.0
		if o, ok := m[ours]; ok {
			oursAdded, _ = added(o)
		}
		for _, r := range rows {
			if r.scenario != sc {
				continue
			}
			a, ok := added(r)
			if !ok {
				continue
			}
			if !header {
				fmt.Fprintln(w)
				fmt.Fprintln(w, "| scenario | contender | baseline | added cpu-ns/op | vs envelope (added) | added allocs/op |")
				fmt.Fprintln(w, "|---|---|---|--:|--:|--:|")
				header = true
			}
			b, _ := baseline(m, r.contender)
			ratio := "n/a"
			if oursAdded > 0 {
				ratio = fmt.Sprintf("%.2fx", a/oursAdded)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %.0f | %s | %.0f |\n", sc, r.contender, b.contender,
				a, ratio, r.median("allocs/op")-b.median("allocs/op"))
		}
	}
}

func main() {
	rows, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(rows) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no benchmark lines on standard input")
		os.Exit(1)
	}
	table(os.Stdout, rows)
	addedTable(os.Stdout, rows)
}
