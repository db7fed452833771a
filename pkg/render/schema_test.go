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
