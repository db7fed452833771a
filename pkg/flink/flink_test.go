package flink

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseVersion(t *testing.T) {
	v, err := ParseVersion("1.20.7")
	require.NoError(t, err)
	assert.Equal(t, "1.20", v.String())
	_, err = ParseVersion("latest")
	assert.EqualError(t, err, `"latest" is not a Flink version; write MAJOR.MINOR, e.g. "1.20"`)
}

func TestParseDuration(t *testing.T) {
	valid := map[string]time.Duration{
		"60s":       time.Minute,
		"60 s":      time.Minute,
		"500":       500 * time.Millisecond,
		"5min":      5 * time.Minute,
		"5 minutes": 5 * time.Minute,
		"2m":        2 * time.Minute,
		"1h":        time.Hour,
		"1 d":       24 * time.Hour,
		"10MS":      10 * time.Millisecond,
		"3µs":       3 * time.Microsecond,
		"3us":       3 * time.Microsecond,
		"7nanos":    7,
		"0":         0,
		"2 Seconds": 2 * time.Second,
	}
	for in, want := range valid {
		got, err := ParseDuration(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
		assert.True(t, ValidDuration(in), in)
	}
	for _, in := range []string{"", "1m30s", "-1s", "1.5s", "s", "10 parsecs", "PT1M", "99999999999999999999", "9999999999d", " 1s"} {
		assert.False(t, ValidDuration(in), in)
	}
}

func TestOwnedKey(t *testing.T) {
	tests := map[string]string{
		"jobmanager.memory.process.size":           "spec.jobManager.resources.memory",
		"taskmanager.heap.size":                    "spec.taskManager.resources.memory",
		"high-availability":                        "spec.highAvailability",
		"high-availability.zookeeper.quorum":       "spec.highAvailability",
		"restart-strategy.fixed-delay.attempts":    "spec.restartStrategy",
		"metrics.reporter.prom.port":               "spec.metrics.prometheus",
		"execution.state-recovery.path":            "spec.job.restoreFrom",
		"rest.port":                                ownedByPodLayout,
		"execution.checkpointing.savepoint-dir":    "spec.savepoints.dir",
		"$internal.pipeline.job-id":                "spec.job.jobId",
		"execution.shutdown-on-application-finish": "set by the chart from spec.job.mode",
		"execution.checkpointing.incremental":      "spec.checkpointing.incremental",
		"state.backend.type":                       "spec.checkpointing.stateBackend",
		"env.java.default-opts.all":                "set by the chart (Java 17 module flags)",
	}
	for key, want := range tests {
		got, owned := OwnedKey(key)
		assert.True(t, owned, key)
		assert.Equal(t, want, got, key)
	}
	for _, key := range []string{"taskmanager.memory.managed.fraction", "state.backend.rocksdb.memory.managed", "metrics.reporter.jmx.port", "high-availability-x"} {
		_, owned := OwnedKey(key)
		assert.False(t, owned, key)
	}
}
