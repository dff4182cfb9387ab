package envelope

// The documents in docs/ (the code catalog, a JSON Schema per preset and an
// OpenAPI 3.1 components document) are generated from the code by a test,
// which fails when they drift and rewrites them with -update.
//go:generate go test -run ^TestGeneratedDocs$ -update .
