//go:build !unix

package cashfin_test

import "time"

// processCPU is unknown here: the benchmarks then report no cpu-ns/op.
func processCPU() time.Duration { return 0 }
