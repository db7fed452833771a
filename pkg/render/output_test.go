package render_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jobcharts/jobcharts/pkg/render"
)

// snapshot is every entry under dir: files by content, symbolic links by target,
// directories as "dir".
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			tree[rel] = "-> " + target
			return err
		case d.IsDir():
			tree[rel] = "dir"
		default:
			data, err := os.ReadFile(p)
			tree[rel] = string(data)
			return err
		}
		return nil
	})
	require.NoError(t, err)
	return tree
}

func writeTestFile(t *testing.T, p, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}

func constData(s string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(s), nil }
}

func TestRenderDirLeavesDirUnchangedOnError(t *testing.T) {
	files := synthFiles(t, 12)
	out := filepath.Join(t.TempDir(), "out")
	require.NoError(t, render.RenderPaths(context.Background(), files[:6], batchSettings, out, nil))
	writeTestFile(t, filepath.Join(out, "keep.txt"), "not ours\n")
	j, err := render.Prepare(files[0], batchSettings)
	require.NoError(t, err)
	writeTestFile(t, render.JobFile(out, j), "hand-edited\n")
	before := snapshot(t, out)
	require.Greater(t, len(before), 6)

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	writeTestFile(t, bad, "kind: FlinkJob\n")
	err = render.RenderPaths(context.Background(), append(files, bad), batchSettings, out, nil)
	require.ErrorContains(t, err, "bad.yaml")
	require.Equal(t, before, snapshot(t, out), "a failed render leaves DIR byte for byte as it was")
	siblings, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	require.Len(t, siblings, 1, "no staging directory left beside DIR")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = render.RenderPaths(ctx, files, batchSettings, out, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, out+" is left as it was")
	require.Equal(t, before, snapshot(t, out))

	require.NoError(t, render.RenderPaths(context.Background(), files, batchSettings, out, nil))
	after := snapshot(t, out)
	require.Equal(t, "not ours\n", after["keep.txt"], "files gen does not write are kept")
	require.NotEqual(t, "hand-edited\n", after[filepath.Join(j.Namespace, j.Release+".yaml")])
	for name := range after {
		require.False(t, name != "." && strings.HasPrefix(filepath.Base(name), "."), "temporary file %s left in DIR", name)
	}
}

func TestRenderDirRefusesSymlinks(t *testing.T) {
	files := synthFiles(t, 4)
	j, err := render.Prepare(files[0], batchSettings)
	require.NoError(t, err)
	outside := t.TempDir()
	writeTestFile(t, filepath.Join(outside, "passwd"), "root:x:0:0\n")
	outsideBefore := snapshot(t, outside)

	for name, plant := range map[string]func(out string){
		"namespace directory to outside": func(out string) {
			require.NoError(t, os.Symlink(outside, filepath.Join(out, j.Namespace)))
		},
		"namespace directory inside DIR": func(out string) {
			require.NoError(t, os.Mkdir(filepath.Join(out, "real"), 0o755))
			require.NoError(t, os.Symlink("real", filepath.Join(out, j.Namespace)))
		},
		"job file to outside": func(out string) {
			require.NoError(t, os.Mkdir(filepath.Join(out, j.Namespace), 0o755))
			require.NoError(t, os.Symlink(filepath.Join(outside, "passwd"), render.JobFile(out, j)))
		},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			require.NoError(t, os.Mkdir(out, 0o755))
			writeTestFile(t, filepath.Join(out, "keep.txt"), "kept\n")
			plant(out)
			before := snapshot(t, out)
			err := render.RenderPaths(context.Background(), files, batchSettings, out, nil)
			require.Error(t, err)
			require.Contains(t, err.Error(), "is a symbolic link")
			require.Contains(t, err.Error(), "nothing was written")
			require.True(t, strings.Contains(err.Error(), filepath.Join(out, j.Namespace)+":") ||
				strings.Contains(err.Error(), render.JobFile(out, j)+":"), "names the link: %v", err)
			require.Equal(t, before, snapshot(t, out), "nothing written")
			require.Equal(t, outsideBefore, snapshot(t, outside), "nothing written outside DIR")
		})
	}

	t.Run("DIR itself may be a link", func(t *testing.T) {
		real := t.TempDir()
		out := filepath.Join(t.TempDir(), "out")
		require.NoError(t, os.Symlink(real, out))
		require.NoError(t, render.RenderPaths(context.Background(), files, batchSettings, out, nil))
		require.FileExists(t, render.JobFile(real, j))
	})
}

func TestOutputNames(t *testing.T) {
	for _, name := range []string{"", "/etc/passwd", "../x", "a/../b", "a/./b", "a//b", ".hidden", "a/.b", `a\b`, "a/", "a\x00b", ".."} {
		require.Error(t, render.CheckName(name), "%q", name)
		var o render.Output
		o.AddFile(name, constData("x"))
		dir := t.TempDir()
		require.Error(t, o.Commit(context.Background(), dir), "%q", name)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.Empty(t, entries)
	}
	for _, name := range []string{"a", "ns/job.yaml", "a-b.c/d_e.tgz"} {
		require.NoError(t, render.CheckName(name), "%q", name)
	}
	var o render.Output
	o.AddDir("chart", map[string][]byte{"../escape": []byte("x")})
	require.ErrorContains(t, o.Commit(context.Background(), t.TempDir()), "not a relative slash path")
	o = render.Output{}
	o.AddFile("a/b", constData("x"))
	o.AddFile("a/b", constData("y"))
	require.ErrorContains(t, o.Commit(context.Background(), t.TempDir()), "written twice")
}

func TestOutputReplacesFilesAndDirectories(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "out")
	var o render.Output
	o.AddFile("ns/job.yaml", constData("v1\n"))
	o.AddDir("chart", map[string][]byte{"Chart.yaml": []byte("name: chart\n"), "templates/x.yaml": []byte("x\n"), ".helmignore": []byte("*.bak\n")})
	require.NoError(t, o.Commit(context.Background(), dir))
	require.Equal(t, map[string]string{".": "dir", "ns": "dir", "ns/job.yaml": "v1\n", "chart": "dir", "chart/Chart.yaml": "name: chart\n",
		"chart/templates": "dir", "chart/templates/x.yaml": "x\n", "chart/.helmignore": "*.bak\n"}, snapshot(t, dir))
	fi, err := os.Stat(filepath.Join(dir, "ns", "job.yaml"))
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o644), fi.Mode().Perm()&^0o022)

	o = render.Output{}
	o.AddFile("ns/job.yaml", constData("v2\n"))
	o.AddDir("chart", map[string][]byte{"Chart.yaml": []byte("name: chart\nversion: 2\n")})
	require.NoError(t, o.Commit(context.Background(), dir))
	require.Equal(t, map[string]string{".": "dir", "ns": "dir", "ns/job.yaml": "v2\n", "chart": "dir", "chart/Chart.yaml": "name: chart\nversion: 2\n"},
		snapshot(t, dir), "a directory is replaced as a whole; no temporary or backup files are left")

	// A directory where a file goes, and the reverse, are errors before anything is written.
	before := snapshot(t, dir)
	o = render.Output{}
	o.AddFile("ok.yaml", constData("x"))
	o.AddFile("chart", constData("x"))
	o.AddDir("ns/job.yaml", nil)
	err = o.Commit(context.Background(), dir)
	require.ErrorContains(t, err, filepath.Join(dir, "chart")+": is not a regular file")
	require.ErrorContains(t, err, filepath.Join(dir, "ns", "job.yaml")+": is not a directory")
	require.Equal(t, before, snapshot(t, dir))

	// A failure when DIR did not exist leaves no DIR behind.
	fresh := filepath.Join(t.TempDir(), "x", "y")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, o.Commit(ctx, fresh), context.Canceled)
	_, err = os.Stat(filepath.Dir(fresh))
	require.ErrorIs(t, err, fs.ErrNotExist)
}
