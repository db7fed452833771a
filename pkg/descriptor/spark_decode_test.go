package descriptor

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sparkHeader is the start of a minimal valid SparkApp descriptor; tests append
// spec fields (indented by two spaces) from line 12 on, or app fields (four spaces).
const sparkHeader = `apiVersion: jobcharts.io/v1alpha1
kind: SparkApp
metadata:
  name: sessions
spec:
  sparkVersion: "3.5"
  image: registry.example.com/sessions:1.0.0
  app:
    type: scala
    mainApplicationFile: local:///opt/spark/work-dir/sessions.jar
    mainClass: com.example.Sessions
`

func TestParseDispatchesByKind(t *testing.T) {
	doc, err := Parse("t.yaml", []byte(sparkHeader+"  executor: {instances: 4}\n"))
	require.NoError(t, err)
	assert.Equal(t, KindSparkApp, doc.Kind)
	assert.Nil(t, doc.Flink)
	require.NotNil(t, doc.Spark)
	assert.Equal(t, "sessions", doc.Spark.Metadata.Name)
	assert.Equal(t, KindSparkApp, doc.Spark.Kind)
	assert.Equal(t, "3.5", doc.Spark.Spec.SparkVersion)
	assert.Equal(t, "scala", doc.Spark.Spec.App.Type)
	require.NotNil(t, doc.Spark.Spec.Executor.Instances)
	assert.Equal(t, 4, *doc.Spark.Spec.Executor.Instances)
	assert.Equal(t, Position{Line: 12, Column: 25}, doc.Pos("spec.executor.instances"))
	assert.Equal(t, Position{Line: 11, Column: 16}, doc.Pos("spec.app.mainClass"))
	// A missing field is reported at its nearest written ancestor.
	assert.Equal(t, Position{Line: 12, Column: 13}, doc.Pos("spec.executor.resources.memory"))

	flink, err := Parse("t.yaml", []byte(header))
	require.NoError(t, err)
	assert.Equal(t, KindFlinkJob, flink.Kind)
	assert.Nil(t, flink.Spark)
	assert.NotNil(t, flink.Flink)

	assert.Equal(t, []string{KindFlinkJob, KindSparkApp}, Kinds())
}

func TestParseSparkAppErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{
			name: "a FlinkJob field in a SparkApp",
			yaml: sparkHeader + "  flinkVersion: \"1.20\"\n",
			want: []string{`t.yaml:12:3: spec.flinkVersion: unknown field "flinkVersion": it is a FlinkJob field, and this descriptor is a SparkApp (kind: SparkApp); valid fields: app, batchScheduler, compliance, driver, dynamicAllocation, env, envFrom, eventLog, executor, hadoopConf, image, imagePullPolicy, imagePullSecrets, metrics, networkPolicy, podTemplate, serviceAccount, sparkConf, sparkVersion, timeouts`},
		},
		{
			name: "a SparkApp field in a FlinkJob",
			yaml: header + "  sparkConf: {}\n",
			want: []string{`t.yaml:10:3: spec.sparkConf: unknown field "sparkConf": it is a SparkApp field, and this descriptor is a FlinkJob (kind: FlinkJob); valid fields: checkpointing, compliance, env, envFrom, flinkConfiguration, flinkVersion,`},
		},
		{
			name: "typo in a SparkApp field",
			yaml: sparkHeader + "  dynamicAlocation: {enabled: true}\n",
			want: []string{`t.yaml:12:3: spec.dynamicAlocation: unknown field "dynamicAlocation" (did you mean "dynamicAllocation"?)`},
		},
		{
			name: "spark version unquoted",
			yaml: sparkHeader[:len("apiVersion: jobcharts.io/v1alpha1\nkind: SparkApp\nmetadata:\n  name: sessions\nspec:\n")] + "  sparkVersion: 3.5\n",
			want: []string{`t.yaml:6:17: spec.sparkVersion: expected a string, got number 3.5; quote it ("3.5") to keep it as text`},
		},
		{
			name: "sparkConf value not a scalar",
			yaml: sparkHeader + "  sparkConf:\n    spark.sql.shuffle.partitions: [200]\n",
			want: []string{`t.yaml:13:35: spec.sparkConf.spark.sql.shuffle.partitions: expected a value (string, number or boolean), got a list`},
		},
		{
			name: "driver pod template field unknown",
			yaml: sparkHeader + "  podTemplate:\n    driver:\n      nodeSelecter: {}\n",
			want: []string{`t.yaml:14:7: spec.podTemplate.driver.nodeSelecter: unknown field "nodeSelecter" (did you mean "nodeSelector"?)`},
		},
		{
			name: "instances not an integer",
			yaml: sparkHeader + "  executor: {instances: two}\n",
			want: []string{`t.yaml:12:25: spec.executor.instances: expected an integer, got string "two"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := parseErrors(t, tt.yaml).Error()
			for _, w := range tt.want {
				assert.Contains(t, text, w)
			}
		})
	}
}

// Check reports a SparkApp's decoding and validation problems together.
func TestCheckSparkApp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.yaml")
	require.NoError(t, os.WriteFile(path, []byte(withSpark("name: sessions", "name: Sessions")+
		"  executor:\n    instancs: 3\n  sparkConf:\n    spark.executor.memory: 8g\n"), 0o644))
	_, err := Check(path, Options{})
	require.Error(t, err)
	assert.Equal(t, path+`:4:9: metadata.name: "Sessions" is not a DNS-1035 label: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')
`+path+`:13:5: spec.executor.instancs: unknown field "instancs" (did you mean "instances"?)
`+path+`:15:5: spec.sparkConf.spark.executor.memory: set by the chart; use spec.executor.resources instead`, err.Error())

	valid, err := Check("testdata/valid-sparkapp.yaml", Options{RequireDigest: true})
	require.NoError(t, err)
	assert.Equal(t, "sessionize-daily", valid.Spark.Metadata.Name)
}
