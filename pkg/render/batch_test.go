package render_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jobcharts/jobcharts/bench/synth"
	"github.com/jobcharts/jobcharts/pkg/render"
)

var batchSettings = render.Settings{KubeVersion: render.DefaultKubeVersion, GitCommit: "0123456789abcdef"}

func synthFiles(t *testing.T, n int) []string {
	t.Helper()
	files, err := synth.Generate(t.TempDir(), n, false)
	require.NoError(t, err)
	return files
}

// sequential renders files one by one, the reference for the pool.
func sequential(t *testing.T, files []string) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, f := range files {
		j, err := render.Prepare(f, batchSettings)
		require.NoError(t, err)
		ms, err := j.Render(batchSettings)
		require.NoError(t, err)
		b.Write(render.Stream(ms))
	}
	return b.Bytes()
}

func TestBatchEmitsInInputOrder(t *testing.T) {
	files := synthFiles(t, 60)
	want := sequential(t, files)
	for _, o := range []render.BatchOptions{{Workers: 1, Window: 1}, {Workers: 4, Window: 4}, {Workers: 8, Window: 3}, {}} {
		o.Render = true
		var got bytes.Buffer
		next := 0
		err := render.Batch(context.Background(), files, batchSettings, o, func(r render.Result) error {
			require.NoError(t, r.Err)
			require.Equal(t, next, r.Index)
			require.Equal(t, files[next], r.File)
			next++
			got.Write(r.Output)
			return nil
		})
		require.NoError(t, err)
		require.Equal(t, len(files), next)
		require.Equal(t, string(want), got.String(), "%+v", o)
	}
}

func TestBatchReportsEveryErrorInOrderAndGoesOn(t *testing.T) {
	files := synthFiles(t, 20)
	dir := filepath.Dir(filepath.Dir(files[0]))
	bad := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	dup, err := os.ReadFile(files[3])
	require.NoError(t, err)
	input := append([]string{}, files[:5]...)
	input = append(input, bad("bad-kind.yaml", "kind: FlinkJob\n"))
	input = append(input, files[5:12]...)
	input = append(input, bad("dup.yaml", string(dup)), bad("bad-version.yaml", strings.Replace(string(dup), `flinkVersion: "1.12"`, `flinkVersion: "1.9"`, 1)))
	input = append(input, files[12:]...)

	var out bytes.Buffer
	err = render.RenderPaths(context.Background(), input, batchSettings, "", &out)
	require.Error(t, err)
	msg := err.Error()
	lines := strings.Split(msg, "\n")
	require.Contains(t, lines[0], "bad-kind.yaml")
	iDup := strings.Index(msg, "dup.yaml: job ")
	iVersion := strings.Index(msg, "bad-version.yaml:")
	require.True(t, strings.Index(msg, "bad-kind.yaml") < iDup && iDup < iVersion, msg)
	require.Contains(t, msg, "is also defined in "+files[3])
	require.Contains(t, msg, "spec.flinkVersion")
	require.Equal(t, string(sequential(t, files)), out.String(), "every good job is still rendered, in order")
}

func TestBatchStopsWhenEmitFails(t *testing.T) {
	files := synthFiles(t, 40)
	stop := errors.New("stop")
	calls := 0
	err := render.Batch(context.Background(), files, batchSettings, render.BatchOptions{Workers: 4}, func(r render.Result) error {
		calls++
		if r.Index == 5 {
			return stop
		}
		return nil
	})
	require.ErrorIs(t, err, stop)
	require.Equal(t, 6, calls)
}

func TestBatchCancelled(t *testing.T) {
	files := synthFiles(t, 20)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := render.Batch(ctx, files, batchSettings, render.BatchOptions{Workers: 2}, func(render.Result) error { return nil })
	require.ErrorIs(t, err, context.Canceled)
}

func TestRenderDirIsAllOrNothing(t *testing.T) {
	files := synthFiles(t, 12)
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("kind: FlinkJob\n"), 0o644))
	err := render.RenderPaths(context.Background(), append(files, bad), batchSettings, out, nil)
	require.ErrorContains(t, err, "bad.yaml")
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	require.Empty(t, entries, "no output directory, no staging left behind")

	require.NoError(t, render.RenderPaths(context.Background(), files, batchSettings, out, nil))
	var got bytes.Buffer
	for _, f := range files {
		j, err := render.Prepare(f, batchSettings)
		require.NoError(t, err)
		data, err := os.ReadFile(render.JobFile(out, j))
		require.NoError(t, err)
		got.Write(data)
	}
	require.Equal(t, string(sequential(t, files)), got.String())
	entries, err = os.ReadDir(parent)
	require.NoError(t, err)
	require.Len(t, entries, 1, "staging removed")
}

func TestValidateFiles(t *testing.T) {
	files := synthFiles(t, 30)
	n, err := render.ValidateFiles(context.Background(), files, batchSettings)
	require.NoError(t, err)
	require.Equal(t, 30, n)
}
