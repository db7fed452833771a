package rendertest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jobcharts/jobcharts/pkg/descriptor"
	"github.com/jobcharts/jobcharts/pkg/render"
)

func configMap(key, text string) render.Manifest {
	return render.Manifest{Name: "x-conf", Source: "configmap.yaml", Content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x-conf\ndata:\n  " + key + ": |\n    " + strings.ReplaceAll(text, "\n", "\n    ") + "\n"}
}

// TestCheckConfigEntriesReadsLikeTheEngines shows the check failing on each way a
// file can change an entry, per dialect.
func TestCheckConfigEntriesReadsLikeTheEngines(t *testing.T) {
	flink := &descriptor.Document{Kind: descriptor.KindFlinkJob, Flink: &descriptor.FlinkJob{}}
	flink.Flink.Spec.FlinkConfiguration = map[string]descriptor.Scalar{"pipeline.name": "a#b: c", "web.timeout": "1000"}
	spark := &descriptor.Document{Kind: descriptor.KindSparkApp, Spark: &descriptor.SparkApp{}}
	spark.Spark.Spec.SparkConf = map[string]descriptor.Scalar{"spark.sql.redaction.string.regex": `\d+`}
	spark.Spark.Spec.HadoopConf = map[string]descriptor.Scalar{"fs.s3a.endpoint": "s3.example.com"}

	for _, tt := range []struct {
		name string
		doc  *descriptor.Document
		file render.Manifest
		want []string
	}{
		{"config.yaml as written", flink, configMap("config.yaml", "pipeline.name: \"a#b: c\"\nweb.timeout: \"1000\""), nil},
		{"config.yaml comment", flink, configMap("config.yaml", "pipeline.name: a #b: c\nweb.timeout: \"1000\""),
			[]string{`configuration key "pipeline.name": the engine reads "a", the descriptor says "a#b: c"`}},
		{"flink-conf.yaml comment", flink, configMap("flink-conf.yaml", "pipeline.name: a#b: c\nweb.timeout: 1000"),
			[]string{`configuration key "pipeline.name": the engine reads "a", the descriptor says "a#b: c"`}},
		{"flink-conf.yaml missing separator", flink, configMap("flink-conf.yaml", "web.timeout:1000"),
			[]string{`configuration key "pipeline.name" is missing from the rendered file`, `configuration key "web.timeout" is missing from the rendered file`}},
		{"spark-defaults.conf as written", spark, configMap("spark-defaults.conf", `spark.sql.redaction.string.regex \\d+`+"\nspark.hadoop.fs.s3a.endpoint s3.example.com"), nil},
		{"spark-defaults.conf escape", spark, configMap("spark-defaults.conf", `spark.sql.redaction.string.regex \d+`+"\nspark.hadoop.fs.s3a.endpoint s3.example.com"),
			[]string{`configuration key "spark.sql.redaction.string.regex": the engine reads "d+", the descriptor says "\\d+"`}},
		{"spark-defaults.conf without the hadoop prefix", spark, configMap("spark-defaults.conf", `spark.sql.redaction.string.regex \\d+`+"\nfs.s3a.endpoint s3.example.com"),
			[]string{`configuration key "spark.hadoop.fs.s3a.endpoint" is missing from the rendered file`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			CheckConfigEntries(r, []render.Manifest{tt.file}, tt.doc)
			require.Len(t, r.errs, len(tt.want), "%q", r.errs)
			for _, want := range tt.want {
				assert.Contains(t, r.errs, want)
			}
		})
	}
}
