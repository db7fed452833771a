package spark

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseVersion(t *testing.T) {
	v, err := ParseVersion("3.5.7")
	require.NoError(t, err)
	assert.Equal(t, "3.5", v.String())
	_, err = ParseVersion("latest")
	assert.EqualError(t, err, `"latest" is not a Spark version; write MAJOR.MINOR, e.g. "3.5"`)
}

func TestVersionRange(t *testing.T) {
	assert.Equal(t, "3.3", MinVersion.String())
	assert.Equal(t, "4.2", MaxVersion.String())
	assert.True(t, Version{Major: 4, Minor: 0}.AtLeast(Version{Major: 3, Minor: 10}), "major first")
	assert.True(t, Version{Major: 3, Minor: 10}.AtLeast(Version{Major: 3, Minor: 9}), "minor compared numerically")
	assert.Equal(t, 0, Version{Major: 3, Minor: 5}.Compare(MustParseVersion("3.5.2")))
	for _, ok := range []string{"3.3", "3.4", "3.5", "4.0", "4.1", "4.2"} {
		assert.True(t, Supported(MustParseVersion(ok)), ok)
	}
	for _, bad := range []string{"2.4", "3.2", "4.3", "5.0"} {
		assert.False(t, Supported(MustParseVersion(bad)), bad)
	}
	assert.Panics(t, func() { MustParseVersion("x") })
}

func TestOwnedKey(t *testing.T) {
	owned := map[string]string{
		"spark.master":                                            reasonClientMode,
		"spark.submit.deployMode":                                 reasonClientMode,
		"spark.app.name":                                          "metadata.name",
		"spark.kubernetes.namespace":                              "metadata.namespace",
		"spark.kubernetes.container.image":                        "spec.image",
		"spark.kubernetes.executor.container.image":               "spec.image",
		"spark.kubernetes.container.image.pullSecrets":            "spec.imagePullSecrets",
		"spark.kubernetes.authenticate.driver.serviceAccountName": "spec.serviceAccount",
		"spark.kubernetes.authenticate.caCertFile":                "spec.serviceAccount",
		"spark.driver.host":                                       reasonClientMode,
		"spark.ui.port":                                           reasonClientMode,
		"spark.kubernetes.executor.podTemplateFile":               "spec.podTemplate",
		"spark.driver.memory":                                     "spec.driver.resources",
		"spark.kubernetes.driver.limit.cores":                     "spec.driver.resources",
		"spark.executor.instances":                                "spec.executor.instances",
		"spark.executor.memoryOverhead":                           "spec.executor.resources",
		"spark.kubernetes.executor.deleteOnTermination":           "spec.executor.deleteOnTermination",
		"spark.dynamicAllocation.enabled":                         "spec.dynamicAllocation.enabled",
		"spark.eventLog.enabled":                                  "spec.eventLog.dir",
		"spark.ui.prometheus.enabled":                             "spec.metrics.prometheus",
		"spark.metrics.conf.*.sink.prometheusServlet.class":       "spec.metrics.prometheus",
		"spark.kubernetes.scheduler.name":                         "spec.batchScheduler",
		"spark.kubernetes.scheduler.volcano.podGroupTemplateFile": "spec.batchScheduler",
		"spark.jars":           "spec.app.deps",
		"spark.submit.pyFiles": "spec.app.deps",
		"spark.storage.decommission.rddBlocks.enabled":       reasonDecommission,
		"spark.hadoop.fs.s3a.endpoint":                       "spec.hadoopConf",
		"spark.kubernetes.driver.label.team":                 "spec.podTemplate.driver.labels",
		"spark.kubernetes.executor.annotation.example.com/x": "spec.podTemplate.executor.annotations",
		"spark.kubernetes.driverEnv.FOO":                     "spec.env",
		"spark.kubernetes.driver.secrets.creds":              reasonDriverPod,
		"spark.kubernetes.driver.service.annotation.a":       reasonDriverSvc,
	}
	for key, want := range owned {
		got, ok := OwnedKey(key)
		assert.True(t, ok, key)
		assert.Equal(t, want, got, key)
	}
	for _, key := range []string{
		"spark.sql.shuffle.partitions",
		"spark.executor.extraJavaOptions",
		"spark.kubernetes.executor.secrets.creds",
		"spark.kubernetes.executor.volumes.persistentVolumeClaim.data.options.claimName",
		"spark.kubernetes.allocation.batch.size",
		"spark.executorEnv.FOO",
		"spark.hadoop", // not the prefix "spark.hadoop."
		// tuning keys the chart does not set stay the user's
		"spark.dynamicAllocation.executorIdleTimeout",
		"spark.metrics.conf.*.sink.graphite.class",
	} {
		_, ok := OwnedKey(key)
		assert.False(t, ok, key)
	}
}

// Every answer is either a descriptor field or a reason; reasons never look like fields.
func TestOwnedKeyAnswers(t *testing.T) {
	for _, m := range []map[string]string{OwnedKeys, OwnedKeyPrefixes} {
		for key, answer := range m {
			if IsField(answer) {
				assert.NotContains(t, answer, " ", key)
			} else {
				assert.Contains(t, answer, " ", key)
			}
		}
	}
}
