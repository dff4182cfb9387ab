// Command benchtable turns the output of the benchmarks module's
// `go test -bench` run into the Markdown comparison table of its README:
// per scenario, each contender's median wall and CPU time per operation,
// its time relative to envelope's, and its allocations per operation.
//
//	go run ./benchmarks/interleave -passes 6 > bench.txt
//	go run ./benchmarks/benchtable < bench.txt
//
// For scenarios with a "bare" row (a handler without middleware) it also
// writes the middleware's added cost: each row minus its baseline. For
// scenarios whose rows are counts (Fields, Buckets) it writes the cost per
// item: a row's time above the 0 row's, over its count. Last comes the
// targets table: each target of benchmarks/README.md with its ratio, from
// the same medians.
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
	perItemTable(os.Stdout, rows)
	targetsTable(os.Stdout, rows)
}

// counted returns the rows of a scenario whose rows are all counts, by
// count, in order; ok is false for any other scenario.
func counted(rows []*row, scenario string) (ns []int, byN map[int]*row, ok bool) {
	byN = map[int]*row{}
	for _, r := range rows {
		if r.scenario != scenario {
			continue
		}
		n, err := strconv.Atoi(r.contender)
		if err != nil {
			return nil, nil, false
		}
		if _, dup := byN[n]; !dup {
			ns = append(ns, n)
		}
		byN[n] = r
	}
	_, zero := byN[0]
	return ns, byN, zero && len(ns) > 1
}

// perItem is the CPU time per item of the row with n items: its median
// above the 0 row's, over n.
func perItem(byN map[int]*row, n int) float64 {
	return (byN[n].median("cpu-ns/op") - byN[0].median("cpu-ns/op")) / float64(n)
}

// perItemTable writes, for each scenario whose rows are counts, each
// row's CPU time per item.
func perItemTable(w io.Writer, rows []*row) {
	header := false
	var seen []string
	for _, r := range rows {
		if slices.Contains(seen, r.scenario) {
			continue
		}
		seen = append(seen, r.scenario)
		ns, byN, ok := counted(rows, r.scenario)
		if !ok {
			continue
		}
		if !header {
			fmt.Fprintln(w)
			fmt.Fprintln(w, "| scenario | items | cpu-ns/op | per item above 0 (cpu-ns) | allocs/op |")
			fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
			header = true
		}
		for _, n := range ns {
			pi := "-"
			if n > 0 {
				pi = fmt.Sprintf("%.1f", perItem(byN, n))
			}
			fmt.Fprintf(w, "| %s | %d | %.0f | %s | %.0f |\n", r.scenario, n, byN[n].median("cpu-ns/op"), pi, byN[n].median("allocs/op"))
		}
	}
}

// A target is one line of the targets table: a ratio of medians and the
// bound it must meet.
type target struct {
	what   string
	ratio  func(get func(scenario, contender, unit string) (float64, bool)) (float64, bool)
	bound  float64
	atMost bool // the ratio must be at most bound (else at least)
}

// ratioOf is a target's ratio a/b of CPU medians.
func ratioOf(sa, ca, sb, cb string) func(func(string, string, string) (float64, bool)) (float64, bool) {
	return func(get func(string, string, string) (float64, bool)) (float64, bool) {
		a, ok1 := get(sa, ca, "cpu-ns/op")
		b, ok2 := get(sb, cb, "cpu-ns/op")
		return a / b, ok1 && ok2 && b > 0
	}
}

// allocsAbove is a target's allocations of a over those of b (a
// difference, bounded by 0).
func allocsAbove(sc, a, b string) func(func(string, string, string) (float64, bool)) (float64, bool) {
	return func(get func(string, string, string) (float64, bool)) (float64, bool) {
		x, ok1 := get(sc, a, "allocs/op")
		y, ok2 := get(sc, b, "allocs/op")
		return x - y, ok1 && ok2
	}
}

// targets are the targets of benchmarks/README.md.
var targets = []target{
	{"chain within 1.15x of the hand-written minimum, fresh ID", ratioOf("MiddlewareFreshID", ours, "MiddlewareFreshID", "minimal"), 1.15, true},
	{"chain within 1.15x of the hand-written minimum, incoming ID", ratioOf("MiddlewareIncomingID", ours, "MiddlewareIncomingID", "minimal"), 1.15, true},
	{"chi + unrolled/secure at least 2.5x the chain, fresh ID", ratioOf("MiddlewareFreshID", "chi_secure", "MiddlewareFreshID", ours), 2.5, false},
	{"chi + unrolled/secure at least 3x the chain, incoming ID", ratioOf("MiddlewareIncomingID", "chi_secure", "MiddlewareIncomingID", ours), 3, false},
	{"static error through the chain within 1.2x of the floor", ratioOf("ChainStaticError", ours, "ChainStaticError", "floor"), 1.2, true},
	{"validation error (2 fields) through the chain within 1.2x of the floor", ratioOf("ChainValidation2", ours, "ChainValidation2", "floor"), 1.2, true},
	{"static error through the chain: allocations beyond the floor's", allocsAbove("ChainStaticError", ours, "floor"), 0, true},
	{"validation error through the chain: allocations beyond the floor's", allocsAbove("ChainValidation2", ours, "floor"), 0, true},
	{"hand-rolled encoding/json at least 2x, static error through the chain", ratioOf("ChainStaticError", "encoding_json", "ChainStaticError", ours), 2, false},
	{"hand-rolled encoding/json at least 2x, validation error through the chain", ratioOf("ChainValidation2", "encoding_json", "ChainValidation2", ours), 2, false},
	{"hand-rolled encoding/json at least 3x, static error standalone", ratioOf("StaticError", "encoding_json", "StaticError", ours), 3, false},
	{"hand-rolled encoding/json at least 3x, validation error standalone", ratioOf("Validation2", "encoding_json", "Validation2", ours), 3, false},
	{"cost per field error at 1000 fields within 2x of that at 10", perItemRatio("Fields", 1000, 10), 2, true},
	{"cost per bucket at 100 buckets within 2x of that at 10", perItemRatio("Buckets", 100, 10), 2, true},
}

// perItemRatio is a target's cost per item at n over that at m.
func perItemRatio(scenario string, n, m int) func(func(string, string, string) (float64, bool)) (float64, bool) {
	return func(get func(string, string, string) (float64, bool)) (float64, bool) {
		t0, ok0 := get(scenario, "0", "cpu-ns/op")
		tn, okn := get(scenario, strconv.Itoa(n), "cpu-ns/op")
		tm, okm := get(scenario, strconv.Itoa(m), "cpu-ns/op")
		a, b := (tn-t0)/float64(n), (tm-t0)/float64(m)
		return a / b, ok0 && okn && okm && b > 0
	}
}

// targetsTable writes the targets whose rows the input has, each with its
// measured value and whether it is met.
func targetsTable(w io.Writer, rows []*row) {
	get := func(sc, c, unit string) (float64, bool) {
		for _, r := range rows {
			if r.scenario == sc && r.contender == c {
				return r.median(unit), true
			}
		}
		return 0, false
	}
	header := false
	for _, t := range targets {
		v, ok := t.ratio(get)
		if !ok {
			continue
		}
		if !header {
			fmt.Fprintln(w)
			fmt.Fprintln(w, "| target | measured | met |")
			fmt.Fprintln(w, "|---|--:|---|")
			header = true
		}
		met := v >= t.bound
		if t.atMost {
			met = v <= t.bound
		}
		verdict := "yes"
		if !met {
			verdict = "**no**"
		}
		value := fmt.Sprintf("%.2fx", v)
		if strings.Contains(t.what, "allocations") {
			value = fmt.Sprintf("%+.0f", v)
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.what, value, verdict)
	}
}
