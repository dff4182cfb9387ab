package main_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The end-to-end tests build the command and run it, standalone and as
// go vet's tool, on a small module (testdata/app) that imports a stand-in
// envelope package. They need the go command and nothing from the network
// beyond what building this module needs.

// wantFindings are the diagnostics testdata/app must produce, one or more
// per check, as file:line: and a piece of the message.
var wantFindings = []string{
	"handlers.go:18:3: error text reaches the client through http.Error",
	"handlers.go:21:20: code \"in_usee\" is neither built in nor declared in an envelope.CodeInfo in view: did you mean \"in_use\"?",
	"handlers.go:22:2: result of WithField is dropped",
	"handlers.go:28:2: http.Error sends status 404 with a text/plain body",
	"handlers.go:34:2: status set after the body started (w.Write at line 33)",
	"handlers.go:40:3: the response goes on after envelope.Write: w.Write at line 42",
	"handlers.go:48:3: panic with an error in a handler that returns one",
}

// setup builds the command and lays out the app and the stand-in envelope
// module in a temporary directory. It returns the binary and the app's
// directory.
func setup(t *testing.T) (bin, app string) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	bin = filepath.Join(dir, "envelopevet")
	// The command is built as the module around it is built (in the
	// workspace, if there is one), so that it needs no module the build of
	// the tests did not need; only the runs on the app are cut off from
	// the workspace and the network.
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	env := filepath.Join(dir, "envelope")
	copyDir(t, filepath.Join("..", "..", "testdata", "src", "github.com", "apienvelope", "envelope"), env)
	writeFile(t, filepath.Join(env, "go.mod"), "module github.com/apienvelope/envelope\n\ngo 1.24\n")

	app = filepath.Join(dir, "app")
	copyDir(t, filepath.Join("testdata", "app"), app)
	writeFile(t, filepath.Join(app, "go.mod"), "module app\n\ngo 1.24\n\n"+
		"require github.com/apienvelope/envelope v0.0.0\n\n"+
		"replace github.com/apienvelope/envelope => ../envelope\n")
	return bin, app
}

func TestStandalone(t *testing.T) {
	t.Parallel()
	bin, app := setup(t)
	out, code := run(t, app, []int{3}, bin, "./...")
	if code != 3 {
		t.Fatalf("exit code %d, want 3 (diagnostics reported)\n%s", code, out)
	}
	checkFindings(t, out)
}

func TestGoVet(t *testing.T) {
	t.Parallel()
	bin, app := setup(t)
	out, code := run(t, app, []int{1}, "go", "vet", "-vettool="+bin, "./...")
	if code != 1 {
		t.Fatalf("exit code %d, want 1 (diagnostics reported)\n%s", code, out)
	}
	checkFindings(t, out)

	// One check alone, by its flag.
	out, _ = run(t, app, []int{1}, "go", "vet", "-vettool="+bin, "-droppedwith", "./...")
	if !strings.Contains(out, "result of WithField is dropped") || strings.Contains(out, "error text") {
		t.Errorf("go vet -droppedwith: want only the droppedwith finding, got\n%s", out)
	}
}

func TestFix(t *testing.T) {
	t.Parallel()
	bin, app := setup(t)
	run(t, app, []int{0, 3}, bin, "-fix", "./...")
	src, err := os.ReadFile(filepath.Join(app, "handlers", "handlers.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"envelope.Write(w, r, err)\n\t\treturn\n\t}\n\te := envelope.New(\"in_use\",", // errtext
		"e = e.WithField(\"key\", \"referenced\")",                                    // droppedwith
		"envelope.Write(w, r, envelope.NotFound(\"no such flag\"))",                   // errorbody
		"envelope.Write(w, r, err)\n\t\treturn\n\t}\n\tw.Write([]byte(\"ok\"))",       // writeafter
		"if err := load(); err != nil {\n\t\treturn err\n\t}",                         // handlerpanic
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("after -fix, handlers.go lacks %q:\n%s", want, src)
		}
	}
	// The fixed program still builds, and only the finding without a
	// mechanical fix is left.
	run(t, app, []int{0}, "go", "build", "./...")
	out, _ := run(t, app, []int{3}, bin, "./...")
	var main []string // diagnostics, without their related lines
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.Contains(l, ": \t") {
			main = append(main, l)
		}
	}
	if len(main) != 1 || !strings.Contains(main[0], "status set after the body started") {
		t.Errorf("after -fix, want the latestatus finding alone, got\n%s", out)
	}
}

func checkFindings(t *testing.T, out string) {
	t.Helper()
	for _, want := range wantFindings {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// run runs name with args in dir, offline and outside any workspace, and
// returns its combined output and exit code. An exit code outside ok (nil
// means 0) fails the test.
func run(t *testing.T, dir string, ok []int, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=-mod=mod")
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s %v: %v", name, args, err)
	}
	if ok == nil {
		ok = []int{0}
	}
	for _, c := range ok {
		if c == code {
			return b.String(), code
		}
	}
	t.Fatalf("%s %v in %s: exit code %d\n%s", name, args, dir, code, b.String())
	return "", 0
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
