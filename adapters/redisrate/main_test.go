package redisrate_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/apienvelope/envelope/adapters/redisrate/internal/redistest"
)

// redisAddr is the address of the redis-server that TestMain starts on
// loopback for the whole package.
var redisAddr string

// TestMain starts a real redis-server for the tests and examples and stops
// it afterwards. A missing redis-server fails the package, never skips it.
func TestMain(m *testing.M) {
	addr, stop, err := redistest.Start()
	if redistest.MaySkip(err) {
		fmt.Fprintln(os.Stderr, "redisrate: SKIPPING every test:", err)
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "redisrate:", err)
		os.Exit(1)
	}
	redisAddr = addr
	code := m.Run()
	stop()
	os.Exit(code)
}
