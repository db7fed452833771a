package synth_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jobcharts/jobcharts/bench/synth"
	"github.com/jobcharts/jobcharts/pkg/render"
)

// TestDescriptorsAreValidAndRender checks every variant the generator makes (the
// variants repeat with a period well below 600).
func TestDescriptorsAreValidAndRender(t *testing.T) {
	dir := t.TempDir()
	files, err := synth.Generate(dir, 600, true)
	require.NoError(t, err)
	s := render.Settings{KubeVersion: render.DefaultKubeVersion, GitCommit: "0123456789abcdef"}
	kinds := map[string]int{}
	for _, f := range files {
		j, err := render.Prepare(f, s)
		if err != nil && strings.Contains(err.Error(), "has no chart yet") {
			kinds["no chart yet"]++
			continue
		}
		require.NoError(t, err, f)
		_, err = j.Render(s)
		require.NoError(t, err, f)
		kinds[j.Chart]++
	}
	t.Log(kinds)
	require.Equal(t, 450, kinds["flink-job"])
}
