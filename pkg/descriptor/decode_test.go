package descriptor

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// header is the start of a minimal valid descriptor; tests append spec fields
// (indented by two spaces) from line 10 on.
const header = `apiVersion: jobcharts.io/v1alpha1
kind: FlinkJob
metadata:
  name: clicks
spec:
  flinkVersion: "1.20"
  image: registry.example.com/clicks:1.0.0
  job:
    jarURI: local:///opt/flink/usrlib/clicks.jar
`

func parseErrors(t *testing.T, yamlText string) ErrorList {
	t.Helper()
	_, err := Parse("t.yaml", []byte(yamlText))
	require.Error(t, err)
	var list ErrorList
	require.True(t, errors.As(err, &list), "error is %T, want ErrorList", err)
	return list
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error text, each with file:line:col
	}{
		{
			name: "unknown field with suggestion",
			yaml: header + "    paralelism: 2\n",
			want: []string{`t.yaml:10:5: spec.job.paralelism: unknown field "paralelism" (did you mean "parallelism"?)`},
		},
		{
			name: "unknown field differing in case",
			yaml: header + "  FlinkConfiguration: {}\n",
			want: []string{`t.yaml:10:3: spec.FlinkConfiguration: unknown field "FlinkConfiguration" (did you mean "flinkConfiguration"?)`},
		},
		{
			name: "unknown field lists the valid ones",
			yaml: header + "  jobManager:\n    heap: 1g\n",
			want: []string{`t.yaml:11:5: spec.jobManager.heap: unknown field "heap"; valid fields: resources`},
		},
		{
			name: "integer given a string",
			yaml: header + "    parallelism: four\n",
			want: []string{`t.yaml:10:18: spec.job.parallelism: expected an integer, got string "four"`},
		},
		{
			name: "integer given a float",
			yaml: header + "    parallelism: 2.5\n",
			want: []string{`t.yaml:10:18: spec.job.parallelism: expected an integer, got number 2.5`},
		},
		{
			name: "boolean given yes",
			yaml: header + "  compliance: {requireDigest: yes}\n",
			want: []string{`t.yaml:10:31: spec.compliance.requireDigest: expected a boolean (true or false), got string "yes"`},
		},
		{
			name: "string given a number",
			yaml: strings.Replace(header, `"1.20"`, "1.20", 1),
			want: []string{`t.yaml:6:17: spec.flinkVersion: expected a string, got number 1.20; quote it ("1.20") to keep it as text`},
		},
		{
			name: "list given a mapping",
			yaml: header + "    args: {topic: clicks}\n",
			want: []string{`t.yaml:10:11: spec.job.args: expected a list, got a mapping`},
		},
		{
			name: "mapping given a list",
			yaml: header + "  taskManager: [1, 2]\n",
			want: []string{`t.yaml:10:16: spec.taskManager: expected a mapping, got a list`},
		},
		{
			name: "flinkConfiguration value is a list",
			yaml: header + "  flinkConfiguration:\n    pipeline.classpaths: [a, b]\n",
			want: []string{`t.yaml:11:26: spec.flinkConfiguration.pipeline.classpaths: expected a value (string, number or boolean), got a list`},
		},
		{
			name: "int out of range",
			yaml: header + "  taskManager: {replicas: 9223372036854775808}\n",
			want: []string{`t.yaml:10:27: spec.taskManager.replicas: 9223372036854775808 is out of range; expected an integer from -9223372036854775808 to 9223372036854775807`},
		},
		{
			name: "int32 out of range inside a Kubernetes type",
			yaml: header + "  podTemplate:\n    sidecars:\n      - name: s\n        image: s:1\n        ports: [{containerPort: 4294967296}]\n",
			want: []string{`t.yaml:14:33: spec.podTemplate.sidecars[0].ports[0].containerPort: 4294967296 is out of range; expected an integer from -2147483648 to 2147483647`},
		},
		{
			name: "invalid quantity inside a Kubernetes type",
			yaml: header + "  podTemplate:\n    sidecars:\n      - name: s\n        image: s:1\n        resources: {requests: {cpu: lots}}\n",
			want: []string{`t.yaml:14:37: spec.podTemplate.sidecars[0].resources.requests.cpu: invalid quantity string "lots":`},
		},
		{
			name: "duplicate key",
			yaml: header + "    parallelism: 2\n    parallelism: 3\n",
			want: []string{`t.yaml:11:5: spec.job.parallelism: duplicate key "parallelism" (first defined at line 10); keep one`},
		},
		{
			name: "duplicate key in a map",
			yaml: header + "  flinkConfiguration:\n    a.b: 1\n    a.b: 2\n",
			want: []string{`t.yaml:12:5: spec.flinkConfiguration.a.b: duplicate key "a.b" (first defined at line 11); keep one`},
		},
		{
			name: "several problems are all reported",
			yaml: header + "    paralelism: 2\n  taskManager: {replicas: x, taskSlots: y}\n",
			want: []string{
				`t.yaml:10:5: spec.job.paralelism: unknown field`,
				`t.yaml:11:27: spec.taskManager.replicas: expected an integer, got string "x"`,
				`t.yaml:11:41: spec.taskManager.taskSlots: expected an integer, got string "y"`,
			},
		},
		{
			name: "more than one document",
			yaml: header + "---\n" + header,
			want: []string{`t.yaml:10:1: the file holds more than one YAML document; put one descriptor in each file`},
		},
		{
			name: "empty file",
			yaml: "",
			want: []string{`t.yaml:1:1: the file is empty; expected a descriptor (apiVersion: jobcharts.io/v1alpha1, kind: one of FlinkJob, SparkApp)`},
		},
		{
			name: "only comments",
			yaml: "# nothing here\n",
			want: []string{`t.yaml:1:1: the file is empty`},
		},
		{
			name: "empty document",
			yaml: "---\n",
			want: []string{`t.yaml:1:1: the document is empty`},
		},
		{
			name: "top level is a list",
			yaml: "- a\n- b\n",
			want: []string{`t.yaml:1:1: a descriptor is a mapping with apiVersion, kind, metadata and spec; got a list`},
		},
		{
			name: "YAML syntax error keeps its line",
			yaml: header + "  image: [unclosed\n",
			want: []string{`t.yaml:10:1: invalid YAML: did not find expected ',' or ']'`}, // where the list starts
		},
		{
			name: "wrong apiVersion",
			yaml: strings.Replace(header, "jobcharts.io/v1alpha1", "jobcharts.io/v1", 1),
			want: []string{`t.yaml:1:13: apiVersion: "jobcharts.io/v1" is not supported; use jobcharts.io/v1alpha1`},
		},
		{
			name: "missing apiVersion",
			yaml: strings.Replace(header, "apiVersion: jobcharts.io/v1alpha1\n", "", 1),
			want: []string{`t.yaml:1:1: apiVersion: required; set apiVersion: jobcharts.io/v1alpha1`},
		},
		{
			name: "unknown kind",
			yaml: strings.Replace(header, "kind: FlinkJob", "kind: FlinkSession", 1),
			want: []string{`t.yaml:2:7: kind: unknown kind "FlinkSession"; valid kinds: FlinkJob, SparkApp`},
		},
		{
			name: "missing kind",
			yaml: strings.Replace(header, "kind: FlinkJob\n", "", 1),
			want: []string{`t.yaml:1:1: kind: required; valid kinds: FlinkJob, SparkApp`},
		},
		{
			name: "alias bomb",
			yaml: "apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\n" +
				"a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
				"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
				"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
				"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
				"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n" +
				"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
				"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n" +
				"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n" +
				"i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n",
			want: []string{`more than 10000 YAML nodes once aliases are expanded`},
		},
		{
			name: "alias that contains itself",
			yaml: header + "  imagePullSecrets: &a [*a]\n",
			want: []string{`t.yaml:10:25: alias *a refers to a node that contains it`},
		},
		{
			name: "nesting too deep",
			yaml: header + "  flinkConfiguration: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n",
			want: []string{`nested deeper than 64 levels`},
		},
		{
			name: "control character in a configuration value",
			yaml: header + "  flinkConfiguration:\n    pipeline.name: \"a\\bb\"\n",
			want: []string{`t.yaml:11:20: spec.flinkConfiguration.pipeline.name: the value contains the invisible character U+0008 at byte 1; only printable text, tabs and newlines are allowed`},
		},
		{
			name: "line separator in a key",
			yaml: header + "  flinkConfiguration:\n    \"a\\Lb\": c\n",
			want: []string{`t.yaml:11:5: spec.flinkConfiguration: the key "a\u2028b" contains the invisible character U+2028 at byte 1`},
		},
		{
			name: "escape sequence in a list item",
			yaml: header + "    args: [\"\\e[31mred\"]\n",
			want: []string{`t.yaml:10:12: spec.job.args[0]: the value contains the invisible character U+001B at byte 0`},
		},
		{
			name: "carriage return and NEL",
			yaml: header + "    args: [\"a\\rb\", \"c\\Nd\"]\n",
			want: []string{
				`t.yaml:10:12: spec.job.args[0]: the value contains the invisible character U+000D at byte 1`,
				`t.yaml:10:20: spec.job.args[1]: the value contains the invisible character U+0085 at byte 1`,
			},
		},
		{
			name: "file too large",
			yaml: header + "  # " + strings.Repeat("x", MaxFileSize) + "\n",
			want: []string{`t.yaml:1:1: file is larger than 262144 bytes (256 KiB); a descriptor is a small file (real ones are a few KiB)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := parseErrors(t, tt.yaml).Error()
			for _, want := range tt.want {
				assert.Contains(t, text, want)
			}
		})
	}
}

func TestParseAcceptsBOMAliasesAndMergeKeys(t *testing.T) {
	text := "\xEF\xBB\xBF" + header + `  podTemplate:
    labels: &common {team: growth}
    annotations:
      <<: *common
      owner: me
  taskManager:
    resources: &res {cpu: "2", memory: 4Gi}
  jobManager:
    resources: *res
`
	doc, err := Parse("t.yaml", []byte(text))
	require.NoError(t, err)
	spec := doc.Flink.Spec
	assert.Equal(t, map[string]string{"team": "growth", "owner": "me"}, spec.PodTemplate.Annotations)
	assert.Equal(t, "4Gi", spec.JobManager.Resources.Memory)
	assert.False(t, strings.HasPrefix(string(doc.Data), "\xEF\xBB\xBF"), "BOM stripped")
}

func TestScalarKeepsLiteralText(t *testing.T) {
	doc, err := Parse("t.yaml", []byte(header+`  flinkConfiguration:
    taskmanager.memory.managed.fraction: 0.40
    pipeline.object-reuse: true
    taskmanager.network.memory.buffers-per-channel: 4
    web.submit.enable: "false"
    state.backend.rocksdb.localdir: /tmp/rocksdb
`))
	require.NoError(t, err)
	assert.Equal(t, map[string]Scalar{
		"taskmanager.memory.managed.fraction":            "0.40",
		"pipeline.object-reuse":                          "true",
		"taskmanager.network.memory.buffers-per-channel": "4",
		"web.submit.enable":                              "false",
		"state.backend.rocksdb.localdir":                 "/tmp/rocksdb",
	}, doc.Flink.Spec.FlinkConfiguration)
}

func TestKubernetesTypesDecode(t *testing.T) {
	doc, err := Parse("t.yaml", []byte(header+`  podTemplate:
    sidecars:
      - name: proxy
        image: envoy:1.30
        resources:
          requests: {cpu: 50m, memory: 64Mi}
          limits: {cpu: 1}
        livenessProbe:
          httpGet: {path: /ready, port: admin}
        readinessProbe:
          tcpSocket: {port: 9901}
    volumes:
      - name: scratch
        emptyDir: {sizeLimit: 1Gi}
`))
	require.NoError(t, err)
	sidecar := doc.Flink.Spec.PodTemplate.Sidecars[0]
	assert.Equal(t, "50m", sidecar.Resources.Requests.Cpu().String())
	assert.Equal(t, "64Mi", sidecar.Resources.Requests.Memory().String())
	assert.Equal(t, int64(1), sidecar.Resources.Limits.Cpu().Value())
	assert.Equal(t, intstr.FromString("admin"), sidecar.LivenessProbe.HTTPGet.Port)
	assert.Equal(t, intstr.FromInt32(9901), sidecar.ReadinessProbe.TCPSocket.Port)
	// VolumeSource is embedded with json:",inline".
	assert.Equal(t, "1Gi", doc.Flink.Spec.PodTemplate.Volumes[0].EmptyDir.SizeLimit.String())
}

func TestPositions(t *testing.T) {
	doc, err := Parse("t.yaml", []byte(header+`    parallelism: 4
  podTemplate:
    tolerations:
      - key: dedicated
        operator: Exists
  flinkConfiguration:
    state.backend.rocksdb.localdir: /tmp
`))
	require.NoError(t, err)
	tests := map[string]Position{
		"":                                    {1, 1},
		"metadata.name":                       {4, 9},
		"spec.job.parallelism":                {10, 18},
		"spec.job":                            {9, 5},
		"spec.job.entryClass":                 {9, 5}, // absent: its parent
		"spec.podTemplate.tolerations[0]":     {13, 9},
		"spec.podTemplate.tolerations[0].key": {13, 14},
		"spec.podTemplate.tolerations[0].operator":               {14, 19},
		"spec.podTemplate.tolerations[3].key":                    {13, 7}, // absent: nearest ancestor (the list)
		"spec.flinkConfiguration.state.backend.rocksdb.localdir": {16, 5}, // map entries: the key
		"spec.checkpointing.interval":                            {6, 3},  // absent: spec's mapping
	}
	for path, want := range tests {
		assert.Equal(t, want, doc.Pos(path), path)
	}
}

func TestErrorListIsSortedAndFormatted(t *testing.T) {
	list := ErrorList{
		{File: "f", Line: 3, Column: 1, Field: "b", Message: "m"},
		{File: "f", Line: 1, Column: 5, Message: "file level"},
		{File: "f", Line: 1, Column: 2, Field: "a", Message: "m"},
	}
	assert.Equal(t, "f:1:2: a: m\nf:1:5: file level\nf:3:1: b: m", list.Error())
	assert.Nil(t, ErrorList(nil).Err())
}

// TestDecoderTypes covers kinds the descriptor types do not use today.
func TestDecoderTypes(t *testing.T) {
	type Inner struct {
		Deep string `json:"deep"`
	}
	type target struct {
		Inner   `json:",inline"`
		Small   int8              `json:"small"`
		Count   uint16            `json:"count"`
		Ratio   float32           `json:"ratio"`
		Free    any               `json:"free"`
		Ptr     *int              `json:"ptr"`
		List    []string          `json:"list"`
		Map     map[string]string `json:"map"`
		Skipped string            `json:"-"`
	}
	decode := func(text string) (target, ErrorList) {
		var out target
		dec := &decoder{file: "t.yaml", positions: map[string]Position{}}
		root := dec.readSingleDocument([]byte(text))
		require.NotNil(t, root)
		dec.decode(root, reflect.ValueOf(&out).Elem(), "")
		return out, dec.errs
	}

	out, errs := decode("deep: x\nsmall: -128\ncount: 65535\nratio: 1.5\nfree: {a: [1, true]}\nptr: null\nlist: null\nmap: ~\n")
	require.Empty(t, errs)
	assert.Equal(t, "x", out.Deep)
	assert.Equal(t, int8(-128), out.Small)
	assert.Equal(t, uint16(65535), out.Count)
	assert.Equal(t, float32(1.5), out.Ratio)
	assert.NotNil(t, out.Free)
	assert.Nil(t, out.Ptr)
	assert.Nil(t, out.List)
	assert.Nil(t, out.Map)

	_, errs = decode("small: 128\ncount: -1\nratio: 1e40\nSkipped: x\n")
	text := errs.Error()
	assert.Contains(t, text, "t.yaml:1:8: small: 128 is out of range; expected an integer from -128 to 127")
	assert.Contains(t, text, "t.yaml:2:8: count: -1 is out of range; expected an integer from 0 to 65535")
	assert.Contains(t, text, "t.yaml:3:8: ratio: 1e40 is not a finite number in range")
	assert.Contains(t, text, `t.yaml:4:1: Skipped: unknown field "Skipped"`)
}
