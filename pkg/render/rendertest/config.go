package rendertest

import (
	"bufio"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/magiconair/properties"
	"go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"

	"github.com/jobcharts/jobcharts/pkg/descriptor"
	"github.com/jobcharts/jobcharts/pkg/render"
)

// CheckConfigEntries reads the configuration file the charts render the way the
// engine reads it, and asserts that every entry of the descriptor's
// flinkConfiguration, sparkConf and hadoopConf arrives under its key with its value
// as written: a value that ends a line, starts a comment or escapes a character
// would otherwise change the job's configuration, or add a key the chart owns.
func CheckConfigEntries(t testing.TB, ms []render.Manifest, doc *descriptor.Document) {
	t.Helper()
	files := configFiles(t, ms)
	want := map[string]string{}
	var got map[string]string
	switch doc.Kind {
	case descriptor.KindFlinkJob:
		for k, v := range doc.Flink.Spec.FlinkConfiguration {
			want[k] = string(v)
		}
		if text, ok := files["config.yaml"]; ok {
			got = readYAMLConfig(t, text)
		} else if text, ok := files["flink-conf.yaml"]; ok {
			got = readFlinkConf(text)
			for k, v := range want {
				want[k] = strings.TrimSpace(v) // that parser trims values
			}
		} else {
			t.Fatalf("no Flink configuration file among %v", slices.Sorted(maps.Keys(files)))
		}
	case descriptor.KindSparkApp:
		for k, v := range doc.Spark.Spec.SparkConf {
			want[k] = string(v)
		}
		for k, v := range doc.Spark.Spec.HadoopConf {
			want["spark.hadoop."+k] = string(v)
		}
		text, ok := files["spark-defaults.conf"]
		if !ok {
			t.Fatalf("no spark-defaults.conf among %v", slices.Sorted(maps.Keys(files)))
		}
		got = readSparkDefaults(t, text)
		for k, v := range want {
			want[k] = strings.TrimSpace(v) // spark-submit trims what it reads from the file
		}
	}
	for k, v := range want {
		switch g, ok := got[k]; {
		case !ok:
			t.Errorf("configuration key %q is missing from the rendered file", k)
		case g != v:
			t.Errorf("configuration key %q: the engine reads %q, the descriptor says %q", k, g, v)
		}
	}
}

// configFiles returns the data of the ConfigMaps in ms, by key.
func configFiles(t testing.TB, ms []render.Manifest) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range ms {
		obj, err := Decode(m)
		if err != nil {
			t.Fatalf("decoding: %v", err)
		}
		if cm, ok := obj.(*corev1.ConfigMap); ok {
			for k, v := range cm.Data {
				out[k] = v
			}
		}
	}
	return out
}

// readYAMLConfig reads config.yaml (Flink 1.19+, standard YAML); every value the
// chart writes is a string.
func readYAMLConfig(t testing.TB, text string) map[string]string {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("config.yaml is not YAML: %v\n%s", err, text)
	}
	out := map[string]string{}
	for k, v := range m {
		s, ok := v.(string)
		if !ok {
			t.Errorf("config.yaml: %s is %T, not a string", k, v)
		}
		out[k] = s
	}
	return out
}

// readFlinkConf reads flink-conf.yaml as Flink up to 1.18 does
// (GlobalConfiguration.loadYAMLResource): line by line, everything from '#' on is a
// comment, key and value split at the first ": " and trimmed, and a line with an
// empty key or value skipped.
func readFlinkConf(text string) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		conf, _, _ := strings.Cut(sc.Text(), "#")
		key, value, found := strings.Cut(strings.TrimSpace(conf), ": ")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if found && key != "" && value != "" {
			out[key] = value
		}
	}
	return out
}

// readSparkDefaults reads spark-defaults.conf as spark-submit does: a Java
// properties file (java.util.Properties.load, no ${} expansion), values trimmed.
func readSparkDefaults(t testing.TB, text string) map[string]string {
	t.Helper()
	loader := properties.Loader{Encoding: properties.UTF8, DisableExpansion: true}
	p, err := loader.LoadBytes([]byte(text))
	if err != nil {
		t.Fatalf("spark-defaults.conf is not a properties file: %v\n%s", err, text)
	}
	out := map[string]string{}
	for k, v := range p.Map() {
		out[k] = strings.TrimSpace(v)
	}
	return out
}
