package render_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/chartutil"
	"sigs.k8s.io/yaml"

	"github.com/jobcharts/jobcharts/pkg/render"
	"github.com/jobcharts/jobcharts/pkg/render/rendertest"
)

// TestGeneratorDefaultsMatchChart: for a minimal descriptor the generator writes every
// value explicitly; each must equal the chart's own default, so a hand install and a
// generated one of the same job agree, and the two lists of defaults cannot drift.
func TestGeneratorDefaultsMatchChart(t *testing.T) {
	job, err := render.Prepare("../../tests/golden/minimal-1.20/descriptor.yaml", render.Settings{GitCommit: "0123456"})
	require.NoError(t, err)
	generated, err := job.ValuesYAML()
	require.NoError(t, err)
	gen, err := chartutil.ReadValues(generated)
	require.NoError(t, err)
	ch, err := render.LoadChart("flink-job")
	require.NoError(t, err)

	// Values the descriptor itself sets, or that exist only in generated output.
	set := map[string]bool{"image": true, "job.jarURI": true, "flinkVersion": true,
		"traceability.descriptorSha256": true, "traceability.gitCommit": true}
	var walk func(prefix string, g map[string]any)
	walk = func(prefix string, g map[string]any) {
		for k, v := range g {
			path := prefix + k
			if set[path] {
				continue
			}
			if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
				walk(path+".", sub)
				continue
			}
			def, ok := lookup(ch.Values, path)
			require.True(t, ok, "generated value %s has no chart default", path)
			a, _ := yaml.Marshal(v)
			b, _ := yaml.Marshal(def)
			require.Equal(t, string(b), string(a), "default of %s: chart says %s, generator says %s", path, b, a)
		}
	}
	walk("", gen)
}

func lookup(values map[string]any, path string) (any, bool) {
	var cur any = values
	for _, key := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[key]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// A new commit alone (same descriptor) must change no pod template and no workload
// name: pipelines re-apply every job on every commit.
func TestNewCommitRestartsNothing(t *testing.T) {
	for _, path := range []string{"../../tests/golden/batch-1.20/descriptor.yaml", "../../tests/golden/ha-kubernetes-1.20/descriptor.yaml"} {
		render1 := renderWith(t, path, "1111111111111111111111111111111111111111")
		render2 := renderWith(t, path, "2222222222222222222222222222222222222222")
		require.Equal(t, len(render1), len(render2))
		for i := range render1 {
			require.Equal(t, render1[i].Name, render2[i].Name, "object names must not depend on the commit")
		}
		for name, tpl := range rendertest.PodTemplates(t, render1) {
			other := rendertest.PodTemplates(t, render2)[name]
			require.NotNil(t, other, name)
			require.Equal(t, tpl, other, "pod template of %s must not depend on the commit", name)
		}
	}
}

func renderWith(t *testing.T, path, commit string) []render.Manifest {
	t.Helper()
	job, err := render.Prepare(path, render.Settings{GitCommit: commit})
	require.NoError(t, err)
	ms, err := job.Render(render.Settings{})
	require.NoError(t, err)
	return ms
}

// spec.networkPolicy.enabled: false reaches the chart of either kind, which then renders
// no NetworkPolicy; the peer lists are written out empty.
func TestNetworkPolicyDisabled(t *testing.T) {
	for _, golden := range []string{"minimal-1.20", "spark-python-3.5"} {
		data, err := os.ReadFile("../../tests/golden/" + golden + "/descriptor.yaml")
		require.NoError(t, err)
		path := filepath.Join(t.TempDir(), "descriptor.yaml")
		require.NoError(t, os.WriteFile(path, append(data, "  networkPolicy: {enabled: false}\n"...), 0o644))

		job, err := render.Prepare(path, render.Settings{})
		require.NoError(t, err, golden)
		require.Equal(t, map[string]any{"enabled": false, "uiFrom": []any{}, "metricsFrom": []any{}}, job.Values["networkPolicy"], golden)
		ms, err := job.Render(render.Settings{})
		require.NoError(t, err, golden)
		for _, m := range ms {
			require.NotEqual(t, "NetworkPolicy", m.Kind, golden)
		}
	}
}
