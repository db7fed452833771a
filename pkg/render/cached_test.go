package render_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jobcharts/jobcharts/bench/synth"
	"github.com/jobcharts/jobcharts/pkg/render"
)

// TestRenderSharedIsRender: the batch's shared-chart path gives Job.Render's bytes for
// every golden case, example and synthetic variant, and Helm's own error text.
func TestRenderSharedIsRender(t *testing.T) {
	golden, err := filepath.Glob("../../tests/golden/*/descriptor.yaml")
	require.NoError(t, err)
	examples, err := filepath.Glob("../../examples/*.yaml")
	require.NoError(t, err)
	generated, err := synth.Generate(t.TempDir(), 200, true)
	require.NoError(t, err)
	for _, f := range append(append(golden, examples...), generated...) {
		j, err := render.Prepare(f, batchSettings)
		if err != nil && strings.Contains(err.Error(), "has no chart yet") {
			continue
		}
		require.NoError(t, err, f)
		want, err := j.Render(batchSettings)
		require.NoError(t, err, f)
		got, err := render.RenderShared(j, batchSettings)
		require.NoError(t, err, f)
		require.Equal(t, render.Stream(want), render.Stream(got), f)
		require.Equal(t, want, got, f)

		j.Values["bogus"] = true // refused by the schema: Helm's message
		_, wantErr := j.Render(batchSettings)
		require.Error(t, wantErr)
		_, gotErr := render.RenderShared(j, batchSettings)
		require.EqualError(t, gotErr, wantErr.Error())
	}
}
