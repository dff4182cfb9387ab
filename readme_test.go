package envelope

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMECatalogMatchesCode keeps the README's code table true: the
// same codes, in catalog order, with their statuses.
func TestREADMECatalogMatchesCode(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	rows := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| (\\d{3}) \\|").FindAllStringSubmatch(string(readme), -1)
	require.Len(t, rows, len(builtinCodes), "one README row per built-in code")
	for i, row := range rows {
		status, _ := strconv.Atoi(row[2])
		assert.Equal(t, builtinCodes[i], Code(row[1]), "row %d", i)
		assert.Equal(t, StatusFor(builtinCodes[i]), status, "status of %s", row[1])
	}
}
