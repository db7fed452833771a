// Package golden checks the manifests rendered for each case against reviewed files.
// Run `go test ./tests/golden -update` to rewrite them, then read the diff.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/jobcharts/jobcharts/pkg/render"
	"github.com/jobcharts/jobcharts/pkg/render/rendertest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// settings pin everything that could vary between machines and commits.
var settings = render.Settings{KubeVersion: render.DefaultKubeVersion, GitCommit: "0123456789abcdef0123456789abcdef01234567"}

func cases(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob("*/descriptor.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for i, d := range dirs {
		dirs[i] = filepath.Dir(d)
	}
	return dirs
}

func TestGolden(t *testing.T) {
	for _, dir := range cases(t) {
		t.Run(dir, func(t *testing.T) {
			job, err := render.Prepare(filepath.Join(dir, "descriptor.yaml"), settings)
			require.NoError(t, err)
			values, err := job.ValuesYAML()
			require.NoError(t, err)
			ms, err := job.Render(settings)
			require.NoError(t, err)
			out := render.Stream(ms)

			// Determinism: the same descriptor gives the same bytes, every time.
			for range 3 {
				again, err := job.Render(settings)
				require.NoError(t, err)
				require.Equal(t, string(out), string(render.Stream(again)), "render is not deterministic")
			}

			assertGolden(t, filepath.Join(dir, "values.golden.yaml"), values)
			assertGolden(t, filepath.Join(dir, "manifests.golden.yaml"), out)
			rendertest.DecodeStrict(t, ms)
			rendertest.CheckPodSecurity(t, ms)
			rendertest.CheckContainers(t, ms)
			rendertest.CheckConfigEntries(t, ms, job.Doc)
		})
	}
}

// TestRenderEqualsHelmTemplate proves the invariant: `gen render X` is what
// `helm template NAME charts/<kind's chart> -f <(gen values X)` prints, modulo "# Source:" lines.
func TestRenderEqualsHelmTemplate(t *testing.T) {
	paths := cases(t)
	for i := range paths {
		paths[i] = filepath.Join(paths[i], "descriptor.yaml")
	}
	examples, err := filepath.Glob("../../examples/*.yaml")
	require.NoError(t, err)
	for _, path := range append(paths, examples...) {
		t.Run(path, func(t *testing.T) {
			job, err := render.Prepare(path, settings)
			require.NoError(t, err)
			ms, err := job.Render(settings)
			require.NoError(t, err)
			values, err := job.ValuesYAML()
			require.NoError(t, err)
			helmOut := helmTemplate(t, filepath.Join("../../charts", job.Chart), job.Release, job.Namespace, values)
			require.Equal(t, withoutSource(helmOut), withoutSource(string(render.Stream(ms))))
		})
	}
}

// helmTemplate does what `helm template` does, through Helm's action package.
func helmTemplate(t *testing.T, chartDir, release, namespace string, values []byte) string {
	t.Helper()
	ch, err := loader.Load(chartDir)
	require.NoError(t, err)
	vals, err := chartutil.ReadValues(values)
	require.NoError(t, err)
	kv, err := chartutil.ParseKubeVersion(render.DefaultKubeVersion)
	require.NoError(t, err)
	inst := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
	inst.DryRun, inst.DryRunOption, inst.ClientOnly, inst.Replace = true, "client", true, true
	inst.ReleaseName, inst.Namespace, inst.KubeVersion = release, namespace, kv
	rel, err := inst.Run(ch, vals)
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString(rel.Manifest)
	for _, h := range rel.Hooks {
		b.WriteString("---\n# Source: " + h.Path + "\n" + h.Manifest + "\n")
	}
	return b.String()
}

var sourceLine = regexp.MustCompile(`(?m)^# Source: .*\n`)

// withoutSource drops "# Source:" comments and normalises document separators and
// trailing space, the only ways helm's printing differs from gen's.
func withoutSource(s string) string {
	s = sourceLine.ReplaceAllString(s, "")
	var docs []string
	for _, d := range strings.Split(s, "\n---\n") {
		if d = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d), "---")); d != "" {
			docs = append(docs, d)
		}
	}
	return strings.Join(docs, "\n---\n") + "\n"
}

func assertGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run `go test ./tests/golden -update` and review it")
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the rendered output; if the change is intended run `go test ./tests/golden -update` and review the diff.\n%s", path, rendertest.Diff(string(want), string(got)))
	}
}
