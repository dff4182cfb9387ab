//go:build !unix

package envelope

import "time"

// processCPU is not measured on this platform; cpu-ns/op is then 0.
func processCPU() time.Duration { return 0 }
