package envelope

// The documents in docs/ (the code catalog, a JSON Schema per built-in
// format and an OpenAPI 3.1 components document) are generated from the
// code; a test fails when they drift.
//go:generate go run ./internal/cmd/gendocs -out docs
