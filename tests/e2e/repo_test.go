//go:build e2e

package e2e

// TestChartRepository: the job-specific charts `gen chart --package` writes for the examples are
// served as a chart repository on loopback and installed the way a release pipeline's user does
// (`helm repo add`, `helm install REPO/NAME --version V`), each into its own restricted namespace.
// TestOCIRepository (oci_test.go) installs the same packages from an OCI registry.

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

func TestChartRepository(t *testing.T) {
	t.Parallel()
	dir, charts := packageExamples(t, "1.0.0")

	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	repo := "e2e-jobs"
	ctx := ctxFor(t, 5*time.Minute)
	helmMust(t, ctx, "repo", "add", repo, srv.URL)

	for _, ch := range charts {
		t.Run(ch.name, func(t *testing.T) {
			t.Parallel()
			installFromRepository(t, "repo/"+ch.name, ch.name, repo+"/"+ch.name, "--version", ch.version)
		})
	}
}

// packagedChart is one chart of `gen chart --package`.
type packagedChart struct {
	name, version string
	file          string // NAME-VERSION.tgz
}

// packageExamples runs `gen chart --package --version VERSION` for the examples whose kind has a
// chart (the others are skipped by TestCharts with the reason), with genArgs, into a temporary
// folder, checks the index.yaml it writes, and returns the folder and the charts sorted by name.
func packageExamples(t *testing.T, version string, genArgs ...string) (string, []packagedChart) {
	t.Helper()
	examples, err := filepath.Glob(filepath.Join(env.root, "examples", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var descriptors []string
	for _, tc := range discoverCases(t) {
		if slices.Contains(examples, tc.descriptor) && tc.engine.run != nil {
			if _, err := os.Stat(filepath.Join(tc.chart, "Chart.yaml")); err == nil {
				descriptors = append(descriptors, tc.descriptor)
			}
		}
	}
	if len(descriptors) == 0 {
		t.Skip("no example of a kind whose chart exists")
	}
	dir := t.TempDir()
	args := append([]string{"chart", "--package", "--version", version, "-o", dir}, genArgs...)
	genRun(t, append(args, descriptors...)...)
	data, err := os.ReadFile(filepath.Join(dir, "index.yaml"))
	if err != nil {
		t.Fatalf("gen chart --package wrote no index.yaml: %v", err)
	}
	var index struct {
		Entries map[string][]struct {
			Version string `json:"version"`
		} `json:"entries"`
	}
	if err := yaml.Unmarshal(data, &index); err != nil {
		t.Fatalf("index.yaml: %v", err)
	}
	if len(index.Entries) != len(descriptors) {
		t.Fatalf("index.yaml has %d charts for %d descriptors", len(index.Entries), len(descriptors))
	}
	var charts []packagedChart
	for name, entries := range index.Entries {
		ch := packagedChart{name: name, version: entries[0].Version}
		ch.file = filepath.Join(dir, name+"-"+ch.version+".tgz")
		if _, err := os.Stat(ch.file); err != nil {
			t.Fatalf("index.yaml lists %s %s: %v", name, ch.version, err)
		}
		charts = append(charts, ch)
	}
	sort.Slice(charts, func(i, j int) bool { return charts[i].name < charts[j].name })
	return dir, charts
}

// installFromRepository installs the chart ref (REPO/NAME or oci://HOST/PATH/NAME) as release
// name into a new restricted namespace (named after caseName), with helmArgs (--version,
// registry flags) given to `helm show values` and `helm install`; asserts the release healthy,
// uninstalls it and asserts that nothing is left.
func installFromRepository(t *testing.T, caseName, name, ref string, helmArgs ...string) {
	t.Helper()
	ctx := ctxFor(t, 5*time.Minute)
	tc := &testCase{name: caseName, release: name, namespace: namespaceFor(caseName), chart: ref}
	out, _ := helmMust(t, ctx, append([]string{"show", "values", ref}, helmArgs...)...)
	var v values
	if err := yaml.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("helm show values %s: %v", ref, err)
	}
	r := &release{testCase: tc, values: v, fullname: v.str("fullnameOverride"), sa: v.str("serviceAccount.name")}
	if r.fullname == "" {
		r.fullname = name
	}
	if r.sa == "" {
		r.sa = r.fullname
	}
	newNamespace(t, ctx, tc.namespace)
	r.prepare(t, ctx, "podTemplate", "podTemplate.driver", "podTemplate.executor")
	start := time.Now()
	helmChange(t, ctx, tc.namespace, append([]string{"install", name, ref}, helmArgs...)...)
	waitWorkloads(t, ctx, tc.namespace, r.selector(), time.Minute)
	t.Logf("installed from %s and healthy in %v", ref, since(start))
	helmChange(t, ctx, tc.namespace, "uninstall", name)
	var except []string
	if !v.bool("serviceAccount.create") {
		except = append(except, "serviceaccounts/"+r.sa)
	}
	assertNamespaceEmpty(t, ctx, tc.namespace, except...)
}
