package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func gen(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

const example = "../../examples/clickstream-enricher.yaml"

func TestRenderIsByteIdenticalAcrossRuns(t *testing.T) {
	code, first, stderr := gen(t, "render", "--git-commit", "0123456789abcdef", example)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, first, "kind: Deployment")
	for range 3 {
		_, again, _ := gen(t, "render", "--git-commit", "0123456789abcdef", example)
		require.Equal(t, first, again)
	}
}

func TestExitCodes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nmetadata:\n  name: Bad_Name\nspec:\n  flinkVersion: \"1.9\"\n"), 0o644))
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"validate", example}, 0, ""},
		{[]string{"validate", bad}, 1, "bad.yaml:4:9: metadata.name:"},
		{[]string{"validate", bad}, 1, "bad.yaml:6:17: spec.flinkVersion:"},
		{[]string{"render", "missing.yaml"}, 1, "missing.yaml"},
		{[]string{"render"}, 2, "requires at least 1 arg"},
		{[]string{"render", "--no-such-flag", example}, 2, "unknown flag"},
		{[]string{"render", "--kube-version", "banana", example}, 2, "--kube-version"},
		{[]string{"values", example, example}, 2, "accepts 1 arg"},
		{[]string{"schema"}, 0, ""},
		{[]string{"version"}, 0, ""},
	} {
		code, _, stderr := gen(t, c.args...)
		require.Equal(t, c.code, code, "gen %v: %s", c.args, stderr)
		require.Contains(t, stderr, c.err, "gen %v", c.args)
	}
}

func TestOutputDirNothingWrittenOnError(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("kind: FlinkJob\n"), 0o644))
	code, _, stderr := gen(t, "render", "-o", dir, example, bad)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "bad.yaml:1:1")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "a failed render must not write anything")

	code, _, stderr = gen(t, "render", "-o", dir, "--git-commit", "0123456789abcdef", example)
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(filepath.Join(dir, "streaming", "clickstream-enricher.yaml"))
	require.NoError(t, err)
	_, stdout, _ := gen(t, "render", "--git-commit", "0123456789abcdef", example)
	require.Equal(t, stdout, string(data), "-o writes what stdout would get")
}

func TestValuesAndSchema(t *testing.T) {
	code, out, stderr := gen(t, "values", "--git-commit", "0123456789abcdef", example)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "gitCommit: 0123456789abcdef")
	require.True(t, strings.HasPrefix(out, "checkpointing:"), "values are sorted by key")
	code, out, _ = gen(t, "schema")
	require.Equal(t, 0, code)
	require.Contains(t, out, `"$schema": "http://json-schema.org/draft-07/schema#"`)
}
