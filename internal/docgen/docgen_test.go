package docgen

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apienvelope/envelope"
)

// TestDocsUpToDate fails when the committed documents in docs/ differ from
// what the code generates. Run go generate ./... from the module root to
// refresh them.
func TestDocsUpToDate(t *testing.T) {
	t.Parallel()
	files, err := Generate()
	require.NoError(t, err)
	for _, name := range Names(files) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			committed, err := os.ReadFile(filepath.Join("..", "..", "docs", filepath.FromSlash(name)))
			require.NoError(t, err, "missing; run go generate ./...")
			assert.Equal(t, string(files[name]), string(committed), "docs/%s drifted from the code; run go generate ./...", name)
		})
	}
	// No stale schema for a format that no longer exists.
	entries, err := os.ReadDir(filepath.Join("..", "..", "docs", "schemas"))
	require.NoError(t, err)
	for _, e := range entries {
		_, ok := files["schemas/"+e.Name()]
		assert.True(t, ok, "docs/schemas/%s is not generated any more", e.Name())
	}
}

func TestGenerateContents(t *testing.T) {
	t.Parallel()
	files, err := Generate()
	require.NoError(t, err)
	cat := string(files["catalog.md"])
	for _, c := range envelope.Codes() {
		assert.Contains(t, cat, "| `"+string(c.Code)+"` |", "catalog lists %s", c.Code)
	}
	assert.Contains(t, cat, "`ERROR_CODE_INVALID_PARAM`")
	for _, f := range envelope.Presets() {
		b, ok := files["schemas/"+f.Name+".schema.json"]
		require.True(t, ok, f.Name)
		var s map[string]any
		require.NoError(t, json.Unmarshal(b, &s))
		assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", s["$schema"])
	}
	var doc struct {
		OpenAPI    string `json:"openapi"`
		Components struct {
			Schemas   map[string]any `json:"schemas"`
			Responses map[string]any `json:"responses"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(files["openapi.json"], &doc))
	assert.True(t, strings.HasPrefix(doc.OpenAPI, "3.1."))
	assert.Len(t, doc.Components.Schemas, len(envelope.Presets()))
	assert.Contains(t, doc.Components.Responses, "NotFound")
	assert.Contains(t, doc.Components.Responses, "RateLimited")
}

func TestPascal(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "NotFound", pascal("not_found"))
	assert.Equal(t, "Internal", pascal("internal"))
	assert.Equal(t, "UnprocessableEntity", pascal("unprocessable_entity"))
}
