package redisrate_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisAddr is the address of the redis-server that TestMain starts on
// loopback for the whole package.
var redisAddr string

// TestMain starts a real redis-server on a free loopback port, with no
// persistence, runs the tests and examples against it, and stops it. A
// missing redis-server fails the package: .ci/run installs it.
func TestMain(m *testing.M) {
	stop, addr, err := startRedis()
	if err != nil {
		fmt.Fprintln(os.Stderr, "redisrate tests need a redis-server on PATH (.ci/run installs it):", err)
		os.Exit(1)
	}
	redisAddr = addr
	code := m.Run()
	stop()
	os.Exit(code)
}

func startRedis() (stop func(), addr string, err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, "", err
	}
	// Redis needs an explicit port: take a free one from the kernel.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		return nil, "", err
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", os.TempDir())
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	stop = func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	// Wait until it answers PING: polling, bounded, not a timing assertion.
	var perr error
	for range 500 {
		if perr = c.Ping(context.Background()).Err(); perr == nil {
			return stop, addr, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	return nil, "", fmt.Errorf("redis-server on %s never answered PING: %w", addr, perr)
}
