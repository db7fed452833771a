package descriptor

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func compile(t *testing.T, data []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("descriptor.schema.json", doc))
	s, err := c.Compile("descriptor.schema.json")
	require.NoError(t, err)
	return s
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := Schema()
	require.NoError(t, err)
	return compile(t, data)
}

func compileSchemaFor(t *testing.T, kind string) *jsonschema.Schema {
	t.Helper()
	data, err := SchemaFor(kind)
	require.NoError(t, err)
	return compile(t, data)
}

// yamlToJSONValue turns a YAML descriptor into the JSON value a schema validator sees.
func yamlToJSONValue(t *testing.T, text string) any {
	t.Helper()
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(text), &n))
	data, err := json.Marshal(nodeValue(n.Content[0]))
	require.NoError(t, err)
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	return v
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return string(data)
}

func TestSchemaIsDraft07AndDeterministic(t *testing.T) {
	for _, kind := range append([]string{""}, Kinds()...) {
		get := func() ([]byte, error) {
			if kind == "" {
				return Schema()
			}
			return SchemaFor(kind)
		}
		a, err := get()
		require.NoError(t, err)
		b, err := get()
		require.NoError(t, err)
		assert.Equal(t, a, b, kind)
		text := string(a)
		assert.True(t, strings.HasPrefix(text, "{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\""), kind)
		assert.Equal(t, 1, strings.Count(text, "\"$schema\""), "only the root names the dialect: %s", kind)
		assert.True(t, strings.HasSuffix(text, "}\n"), kind)
		assert.NotContains(t, text, "$ref")
		assert.NotContains(t, text, "$defs")
		assert.NotContains(t, text, "definitions")
	}
	_, err := SchemaFor("FlinkSession")
	assert.EqualError(t, err, `schema: unknown kind "FlinkSession"; valid kinds: FlinkJob, SparkApp`)
}

// Every object with properties forbids others, so typos fail in editors too.
func TestSchemaForbidsAdditionalProperties(t *testing.T) {
	data, err := Schema()
	require.NoError(t, err)
	var root map[string]any
	require.NoError(t, json.Unmarshal(data, &root))
	objects := 0
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["properties"]; ok {
				objects++
				assert.Equal(t, false, v["additionalProperties"], "%s allows additional properties", path)
			}
			for k, c := range v {
				walk(path+"/"+k, c)
			}
		case []any:
			for _, c := range v {
				walk(path+"/[]", c)
			}
		}
	}
	walk("", root)
	assert.Greater(t, objects, 30)
	branches, ok := root["oneOf"].([]any)
	require.True(t, ok)
	require.Len(t, branches, 2)
	for i, kind := range Kinds() {
		kindProp := branches[i].(map[string]any)["properties"].(map[string]any)["kind"].(map[string]any)
		assert.Equal(t, kind, kindProp["const"])
	}
}

func TestSchemaAcceptsValidAndRejectsInvalid(t *testing.T) {
	all := compileSchema(t)
	flink := compileSchemaFor(t, KindFlinkJob)
	spark := compileSchemaFor(t, KindSparkApp)

	validFlink := []string{readTestdata(t, "valid-flinkjob.yaml"), header}
	validSpark := []string{readTestdata(t, "valid-sparkapp.yaml"), sparkHeader, pythonHeader}
	for i, text := range validFlink {
		assert.NoError(t, all.Validate(yamlToJSONValue(t, text)), "flink %d", i)
		assert.NoError(t, flink.Validate(yamlToJSONValue(t, text)), "flink %d", i)
		assert.Error(t, spark.Validate(yamlToJSONValue(t, text)), "flink %d against the SparkApp schema", i)
	}
	for i, text := range validSpark {
		assert.NoError(t, all.Validate(yamlToJSONValue(t, text)), "spark %d", i)
		assert.NoError(t, spark.Validate(yamlToJSONValue(t, text)), "spark %d", i)
		assert.Error(t, flink.Validate(yamlToJSONValue(t, text)), "spark %d against the FlinkJob schema", i)
	}

	invalid := map[string]string{
		"flink unknown field":        header + "    paralelism: 2\n",
		"flink unknown top field":    header + "status: {}\n",
		"flink wrong type":           header + "    parallelism: four\n",
		"flink enum":                 header + "  highAvailability: {type: etcd}\n",
		"flink missing required":     strings.Replace(header, "  image: registry.example.com/clicks:1.0.0\n", "", 1),
		"flink scalar not a list":    header + "  flinkConfiguration: {a: [1]}\n",
		"flink restart without type": header + "  restartStrategy: {attempts: 3}\n",
		"flink with a SparkApp kind": strings.Replace(header, "kind: FlinkJob", "kind: SparkApp", 1),
		"unknown kind":               strings.Replace(header, "kind: FlinkJob", "kind: FlinkSession", 1),
		"missing kind":               strings.Replace(header, "kind: FlinkJob\n", "", 1),
		"spark with a FlinkJob kind": strings.Replace(sparkHeader, "kind: SparkApp", "kind: FlinkJob", 1),
		"spark unknown field":        sparkHeader + "  dynamicAlocation: {enabled: true}\n",
		"spark flink field":          sparkHeader + "  flinkVersion: \"1.20\"\n",
		"spark app type enum":        strings.Replace(sparkHeader, "type: scala", "type: Scala", 1),
		"spark scheduler enum":       sparkHeader + "  batchScheduler: {name: kueue}\n",
		"spark scheduler no name":    sparkHeader + "  batchScheduler: {queue: root.default}\n",
		"spark missing app":          sparkHeader[:strings.Index(sparkHeader, "  app:\n")],
		"spark missing main file":    strings.Replace(sparkHeader, "    mainApplicationFile: local:///opt/spark/work-dir/sessions.jar\n", "", 1),
		"spark instances a string":   sparkHeader + "  executor: {instances: \"4\"}\n",
		"spark pull policy":          sparkHeader + "  imagePullPolicy: Sometimes\n",
		"spark conf not a scalar":    sparkHeader + "  sparkConf: {spark.x: {a: 1}}\n",
		"spark event log no dir":     sparkHeader + "  eventLog: {}\n",
		"spark pod template typo":    sparkHeader + "  podTemplate: {drivers: {}}\n",
		"flink network policy typo":  header + "  networkPolicy: {enable: false}\n",
		"spark peers not a list":     sparkHeader + "  networkPolicy: {uiFrom: {podSelector: {}}}\n",
	}
	for name, text := range invalid {
		assert.Error(t, all.Validate(yamlToJSONValue(t, text)), name)
	}
}
