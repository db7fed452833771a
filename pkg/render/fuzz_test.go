package render_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/jobcharts/jobcharts/pkg/descriptor"
	"github.com/jobcharts/jobcharts/pkg/render"
	"github.com/jobcharts/jobcharts/pkg/render/rendertest"
)

// fuzzBaseFiles are the valid descriptors FuzzRender mutates, by index. The first two
// are fixed so that regression inputs under testdata/fuzz keep their meaning; the
// golden cases add the variants (HA types, batch mode, Python, schedulers...).
func fuzzBaseFiles(f *testing.F) []string {
	files := []string{
		"../descriptor/testdata/valid-flinkjob.yaml",
		"../descriptor/testdata/valid-sparkapp.yaml",
	}
	golden, err := filepath.Glob("../../tests/golden/*/descriptor.yaml")
	if err != nil {
		f.Fatal(err)
	}
	sort.Strings(golden)
	return append(files, golden...)
}

// Mutations of one scalar, chosen by the fuzzer's op byte.
const (
	opString      = iota // a string (quoted when it would read as something else)
	opInt                // an integer
	opBool               // a boolean
	opPlain              // the text as a plain scalar, typed as YAML resolves it
	opFloat              // a number with a fraction
	opNumericText        // an integer written as a string ("0", "-3")
	opDelete             // the mapping entry or list item is removed
	opNone               // the base descriptor as it is
	opCount
)

// leaf is one scalar of a descriptor: a mapping key, a mapping value or a list item.
type leaf struct {
	node   *yaml.Node
	parent *yaml.Node // the mapping or list holding it
	index  int        // node's index in parent.Content
}

// scalarLeaves lists the scalars below n in document order; aliases are left alone.
func scalarLeaves(n, parent *yaml.Node, index int, out []leaf) []leaf {
	switch n.Kind {
	case yaml.DocumentNode:
		for i, c := range n.Content {
			out = scalarLeaves(c, n, i, out)
		}
	case yaml.MappingNode, yaml.SequenceNode:
		for i, c := range n.Content {
			out = scalarLeaves(c, n, i, out)
		}
	case yaml.ScalarNode:
		if parent != nil && parent.Kind != yaml.DocumentNode {
			out = append(out, leaf{node: n, parent: parent, index: index})
		}
	}
	return out
}

// mutate applies one mutation to l; s, n and b are the fuzzer's replacement values.
func mutate(l leaf, op uint8, s string, n int64, b bool) {
	node := l.node
	node.Style = 0
	switch op % opCount {
	case opString:
		node.Tag, node.Value = "!!str", s
	case opInt:
		node.Tag, node.Value = "!!int", strconv.FormatInt(n, 10)
	case opBool:
		node.Tag, node.Value = "!!bool", strconv.FormatBool(b)
	case opPlain:
		node.Tag, node.Value = "", s
	case opFloat:
		node.Tag, node.Value = "!!float", strconv.FormatFloat(float64(n)/1000, 'f', -1, 64)
	case opNumericText:
		node.Tag, node.Value = "!!str", strconv.FormatInt(n, 10)
	case opDelete:
		p := l.parent
		if p.Kind == yaml.MappingNode {
			start := l.index - l.index%2 // the entry's key
			p.Content = append(p.Content[:start], p.Content[start+2:]...)
		} else {
			p.Content = append(p.Content[:l.index], p.Content[l.index+1:]...)
		}
	}
}

var fuzzSettings = render.Settings{KubeVersion: render.DefaultKubeVersion, GitCommit: "0123456789abcdef"}

// FuzzRender is the full pipeline on valid descriptors mutated one scalar at a time:
// the fuzzer picks a base descriptor, a scalar of it (a key, a value or a list item),
// and what to put there (a string, number or boolean from its inputs) or to delete
// it. The mutated descriptor is written out and prepared as gen would. Invariants:
//   - nothing panics;
//   - a refused descriptor is refused with positioned problems (a descriptor.ErrorList);
//   - an accepted descriptor renders; its manifests decode strictly into k8s.io/api
//     types, carry valid object metadata, and every pod passes Pod Security restricted;
//   - the engine, reading the rendered configuration file its own way, finds every
//     flinkConfiguration/sparkConf/hadoopConf entry with its value as written.
//
// A failure on an accepted descriptor is a validation gap (refuse it with a clear
// message) or a chart bug.
func FuzzRender(f *testing.F) {
	files := fuzzBaseFiles(f)
	bases := make([][]byte, len(files))
	for i, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		bases[i] = data
		f.Add(uint8(i), uint16(0), uint8(opNone), "", int64(0), false)
	}
	f.Add(uint8(0), uint16(7), uint8(opString), "team-growth", int64(0), false)
	f.Add(uint8(0), uint16(30), uint8(opInt), "", int64(3), false)
	f.Add(uint8(1), uint16(40), uint8(opPlain), "2Gi", int64(0), false)
	f.Add(uint8(1), uint16(12), uint8(opDelete), "", int64(0), false)
	f.Add(uint8(0), uint16(60), uint8(opBool), "", int64(0), true)
	path := filepath.Join(f.TempDir(), "descriptor.yaml")

	f.Fuzz(func(t *testing.T, base uint8, leafIndex uint16, op uint8, s string, n int64, b bool) {
		var root yaml.Node
		if err := yaml.Unmarshal(bases[int(base)%len(bases)], &root); err != nil {
			t.Fatal(err)
		}
		leaves := scalarLeaves(&root, nil, 0, nil)
		if op%opCount != opNone {
			mutate(leaves[int(leafIndex)%len(leaves)], op, s, n, b)
		}
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(&root); err != nil {
			t.Skip("the mutated tree cannot be written as YAML:", err)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}

		job, err := render.Prepare(path, fuzzSettings)
		if err != nil {
			var list descriptor.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("refused without positions (%T): %v\n--- descriptor:\n%s", err, err, buf.Bytes())
			}
			return
		}
		ms, err := job.Render(fuzzSettings)
		if err != nil {
			t.Fatalf("accepted descriptor fails to render: %v\n--- descriptor:\n%s", err, buf.Bytes())
		}
		if len(ms) == 0 {
			t.Fatalf("accepted descriptor renders nothing\n--- descriptor:\n%s", buf.Bytes())
		}
		defer func() {
			if t.Failed() {
				t.Logf("--- descriptor:\n%s", buf.Bytes())
			}
		}()
		rendertest.DecodeStrict(t, ms)
		checkObjectMeta(t, ms)
		checkPods(t, ms)
		rendertest.CheckConfigEntries(t, ms, job.Doc)
	})
}

// checkPods asserts that every pod the manifests would create passes Pod Security
// "restricted" (latest), and that every container, the descriptor's sidecars and init
// containers too (validation requires it), has cpu and memory requests and limits.
func checkPods(t *testing.T, ms []render.Manifest) {
	t.Helper()
	for name, tpl := range rendertest.PodTemplates(t, ms) {
		if v := rendertest.PodSecurityViolation(name, tpl); v != "" {
			t.Errorf("%s violates Pod Security restricted: %s", name, v)
		}
		for _, c := range append(slices.Clone(tpl.Spec.InitContainers), tpl.Spec.Containers...) {
			if strings.HasPrefix(name, "ExecutorTemplate/") && c.Name == "executor" {
				continue // Spark sizes the executor container from spark.executor.*
			}
			r := c.Resources
			if r.Requests.Cpu().IsZero() || r.Requests.Memory().IsZero() || r.Limits.Cpu().IsZero() || r.Limits.Memory().IsZero() {
				t.Errorf("%s: container %s lacks cpu or memory requests or limits", name, c.Name)
			}
		}
	}
}

// checkObjectMeta validates the metadata of every rendered object and pod template
// with the API server's own rules: names, labels, annotations.
func checkObjectMeta(t *testing.T, ms []render.Manifest) {
	t.Helper()
	for _, m := range ms {
		obj, err := rendertest.Decode(m)
		if err != nil || obj == nil {
			continue // strict decoding reports it; CRD mirrors carry no client-go type
		}
		meta, ok := obj.(metav1.Object)
		if !ok {
			t.Errorf("%s (%s): %T has no object metadata", m.Source, m.Name, obj)
			continue
		}
		nameFn := apivalidation.NameIsDNSSubdomain
		switch obj.(type) {
		case *corev1.Service:
			nameFn = apivalidation.NameIsDNS1035Label
		case *batchv1.Job:
			nameFn = apivalidation.NameIsDNSLabel // it is the value of the job-name label of its pods
		}
		errs := apivalidation.ValidateObjectMetaAccessor(meta, meta.GetNamespace() != "", nameFn, field.NewPath("metadata"))
		for _, e := range errs {
			t.Errorf("%s (%s): %v", m.Source, m.Name, e)
		}
	}
	for name, tpl := range rendertest.PodTemplates(t, ms) {
		path := field.NewPath(name, "metadata")
		errs := metav1validation.ValidateLabels(tpl.Labels, path.Child("labels"))
		errs = append(errs, apivalidation.ValidateAnnotations(tpl.Annotations, path.Child("annotations"))...)
		for _, e := range errs {
			t.Errorf("pod template %s: %v", name, e)
		}
	}
}
