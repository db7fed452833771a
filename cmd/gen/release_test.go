package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestChartPackageIsReproducible(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		code, out, stderr := gen(t, "chart", "--package", "-o", dir, "--version", "1.4.0", "--git-commit", "0123456789abcdef", example)
		require.Equal(t, 0, code, stderr)
		require.Contains(t, out, "clickstream-enricher-1.4.0.tgz")
	}
	for _, name := range []string{"clickstream-enricher-1.4.0.tgz", "index.yaml"} {
		x, err := os.ReadFile(filepath.Join(a, name))
		require.NoError(t, err)
		y, err := os.ReadFile(filepath.Join(b, name))
		require.NoError(t, err)
		require.Equal(t, x, y, name)
	}
	index, err := os.ReadFile(filepath.Join(a, "index.yaml"))
	require.NoError(t, err)
	require.Contains(t, string(index), `created: "2023-11-14T22:13:20Z"`)

	code, _, stderr := gen(t, "chart", "-o", t.TempDir(), example)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "no chart version")
	code, _, stderr = gen(t, "chart", "-o", t.TempDir(), "--version", "v1", example)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "not a semantic version")
}

func TestChartDirectory(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := gen(t, "chart", "-o", dir, "--version", "1.0.0", example)
	require.Equal(t, 0, code, stderr)
	for _, f := range []string{"Chart.yaml", "values.yaml", "values.schema.json", "templates/_helpers.tpl"} {
		require.FileExists(t, filepath.Join(dir, "clickstream-enricher", f))
	}
}

func TestPushUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"push", "x.tgz"}, "--repo is required"},
		{[]string{"push", "--repo", "http://charts.example.com", "x.tgz"}, "plain HTTP"},
		{[]string{"push", "--repo", "oci://r.example.com/x", "--plain-http", "x.tgz"}, "loopback"},
		{[]string{"push", "--repo", "https://charts.example.com"}, "requires at least 1 arg"},
		{[]string{"push", "--repo", "https://charts.example.com", "--username", "u", "x.tgz"}, "unknown flag"},
	} {
		code, _, stderr := gen(t, c.args...)
		require.Equal(t, 2, code, "gen %v: %s", c.args, stderr)
		require.Contains(t, stderr, c.err)
	}
}

func TestDiffCommand(t *testing.T) {
	old, cur := t.TempDir(), t.TempDir()
	src, err := os.ReadFile(example)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(old, "job.yaml"), src, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(cur, "job.yaml"), []byte(strings.Replace(string(src), "parallelism: 8", "parallelism: 6", 1)), 0o644))

	code, out, stderr := gen(t, "diff", "--names-only", old, cur)
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "streaming/clickstream-enricher\n", out)
	code, out, _ = gen(t, "diff", old, old)
	require.Equal(t, 0, code)
	require.Equal(t, "0 added, 0 removed, 0 changed\n", out)
	code, _, _ = gen(t, "diff", "--detail", "--names-only", old, cur)
	require.Equal(t, 2, code)
	code, _, _ = gen(t, "diff", old)
	require.Equal(t, 2, code)
	require.NoError(t, os.WriteFile(filepath.Join(cur, "bad.yaml"), []byte("kind: FlinkJob\n"), 0o644))
	code, _, stderr = gen(t, "diff", old, cur)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "bad.yaml:1:1")
}

func TestRenderStreamsGoodJobsAndFailsAtTheEnd(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("kind: FlinkJob\n"), 0o644))
	code, out, stderr := gen(t, "render", "--git-commit", "0123456789abcdef", bad, example)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "bad.yaml:1:1")
	_, want, _ := gen(t, "render", "--git-commit", "0123456789abcdef", example)
	require.Equal(t, want, out, "stdout streams every job that renders")
	_, _, once := gen(t, "validate", bad)
	code, out, stderr = gen(t, "validate", bad, example, bad)
	require.Equal(t, 1, code)
	require.Equal(t, 2*strings.Count(once, "bad.yaml:1:1"), strings.Count(stderr, "bad.yaml:1:1"), "every problem of every file")
	require.Empty(t, out)
}
