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

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := Schema()
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("flinkjob.schema.json", doc))
	s, err := c.Compile("flinkjob.schema.json")
	require.NoError(t, err)
	return s
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

func TestSchemaIsDraft07AndDeterministic(t *testing.T) {
	a, err := Schema()
	require.NoError(t, err)
	b, err := Schema()
	require.NoError(t, err)
	assert.Equal(t, a, b)
	text := string(a)
	assert.True(t, strings.HasPrefix(text, "{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\""))
	assert.True(t, strings.HasSuffix(text, "}\n"))
	assert.NotContains(t, text, "$ref")
	assert.NotContains(t, text, "$defs")
	assert.NotContains(t, text, "definitions")
}

func TestSchemaAcceptsValidAndRejectsInvalid(t *testing.T) {
	schema := compileSchema(t)
	valid, err := os.ReadFile("testdata/valid-flinkjob.yaml")
	require.NoError(t, err)
	assert.NoError(t, schema.Validate(yamlToJSONValue(t, string(valid))))
	assert.NoError(t, schema.Validate(yamlToJSONValue(t, header)))

	invalid := map[string]string{
		"unknown field":        header + "    paralelism: 2\n",
		"unknown top field":    header + "status: {}\n",
		"wrong type":           header + "    parallelism: four\n",
		"enum":                 header + "  highAvailability: {type: etcd}\n",
		"missing required":     strings.Replace(header, "  image: registry.example.com/clicks:1.0.0\n", "", 1),
		"scalar not a list":    header + "  flinkConfiguration: {a: [1]}\n",
		"wrong kind":           strings.Replace(header, "kind: FlinkJob", "kind: SparkApp", 1),
		"restart without type": header + "  restartStrategy: {attempts: 3}\n",
	}
	for name, text := range invalid {
		assert.Error(t, schema.Validate(yamlToJSONValue(t, text)), name)
	}
}
