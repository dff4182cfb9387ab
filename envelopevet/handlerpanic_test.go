package envelopevet_test

import (
	"testing"

	"github.com/apienvelope/envelope/envelopevet"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestHandlerPanic(t *testing.T) {
	t.Parallel()
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), envelopevet.HandlerPanic, "handlerpanic")
}
