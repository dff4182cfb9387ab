//go:build unix

package envelope

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the whole process has used (user and
// system, every thread, so garbage collection counts), for the benchmarks'
// cpu-ns/op: on a shared machine it drifts far less than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
