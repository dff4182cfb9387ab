package envelope

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMECatalogMatchesCode keeps the README's code table true: one row
// per built-in code, in catalog order, each with the code's status, as the
// code table (a nil *Codes: the built-in codes) lists them.
func TestREADMECatalogMatchesCode(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	rows := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| (\\d{3}) \\|").FindAllStringSubmatch(string(readme), -1)
	var builtIn *Codes
	codes := builtIn.List()
	require.Len(t, rows, len(codes), "one README row per built-in code")
	for i, row := range rows {
		status, _ := strconv.Atoi(row[2])
		assert.Equal(t, codes[i].Code, Code(row[1]), "row %d", i)
		assert.Equal(t, codes[i].Status, status, "status of %s", row[1])
	}
}
