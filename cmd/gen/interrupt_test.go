package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// buildGen builds the gen binary into a temporary directory.
func buildGen(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gen")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// manyDescriptors writes n valid FlinkJob descriptors, spread over a few namespaces.
func manyDescriptors(t *testing.T, n int) string {
	t.Helper()
	src, err := os.ReadFile("../../pkg/descriptor/testdata/valid-flinkjob.yaml")
	require.NoError(t, err)
	dir := t.TempDir()
	for i := range n {
		d := strings.Replace(string(src), "name: clickstream-enricher\n", fmt.Sprintf("name: job-%04d\n", i), 1)
		d = strings.Replace(d, "namespace: streaming\n", fmt.Sprintf("namespace: team-%d\n", i%4), 1)
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("job-%04d.yaml", i)), []byte(d), 0o644))
	}
	return dir
}

// tree is every entry under dir, files by content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			m[rel] = "dir"
			return nil
		}
		data, err := os.ReadFile(p)
		m[rel] = string(data)
		return err
	}))
	return m
}

// TestInterruptLeavesOutputDirUnchanged starts a real `gen render -o DIR` over a few
// hundred descriptors, signals it once its staging directory exists (mid-batch), and
// checks the exit code, that DIR is byte for byte as before, and that no staging or
// temporary file is left beside or in DIR.
func TestInterruptLeavesOutputDirUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gen and renders hundreds of jobs")
	}
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT/SIGTERM delivery to a child on Windows")
	}
	bin := buildGen(t)
	jobs := manyDescriptors(t, 300)

	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(c.sig.String(), func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "rendered")
			require.NoError(t, os.MkdirAll(filepath.Join(out, "team-1"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(out, "team-1", "job-0001.yaml"), []byte("previous\n"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(out, "README"), []byte("not gen's\n"), 0o644))
			before := tree(t, out)

			cmd := exec.Command(bin, "render", "-o", out, "--git-commit", "0123456789abcdef", jobs)
			// One worker keeps the batch long enough to be caught mid-way on any machine.
			cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()

			staging := func() []string {
				m, _ := filepath.Glob(filepath.Join(parent, ".gen-render-*"))
				return m
			}
			deadline := time.After(2 * time.Minute)
		wait:
			for {
				select {
				case err := <-done:
					t.Fatalf("gen finished before its staging directory was seen: %v\n%s", err, stderr.String())
				case <-deadline:
					cmd.Process.Kill()
					t.Fatal("no staging directory after 2 minutes")
				case <-time.After(2 * time.Millisecond):
					if len(staging()) > 0 {
						break wait
					}
				}
			}
			require.NoError(t, cmd.Process.Signal(c.sig))
			var err error
			select {
			case err = <-done:
			case <-time.After(2 * time.Minute):
				cmd.Process.Kill()
				t.Fatal("gen did not stop within 2 minutes of the signal")
			}
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "gen must fail when interrupted: %v\n%s", err, stderr.String())
			require.Equal(t, c.code, exit.ExitCode(), stderr.String())
			require.Contains(t, stderr.String(), "interrupted by "+map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[c.sig])
			require.Contains(t, stderr.String(), out+" is left as it was")

			require.Equal(t, before, tree(t, out), "DIR is byte for byte as it was")
			require.Empty(t, staging(), "staging directory removed")
			entries, err := os.ReadDir(parent)
			require.NoError(t, err)
			require.Len(t, entries, 1, "nothing but DIR beside DIR")
		})
	}
}
