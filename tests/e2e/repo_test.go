//go:build e2e

package e2e

// TestChartRepository: the job-specific charts `gen chart --package` writes for the examples are
// served as a chart repository on loopback and installed the way a release pipeline's user does
// (`helm repo add`, `helm install REPO/NAME --version V`), each into its own restricted namespace.

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
	examples, err := filepath.Glob(filepath.Join(env.root, "examples", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Only kinds whose chart exists; the others are skipped by TestCharts with the reason.
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
	genRun(t, append([]string{"chart", "--package", "--version", "1.0.0", "-o", dir}, descriptors...)...)
	data, err := os.ReadFile(filepath.Join(dir, "index.yaml"))
	if err != nil {
		t.Fatalf("gen chart --package wrote no index.yaml: %v", err)
	}
	var index struct {
		Entries map[string][]struct {
			Version     string            `json:"version"`
			Annotations map[string]string `json:"annotations"`
		} `json:"entries"`
	}
	if err := yaml.Unmarshal(data, &index); err != nil {
		t.Fatalf("index.yaml: %v", err)
	}
	if len(index.Entries) != len(descriptors) {
		t.Fatalf("index.yaml has %d charts for %d descriptors", len(index.Entries), len(descriptors))
	}

	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	repo := "e2e-jobs"
	ctx := ctxFor(t, 5*time.Minute)
	helmMust(t, ctx, "repo", "add", repo, srv.URL)

	names := make([]string, 0, len(index.Entries))
	for name := range index.Entries {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		version := index.Entries[name][0].Version
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := ctxFor(t, 5*time.Minute)
			tc := &testCase{name: "repo/" + name, release: name, namespace: namespaceFor("repo/" + name), chart: repo + "/" + name}
			out, _ := helmMust(t, ctx, "show", "values", tc.chart, "--version", version)
			var v values
			if err := yaml.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("helm show values: %v", err)
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
			helmChange(t, ctx, tc.namespace, "install", name, tc.chart, "--version", version)
			waitWorkloads(t, ctx, tc.namespace, r.selector(), time.Minute)
			helmChange(t, ctx, tc.namespace, "uninstall", name)
			var except []string
			if !v.bool("serviceAccount.create") {
				except = append(except, "serviceaccounts/"+r.sa)
			}
			assertNamespaceEmpty(t, ctx, tc.namespace, except...)
		})
	}
}
