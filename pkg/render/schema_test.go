package render_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jobcharts/jobcharts/pkg/render"
)

// TestChartSchemasKeepConfigFilesLineBased covers `helm install` without gen: the
// charts write configuration entries as lines of flink-conf.yaml/config.yaml and
// spark-defaults.conf inside YAML block scalars, so their schemas refuse keys and
// values that would end the line (a second property) or that YAML cannot carry.
func TestChartSchemasKeepConfigFilesLineBased(t *testing.T) {
	opts := render.Options{ReleaseName: "schema", Namespace: "default", KubeVersion: render.DefaultKubeVersion}
	for _, tt := range []struct {
		chart, field, key string
	}{
		{"flink-job", "flinkConfiguration", "pipeline.name"},
		{"spark-app", "sparkConf", "spark.app.tag"},
		{"spark-app", "hadoopConf", "fs.s3a.connection.maximum"},
	} {
		ch, err := render.LoadChart(tt.chart)
		require.NoError(t, err)
		values := func(key, value string) map[string]any {
			return map[string]any{tt.field: map[string]any{key: value}}
		}
		_, err = render.Render(ch, values(tt.key, "plain text\twith a tab"), opts)
		require.NoError(t, err, "%s: a printable value renders", tt.chart)
		for _, bad := range []string{"a\nb", "a\rb", "a\bb", "a\x1b[31m", "a\u0085b", "a\u2028b"} {
			_, err := render.Render(ch, values(tt.key, bad), opts)
			if assert.Error(t, err, "%s.%s value %q", tt.chart, tt.field, bad) {
				assert.Contains(t, err.Error(), tt.field)
			}
			_, err = render.Render(ch, values(tt.key+bad, "x"), opts)
			assert.Error(t, err, "%s.%s key %q", tt.chart, tt.field, tt.key+bad)
		}
	}
}

// TestChartsRefuseEntriesTheEngineWouldMisread covers the rest of what the descriptor
// refuses about configuration entries, for a hand-written values file: keys that are
// not plain option names (config.yaml would read quotes or YAML syntax, a properties
// file ends a key at '=' or ':'), and values flink-conf.yaml cannot hold.
func TestChartsRefuseEntriesTheEngineWouldMisread(t *testing.T) {
	opts := render.Options{ReleaseName: "schema", Namespace: "default", KubeVersion: render.DefaultKubeVersion}
	for _, tt := range []struct {
		chart  string
		values map[string]any
		want   string
	}{
		{"flink-job", map[string]any{"flinkConfiguration": map[string]any{`"high-availability.type"`: "NONE"}}, "flinkConfiguration"},
		{"flink-job", map[string]any{"flinkConfiguration": map[string]any{"&a": "x"}}, "flinkConfiguration"},
		{"flink-job", map[string]any{"flinkConfiguration": map[string]any{"on": "x"}}, "flinkConfiguration"},
		{"flink-job", map[string]any{"flinkVersion": "1.18", "flinkConfiguration": map[string]any{"pipeline.name": "a#b"}}, "drops everything from '#' on"},
		{"flink-job", map[string]any{"flinkVersion": "1.18", "flinkConfiguration": map[string]any{"pipeline.name": " "}}, "skips a flink-conf.yaml line with an empty value"},
		{"spark-app", map[string]any{"sparkConf": map[string]any{"spark.kubernetes.executor.podTemplateFile=/x": "y"}}, "sparkConf"},
		{"spark-app", map[string]any{"hadoopConf": map[string]any{`fs.s3a\u002eendpoint`: "y"}}, "hadoopConf"},
		{"spark-app", map[string]any{"hadoopConf": map[string]any{"fs.s3a:endpoint": "y"}}, "hadoopConf"},
	} {
		ch, err := render.LoadChart(tt.chart)
		require.NoError(t, err)
		_, err = render.Render(ch, tt.values, opts)
		if assert.Error(t, err, "%s %v", tt.chart, tt.values) {
			assert.Contains(t, err.Error(), tt.want)
		}
	}
	// The same values are fine where the engine reads them as written.
	ch, err := render.LoadChart("flink-job")
	require.NoError(t, err)
	_, err = render.Render(ch, map[string]any{"flinkVersion": "1.19", "flinkConfiguration": map[string]any{"pipeline.name": "a#b", "pipeline.jar-dir": ""}}, opts)
	assert.NoError(t, err)
}
