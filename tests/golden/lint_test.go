package golden

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/lint/support"

	"github.com/jobcharts/jobcharts/pkg/render"
)

// lintStrict runs `helm lint --strict` in-process on a chart with the given values (nil:
// the chart's defaults): any message above INFO fails, as --strict makes it.
func lintStrict(t *testing.T, chart, namespace string, vals map[string]any) {
	t.Helper()
	lint := action.NewLint()
	lint.Strict = true
	lint.Namespace = namespace
	result := lint.Run([]string{filepath.Join("../../charts", chart)}, vals)
	for _, m := range result.Messages {
		if m.Severity > support.InfoSev {
			t.Errorf("helm lint %s: %s", chart, m.Error())
		}
	}
	require.Empty(t, result.Errors)
}

// TestHelmLintStrict lints each chart with the values `gen values` derives from every
// golden case and every example.
func TestHelmLintStrict(t *testing.T) {
	paths := cases(t)
	for i := range paths {
		paths[i] = filepath.Join(paths[i], "descriptor.yaml")
	}
	examples, err := filepath.Glob("../../examples/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, examples)
	for _, path := range append(paths, examples...) {
		t.Run(path, func(t *testing.T) {
			job, err := render.Prepare(path, settings)
			require.NoError(t, err)
			raw, err := job.ValuesYAML()
			require.NoError(t, err)
			vals, err := chartutil.ReadValues(raw)
			require.NoError(t, err)
			lintStrict(t, job.Chart, job.Namespace, vals)
		})
	}
}

// TestHelmLintStrictDefaults: a bare `helm install` of either chart must lint, that is,
// its defaults pass the schema and render (they run the example job of the official image).
func TestHelmLintStrictDefaults(t *testing.T) {
	for _, chart := range []string{"flink-job", "spark-app"} {
		t.Run(chart, func(t *testing.T) {
			lintStrict(t, chart, "default", nil)
		})
	}
}
