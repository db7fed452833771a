package descriptor

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
)

func TestSparkEffectiveValues(t *testing.T) {
	doc, err := Parse("t.yaml", []byte(sparkHeader))
	require.NoError(t, err)
	s := &doc.Spark.Spec
	assert.Equal(t, corev1.PullIfNotPresent, s.PullPolicy())
	assert.True(t, s.App.IsJVM())
	assert.Equal(t, SparkResources{CPU: "1", Memory: "1024Mi", MemoryOverhead: "384Mi"}, s.DriverResources())
	assert.Equal(t, 3, s.DriverRetries())
	assert.Equal(t, 2, s.ExecutorInstances())
	assert.Equal(t, SparkResources{CPU: "1", Memory: "1024Mi", MemoryOverhead: "384Mi"}, s.ExecutorResources())
	assert.True(t, s.ExecutorDeleteOnTermination())
	assert.False(t, s.DynamicAllocationEnabled())
	assert.Equal(t, 0, s.MinExecutors())
	assert.Equal(t, 10, s.MaxExecutors())
	assert.Equal(t, 0, s.InitialExecutors())
	assert.Equal(t, 2, s.GangExecutors())
	assert.Equal(t, "", s.EventLogDir())
	assert.False(t, s.PrometheusEnabled())
	assert.False(t, s.PodMonitorEnabled())
	assert.Equal(t, "", s.BatchSchedulerName())
	assert.Equal(t, int64(0), s.ActiveDeadlineSeconds())
	assert.Equal(t, int64(86400), s.TTLSecondsAfterFinished())
	assert.True(t, s.CreateServiceAccount())
	assert.False(t, s.RequireDigest(Options{}))
	assert.True(t, s.RequireDigest(Options{RequireDigest: true}))

	full, err := Load("testdata/valid-sparkapp.yaml")
	require.NoError(t, err)
	s = &full.Spark.Spec
	assert.Equal(t, SparkResources{CPU: "1", Memory: "2Gi", MemoryOverhead: "512Mi"}, s.DriverResources())
	assert.Equal(t, 2, s.DriverRetries())
	assert.Equal(t, SparkResources{CPU: "2", Memory: "4Gi", MemoryOverhead: "1Gi"}, s.ExecutorResources())
	assert.True(t, s.DynamicAllocationEnabled())
	assert.Equal(t, 2, s.MinExecutors())
	assert.Equal(t, 20, s.MaxExecutors())
	assert.Equal(t, 4, s.InitialExecutors())
	assert.Equal(t, 2, s.GangExecutors())
	assert.Equal(t, "s3a://growth-spark/events", s.EventLogDir())
	assert.True(t, s.PrometheusEnabled())
	assert.True(t, s.PodMonitorEnabled())
	assert.Equal(t, BatchSchedulerYuniKorn, s.BatchSchedulerName())
	assert.Equal(t, int64(6*3600), s.ActiveDeadlineSeconds())
	assert.Equal(t, int64(3*86400), s.TTLSecondsAfterFinished())
	assert.True(t, s.RequireDigest(Options{}))

	// Dynamic allocation without initialExecutors starts at minExecutors.
	da, err := Parse("t.yaml", []byte(sparkHeader+"  dynamicAllocation: {enabled: true, minExecutors: 3}\n"))
	require.NoError(t, err)
	assert.Equal(t, 3, da.Spark.Spec.InitialExecutors())
	assert.Equal(t, 3, da.Spark.Spec.GangExecutors())
}

// The descriptor's defaults are the chart's: charts/spark-app/values.yaml is the
// source of truth.
func TestSparkDefaultsMatchTheChart(t *testing.T) {
	data, err := os.ReadFile("../../charts/spark-app/values.yaml")
	require.NoError(t, err)
	var values map[string]any
	require.NoError(t, yaml.Unmarshal(data, &values))
	get := func(path ...string) string {
		var v any = values
		for _, p := range path {
			m, ok := v.(map[string]any)
			require.True(t, ok, "values.yaml has no %v", path)
			v = m[p]
		}
		return fmt.Sprint(v)
	}
	assert.Equal(t, string(DefaultImagePullPolicy), get("imagePullPolicy"))
	assert.Equal(t, DefaultSparkDriverCPU, get("driver", "resources", "cpu"))
	assert.Equal(t, DefaultSparkDriverMemory, get("driver", "resources", "memory"))
	assert.Equal(t, DefaultSparkDriverMemoryOverhead, get("driver", "resources", "memoryOverhead"))
	assert.Equal(t, fmt.Sprint(DefaultSparkDriverRetries), get("driver", "retries"))
	assert.Equal(t, fmt.Sprint(DefaultSparkExecutorInstances), get("executor", "instances"))
	assert.Equal(t, DefaultSparkExecutorCPU, get("executor", "resources", "cpu"))
	assert.Equal(t, DefaultSparkExecutorMemory, get("executor", "resources", "memory"))
	assert.Equal(t, DefaultSparkExecutorMemoryOverhead, get("executor", "resources", "memoryOverhead"))
	assert.Equal(t, fmt.Sprint(DefaultSparkExecutorDeleteOnTermination), get("executor", "deleteOnTermination"))
	assert.Equal(t, "false", get("dynamicAllocation", "enabled"))
	assert.Equal(t, fmt.Sprint(DefaultMinExecutors), get("dynamicAllocation", "minExecutors"))
	assert.Equal(t, fmt.Sprint(DefaultMaxExecutors), get("dynamicAllocation", "maxExecutors"))
	assert.Equal(t, "<nil>", get("dynamicAllocation", "initialExecutors"), "null: minExecutors")
	assert.Equal(t, "0", get("timeouts", "activeDeadlineSeconds"))
	assert.Equal(t, fmt.Sprint(DefaultTTLSecondsAfterFinished), get("timeouts", "ttlSecondsAfterFinished"))
	assert.Equal(t, fmt.Sprint(DefaultCreateServiceAccount), get("serviceAccount", "create"))
	assert.Equal(t, "", get("batchScheduler", "name"))
	assert.Equal(t, "false", get("metrics", "prometheus", "enabled"))
}

func TestParseJobDuration(t *testing.T) {
	valid := map[string]time.Duration{
		"30s":    30 * time.Second,
		"90m":    90 * time.Minute,
		"1h30m":  90 * time.Minute,
		"7d":     7 * 24 * time.Hour,
		"1d12h":  36 * time.Hour,
		"0d":     0,
		"1500ms": 1500 * time.Millisecond,
		"-5m":    -5 * time.Minute,
	}
	for in, want := range valid {
		got, err := ParseJobDuration(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "5", "6 hours", "1d-1h", "d", "1.5d", "99999999999d", "1w"} {
		_, err := ParseJobDuration(in)
		assert.Error(t, err, in)
	}
	_, err := ParseJobDuration("6 hours")
	assert.EqualError(t, err, `"6 hours" is not a duration; write e.g. 30m, 2h, 1h30m or 7d`)
}
