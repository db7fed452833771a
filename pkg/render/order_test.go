package render

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/releaseutil"
)

func assertHelmOrder(t *testing.T, files map[string]string) {
	t.Helper()
	wantG, wantH, wantErr := helmInstallOrder(files) // what installOrder must equal
	gotG, gotH, gotErr := installOrder(files)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("error: got %v, Helm's sorter %v", gotErr, wantErr)
	}
	if !sameManifests(gotG, wantG) {
		t.Errorf("manifests differ from Helm's sorter\n got: %s\nwant: %s", summary(gotG), summary(wantG))
	}
	if !sameManifests(gotH, wantH) {
		t.Errorf("hooks differ from Helm's sorter\n got: %s\nwant: %s", summary(gotH), summary(wantH))
	}
}

func sameManifests(a, b []Manifest) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}

func summary(ms []Manifest) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s %s/%s (%d bytes)", m.Source, m.Kind, m.Name, len(m.Content)))
	}
	return strings.Join(parts, "; ")
}

// Every golden case and example, rendered by the engine, sorts exactly as Helm sorts it.
func TestInstallOrderMatchesHelmOnTheCharts(t *testing.T) {
	paths, err := filepath.Glob("../../tests/golden/*/descriptor.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden descriptors: %v", err)
	}
	examples, _ := filepath.Glob("../../examples/*.yaml")
	paths = append(paths, examples...)
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			files := engineFiles(t, p)
			assertHelmOrder(t, files)
			if _, _, ok := installOrderByHeads(files); !ok {
				t.Error("the chart's documents were parsed in full: their heads should be cut")
			}
		})
	}
}

// Documents whose heads are not a plain prefix, and malformed ones, still sort (or fail)
// exactly as Helm's sorter does.
func TestInstallOrderMatchesHelmOnOddDocuments(t *testing.T) {
	cases := map[string]map[string]string{
		"head after spec":             {"c/templates/a.yaml": "spec:\n  x: 1\nkind: Service\napiVersion: v1\nmetadata:\n  name: a\n"},
		"quoted keys":                 {"c/templates/a.yaml": "\"kind\": Service\napiVersion: v1\nmetadata:\n  name: a\nspec: {}\n"},
		"flow mapping":                {"c/templates/a.yaml": "{kind: Service, apiVersion: v1, metadata: {name: a}}\n"},
		"key with space before colon": {"c/templates/a.yaml": "apiVersion: v1\nspec: {}\nmetadata :\n  name: a\nkind: Secret\n"},
		"comment only":                {"c/templates/a.yaml": "# nothing rendered\n"},
		"blank":                       {"c/templates/a.yaml": "\n  \n", "c/templates/_helpers.tpl": "kind: Pod\n"},
		"no head at all":              {"c/templates/a.yaml": "spec:\n  a: 1\n"},
		"crlf": {"c/templates/a.yaml": "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\ndata:\r\n  k: v\r\n",
			"c/templates/b.yaml": "apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: b\r\n"},
		"sequence at column 0":           {"c/templates/a.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  verbs: [get]\n"},
		"several documents, same head":   {"c/templates/a.yaml": "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\ndata:\n  n: \"1\"\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\ndata:\n  n: \"2\"\n"},
		"separator variants":             {"c/templates/a.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  \n---   \n\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n---\n---\n"},
		"dashes that are not separators": {"c/templates/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    x: a---b\ndata:\n  f: |\n    ---\n    not a document\n"},
		"hooks and weights": {
			"c/templates/t1.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t1\n  annotations:\n    helm.sh/hook: test\n    helm.sh/hook-weight: \"5\"\nspec: {}\n",
			"c/templates/t2.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t2\n  annotations:\n    helm.sh/hook: test,pre-install\n    helm.sh/hook-weight: \"-1\"\nspec: {}\n",
			"c/templates/d.yaml":  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec: {}\n",
			"c/templates/u.yaml":  "apiVersion: example.com/v1\nkind: Zebra\nmetadata:\n  name: z\n---\napiVersion: example.com/v1\nkind: Aardvark\nmetadata:\n  name: a\n",
		},
		"block scalar annotation in the head": {"c/templates/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    note: |\n      line one\n      kind: not this\ndata: {}\n"},
		"labels around the name":              {"c/templates/a.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n    labels:\n        a: b\n\n        c: |\n          multi\n          line\n    name: p\n    labels: {x: y}\n    annotations:\n        helm.sh/hook: test\nspec: {}\n"},
		"labels anchor used by annotations":   {"c/templates/a.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  labels: &l\n    helm.sh/hook: test\n  name: p\n  annotations: *l\nspec: {}\n"},
		"hook among other annotations": {
			"c/templates/a.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    a.example.com/x: |\n      helm.sh/hook: pre-install\n    helm.sh/hook-weight: \"3\"\n    b: >-\n      folded\n    helm.sh/hook: test\n  namespace: ns\n  name: p\nspec: {}\n",
			"c/templates/b.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\n  annotations:\n    \"helm.sh/hook\": test\n    other: x\nspec: {}\n",
			"c/templates/c.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: r\n  annotations:\n    other: x\nspec: {}\n",
		},
		"malformed head":         {"c/templates/a.yaml": "apiVersion: v1\nkind: [Service\nmetadata:\n  name: a\n"},
		"metadata not a mapping": {"c/templates/a.yaml": "apiVersion: v1\nkind: Service\nmetadata: a\nspec: {}\n"},
		"document end marker":    {"c/templates/a.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n...\n"},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) { assertHelmOrder(t, files) })
	}
}

// The one difference from Helm's sorter, by design: only heads are parsed, so a document
// broken below its head is passed on as rendered instead of failing the render. The
// charts' output is proven well-formed by decoding every golden case and every fuzzed
// render strictly into API types.
func TestInstallOrderReadsOnlyHeads(t *testing.T) {
	files := map[string]string{"c/templates/a.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports: [\n"}
	if _, _, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder); err == nil {
		t.Fatal("Helm's sorter accepted a malformed document; this test no longer shows the difference")
	}
	ms, _, err := installOrder(files)
	if err != nil || len(ms) != 1 || ms[0].Kind != "Service" || ms[0].Content != strings.TrimSpace(files["c/templates/a.yaml"]) {
		t.Fatalf("got %v, %v; want the Service as rendered", summary(ms), err)
	}
}

// engineFiles renders a descriptor's templates, as render hands them to the sorter.
func engineFiles(tb testing.TB, path string) map[string]string {
	tb.Helper()
	s := Settings{GitCommit: "0123456789abcdef0123456789abcdef01234567"}
	j, err := Prepare(path, s)
	if err != nil {
		tb.Fatal(err)
	}
	lc, err := sharedChart(j.Chart)
	if err != nil {
		tb.Fatal(err)
	}
	vals, err := helmValues(j.Values)
	if err != nil {
		tb.Fatal(err)
	}
	caps, err := capabilities("")
	if err != nil {
		tb.Fatal(err)
	}
	top, err := chartutil.ToRenderValues(lc.chart, vals, chartutil.ReleaseOptions{Name: j.Release, Namespace: j.Namespace, IsInstall: true}, caps)
	if err != nil {
		tb.Fatal(err)
	}
	files, err := engine.Engine{Strict: true}.Render(lc.chart, top)
	if err != nil {
		tb.Fatal(err)
	}
	delete(files, lc.chart.Name()+"/templates/NOTES.txt") // as render does
	return files
}

// BenchmarkSortHelm is the baseline for BenchmarkInstallOrder: Helm's sorter on full documents.
func BenchmarkSortHelm(b *testing.B) {
	files := engineFiles(b, "../../examples/clickstream-enricher.yaml")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInstallOrder(b *testing.B) {
	files := engineFiles(b, "../../examples/clickstream-enricher.yaml")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := installOrder(files); err != nil {
			b.Fatal(err)
		}
	}
}
