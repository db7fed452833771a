package golden

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jobcharts/jobcharts/pkg/render"
	"github.com/jobcharts/jobcharts/pkg/render/rendertest"
)

// TestChartDefaults renders each chart with no values, as a bare `helm install NAME
// charts/<chart>` does, into chart-defaults/<chart>.golden.yaml: the example job of the
// official image. The manifests pass the same checks as every golden case.
func TestChartDefaults(t *testing.T) {
	for _, chart := range []string{"flink-job", "spark-app"} {
		t.Run(chart, func(t *testing.T) {
			ch, err := render.LoadChart(chart)
			require.NoError(t, err)
			ms, err := render.Render(ch, map[string]any{}, render.Options{ReleaseName: chart, Namespace: "default", KubeVersion: settings.KubeVersion})
			require.NoError(t, err)
			assertGolden(t, filepath.Join("chart-defaults", chart+".golden.yaml"), render.Stream(ms))
			rendertest.DecodeStrict(t, ms)
			rendertest.CheckPodSecurity(t, ms)
			rendertest.CheckContainers(t, ms)
		})
	}
}
