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

// TestHelmLintStrict runs `helm lint --strict` in-process on each case's chart with the
// case's values: any lint warning fails.
func TestHelmLintStrict(t *testing.T) {
	for _, dir := range cases(t) {
		t.Run(dir, func(t *testing.T) {
			job, err := render.Prepare(filepath.Join(dir, "descriptor.yaml"), settings)
			require.NoError(t, err)
			raw, err := job.ValuesYAML()
			require.NoError(t, err)
			vals, err := chartutil.ReadValues(raw)
			require.NoError(t, err)
			lint := action.NewLint()
			lint.Strict = true
			lint.Namespace = job.Namespace
			result := lint.Run([]string{filepath.Join("../../charts", job.Chart)}, vals)
			for _, m := range result.Messages {
				if m.Severity > support.InfoSev {
					t.Errorf("helm lint: %s", m.Error())
				}
			}
			require.Empty(t, result.Errors)
		})
	}
}
