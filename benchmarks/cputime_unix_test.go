//go:build unix

package benchmarks

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the whole process has used (user and
// system, every thread, so garbage collection on other threads counts).
// On a shared machine it drifts far less than wall time, because time the
// process spends waiting for a core is not in it.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
