package main

import (
	"os"
	"runtime/debug"
)

// tuneGC trades memory the batch commands have to spare for CPU: the Helm engine
// allocates ~5 MB per job, mostly garbage, and at the default GOGC=100 the collector
// takes a fifth of a render. GOGC=400 with a 180 MiB soft limit keeps the peak RSS of
// `gen render` over 10,000 jobs well under 200 MiB (docs/performance.md). GOGC and
// GOMEMLIMIT from the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(180 << 20)
	}
}
