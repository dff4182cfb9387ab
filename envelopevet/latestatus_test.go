package envelopevet_test

import (
	"testing"

	"github.com/apienvelope/envelope/envelopevet"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestLateStatus(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, analysistest.TestData(), envelopevet.LateStatus, "latestatus")
}
