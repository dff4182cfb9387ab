// Command gendocs writes the documents generated from the code catalog and
// the built-in formats: docs/catalog.md, docs/schemas/<format>.schema.json
// and docs/openapi.json. Run it with go generate from the module root.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apienvelope/envelope/internal/docgen"
)

func main() {
	out := flag.String("out", "docs", "directory to write the documents into")
	flag.Parse()
	files, err := docgen.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	for _, name := range docgen.Names(files) {
		path := filepath.Join(*out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
	}
}
