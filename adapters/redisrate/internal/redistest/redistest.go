// Package redistest starts a real redis-server on loopback for tests.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrNoServer is returned (wrapped) by Start when redis-server is not on
// PATH.
var ErrNoServer = errors.New("redis-server is not on PATH (apt-get install redis-server; .ci/run installs it)")

// MaySkip reports whether tests may be skipped for err: only when the
// server is missing and the run is not CI (the CI environment variable is
// unset). In CI a missing server is a failure, never a silent skip.
func MaySkip(err error) bool {
	return errors.Is(err, ErrNoServer) && os.Getenv("CI") == ""
}

// Start starts redis-server on a free loopback port, with no persistence,
// and waits until it answers PING. It fails with ErrNoServer when
// redis-server is not on PATH. stop kills the server and waits for it; it
// may be called more than once.
func Start() (addr string, stop func(), err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, fmt.Errorf("%w: %w", ErrNoServer, err)
	}
	// Redis needs an explicit port: take a free one from the kernel.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", os.TempDir())
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
	}
	addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	// Poll until it answers, bounded: start-up, not a timing assertion.
	var perr error
	for range 500 {
		if perr = c.Ping(context.Background()).Err(); perr == nil {
			return addr, stop, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("redis-server on %s never answered PING: %w", addr, perr)
}
