package descriptor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

func TestMemoryMiB(t *testing.T) {
	tests := map[string]int64{
		"2Gi":    2048,
		"1600Mi": 1600,
		"1G":     953, // 10^9 bytes, rounded down
		"1.5Gi":  1536,
		"1025Ki": 1,
		"0":      0,
	}
	for in, want := range tests {
		got, err := MemoryMiB(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "4 GB", "lots", "-1Gi"} {
		_, err := MemoryMiB(in)
		assert.Error(t, err, in)
	}
}

func TestMilliCPU(t *testing.T) {
	tests := map[string]int64{"1": 1000, "2": 2000, "1.5": 1500, "500m": 500, "0.25": 250, "1500m": 1500}
	for in, want := range tests {
		got, err := MilliCPU(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "one", "-1"} {
		_, err := MilliCPU(in)
		assert.Error(t, err, in)
	}
}

func TestEffectiveValues(t *testing.T) {
	doc, err := Parse("t.yaml", []byte(header))
	require.NoError(t, err)
	s := &doc.Flink.Spec
	assert.Equal(t, DefaultNamespace, doc.Flink.Metadata.NamespaceOrDefault())
	assert.Equal(t, corev1.PullIfNotPresent, s.PullPolicy())
	assert.Equal(t, 1, s.JobParallelism())
	assert.Equal(t, JobModeStreaming, s.JobMode())
	assert.Equal(t, Resources{CPU: "1", Memory: "1600Mi"}, s.JobManagerResources())
	assert.Equal(t, Resources{CPU: "1", Memory: "1728Mi"}, s.TaskManagerResources())
	assert.Equal(t, 1, s.TaskManagerReplicas())
	assert.Equal(t, 1, s.TaskSlots())
	assert.Equal(t, CheckpointingExactlyOnce, s.CheckpointingMode())
	assert.Equal(t, StateBackendHashMap, s.StateBackend())
	assert.Equal(t, HATypeNone, s.HAType())
	assert.Equal(t, "/flink", s.ZooKeeperRootPath())
	assert.Equal(t, "quay.io/coreos/zetcd:v0.0.5", s.ZetcdImage())
	assert.Equal(t, 2, s.ZetcdReplicas())
	assert.False(t, s.PrometheusEnabled())
	assert.Equal(t, 9249, s.PrometheusPort())
	assert.True(t, s.CreateServiceAccount())
	assert.False(t, s.RequireDigest(Options{}))
	assert.True(t, s.RequireDigest(Options{RequireDigest: true}))

	full, err := Load("testdata/valid-flinkjob.yaml")
	require.NoError(t, err)
	s = &full.Flink.Spec
	assert.Equal(t, "streaming", full.Flink.Metadata.NamespaceOrDefault())
	assert.Equal(t, 8, s.JobParallelism())
	assert.Equal(t, Resources{CPU: "1", Memory: "2Gi"}, s.JobManagerResources())
	assert.Equal(t, Resources{CPU: "2", Memory: "4Gi"}, s.TaskManagerResources())
	assert.Equal(t, 4, s.TaskManagerReplicas())
	assert.Equal(t, 2, s.TaskSlots())
	assert.Equal(t, StateBackendRocksDB, s.StateBackend())
	assert.Equal(t, HATypeKubernetes, s.HAType())
	assert.True(t, s.PrometheusEnabled())
	assert.True(t, s.RequireDigest(Options{}))
}
