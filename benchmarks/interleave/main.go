// Command interleave runs the benchmarks module's rows one at a time, in
// rotation, several passes over, so that every row's samples are spread
// over the whole run instead of taken back to back: drift in a shared
// machine's load then reaches every row alike, and the ratios between
// rows stay meaningful. It writes standard `go test -bench` output, one
// line per row and pass, for benchtable and benchstat:
//
//	go run ./benchmarks/interleave -passes 6 > bench.txt
//	go run ./benchmarks/benchtable < bench.txt
//	benchstat bench.txt
//
// It builds the test binary once, lists the rows (each scenario's
// sub-benchmarks) with a one-iteration run, then in each pass runs every
// row in its own process with -test.count=1. Scenarios keep their order,
// so the rows compared with each other run close together in time; within
// a scenario, the rows' order rotates from pass to pass, so that no row
// always runs first.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

func main() {
	var (
		pkg       = flag.String("pkg", "./benchmarks", "the package whose benchmarks to run")
		bench     = flag.String("bench", ".", "which benchmarks (a -test.bench pattern)")
		passes    = flag.Int("passes", 6, "passes over all rows; each gives every row one sample")
		benchtime = flag.String("benchtime", "0.2s", "-test.benchtime of each sample")
		cpuprof   = flag.String("cpuprofile", "", "write each row's CPU profile of the last pass to this directory")
	)
	flag.Parse()
	if err := run(os.Stdout, os.Stderr, *pkg, *bench, *passes, *benchtime, *cpuprof); err != nil {
		fmt.Fprintln(os.Stderr, "interleave:", err)
		os.Exit(1)
	}
}

func run(out, log io.Writer, pkg, bench string, passes int, benchtime, cpuprof string) error {
	dir, err := os.MkdirTemp("", "interleave")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bench.test")
	build := exec.Command("go", "test", "-c", "-o", bin, pkg)
	build.Stderr = log
	if err := build.Run(); err != nil {
		return fmt.Errorf("building %s: %w", pkg, err)
	}
	// The package directory, where the test binary must run.
	pdir, err := exec.Command("go", "list", "-f", "{{.Dir}}", pkg).Output()
	if err != nil {
		return fmt.Errorf("locating %s: %w", pkg, err)
	}
	wd := strings.TrimSpace(string(pdir))

	listing, err := benchRun(bin, wd, "", bench, "1x")
	if err != nil {
		return fmt.Errorf("listing the rows: %w", err)
	}
	header, lines := split(listing)
	scenarios := group(lines)
	if len(scenarios) == 0 {
		return fmt.Errorf("no benchmark matches %q", bench)
	}
	_, _ = io.WriteString(out, header)
	rows := 0
	for _, s := range scenarios {
		rows += len(s.rows)
	}
	start := time.Now()
	for p := range passes {
		fmt.Fprintf(log, "pass %d/%d: %d rows (%s so far)\n", p+1, passes, rows, time.Since(start).Round(time.Second))
		for _, s := range scenarios {
			for i := range s.rows {
				row := s.rows[(i+p)%len(s.rows)]
				prof := ""
				if cpuprof != "" && p == passes-1 {
					prof = filepath.Join(cpuprof, strings.ReplaceAll(s.name+"_"+row, "/", "_")+".pprof")
				}
				res, err := benchRun(bin, wd, prof, "^"+regexp.QuoteMeta(s.name)+"$/^"+regexp.QuoteMeta(row)+"$", benchtime)
				if err != nil {
					return fmt.Errorf("%s/%s: %w", s.name, row, err)
				}
				_, got := split(res)
				if len(got) != 1 {
					return fmt.Errorf("%s/%s: want one result line, got %d:\n%s", s.name, row, len(got), res)
				}
				if _, err := fmt.Fprintln(out, got[0]); err != nil {
					return err
				}
			}
		}
	}
	fmt.Fprintf(log, "done in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// benchRun runs the test binary for the benchmarks matching pattern, once
// each, and returns what it printed.
func benchRun(bin, dir, cpuprofile, pattern, benchtime string) (string, error) {
	args := []string{"-test.run=^$", "-test.bench=" + pattern, "-test.benchmem", "-test.count=1", "-test.benchtime=" + benchtime}
	if cpuprofile != "" {
		args = append(args, "-test.cpuprofile="+cpuprofile)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%w\n%s%s", err, b, stderr.Bytes())
	}
	return string(b), nil
}

// split returns the configuration lines before the first result (goos,
// goarch, pkg, cpu) and the result lines.
func split(output string) (header string, results []string) {
	var h strings.Builder
	sc := bufio.NewScanner(strings.NewReader(output))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "Benchmark"):
			if f := strings.Fields(line); len(f) >= 3 {
				results = append(results, line)
			}
		case len(results) == 0 && strings.Contains(line, ": ") && !strings.HasPrefix(line, "---"):
			h.WriteString(line + "\n")
		}
	}
	return h.String(), results
}

type scenario struct {
	name string // the top-level benchmark
	rows []string
}

// group turns result lines into scenarios and their rows, in order.
func group(lines []string) []scenario {
	var out []scenario
	for _, l := range lines {
		name := strings.Fields(l)[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i] // the GOMAXPROCS suffix
		}
		top, row, ok := strings.Cut(name, "/")
		if !ok {
			continue
		}
		if len(out) == 0 || out[len(out)-1].name != top {
			out = append(out, scenario{name: top})
		}
		out[len(out)-1].rows = append(out[len(out)-1].rows, row)
	}
	return out
}
