package diff_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jobcharts/jobcharts/bench/synth"
	"github.com/jobcharts/jobcharts/pkg/diff"
	"github.com/jobcharts/jobcharts/pkg/render"
)

var settings = render.Settings{KubeVersion: render.DefaultKubeVersion}

func write(t *testing.T, dir, ns, name, content string) {
	t.Helper()
	p := filepath.Join(dir, ns, name+".yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}

// trees makes OLD with jobs 0..5 and NEW with job 0 removed, job 1 changed (parallelism),
// job 2 only re-commented, job 6 added.
func trees(t *testing.T, oldDir, newDir string) (removed, changed, added string) {
	t.Helper()
	for i := range 6 {
		name, ns, y := synth.Flink(i)
		write(t, oldDir, ns, name, y)
		switch i {
		case 0:
			removed = ns + "/" + name
		case 1:
			changed = ns + "/" + name
			y = strings.Replace(y, "parallelism: 4", "parallelism: 3", 1)
			require.Contains(t, y, "parallelism: 3")
			write(t, newDir, ns, name, y)
		case 2:
			write(t, newDir, ns, name, "# reviewed again\n"+y)
		default:
			write(t, newDir, ns, name, y)
		}
	}
	name, ns, y := synth.Flink(6)
	write(t, newDir, ns, name, y)
	return removed, changed, ns + "/" + name
}

func TestTrees(t *testing.T) {
	oldDir, newDir := t.TempDir(), t.TempDir()
	removed, changed, added := trees(t, oldDir, newDir)
	changes, err := diff.Trees(context.Background(), []string{oldDir}, []string{newDir}, settings)
	require.NoError(t, err)
	got := map[string]diff.Status{}
	for _, c := range changes {
		got[c.Job] = c.Status
	}
	require.Equal(t, map[string]diff.Status{removed: diff.Removed, changed: diff.Changed, added: diff.Added}, got,
		"an edited comment changes the descriptor digest but not the job")

	var out bytes.Buffer
	require.NoError(t, diff.Print(&out, changes, settings, false, true))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 3)
	require.IsIncreasing(t, lines)

	out.Reset()
	require.NoError(t, diff.Print(&out, changes, settings, true, false))
	require.Contains(t, out.String(), "changed  "+changed+"\n--- a/"+changed+".yaml\n+++ b/"+changed+".yaml\n")
	require.Contains(t, out.String(), "-    parallelism.default: 4")
	require.Contains(t, out.String(), "+    parallelism.default: 3")
	require.Contains(t, out.String(), "1 added, 1 removed, 1 changed\n")
	require.NotContains(t, out.String(), "jobcharts.io/git-commit")
}

func TestTreesInvalidInput(t *testing.T) {
	oldDir, newDir := t.TempDir(), t.TempDir()
	trees(t, oldDir, newDir)
	write(t, newDir, "x", "broken", "kind: FlinkJob\n")
	_, err := diff.Trees(context.Background(), []string{oldDir}, []string{newDir}, settings)
	require.ErrorContains(t, err, "broken.yaml:1:1")
}

// gitIn returns a function running git with its arguments in repo, as a fixed author.
func gitIn(t *testing.T, repo string) func(args ...string) {
	return func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
	}
}

func TestGitTree(t *testing.T) {
	repo := t.TempDir()
	run := gitIn(t, repo)
	jobs := filepath.Join(repo, "jobs")
	oldDir, newDir := filepath.Join(t.TempDir(), "old"), filepath.Join(t.TempDir(), "new")
	removed, changed, added := trees(t, oldDir, newDir)
	run("init", "-q")
	require.NoError(t, os.Rename(oldDir, jobs))
	run("add", ".")
	run("commit", "-qm", "v1")
	run("tag", "v1")
	require.NoError(t, os.RemoveAll(jobs))
	require.NoError(t, os.Rename(newDir, jobs))
	run("add", "-A")
	run("commit", "-qm", "v2")

	t.Chdir(jobs) // paths are relative to the working directory, as on the command line
	oldPaths, cleanOld, err := diff.GitTree(context.Background(), "v1", []string{"."})
	require.NoError(t, err)
	defer cleanOld()
	newPaths, cleanNew, err := diff.GitTree(context.Background(), "HEAD", []string{"."})
	require.NoError(t, err)
	defer cleanNew()
	changes, err := diff.Trees(context.Background(), oldPaths, newPaths, settings)
	require.NoError(t, err)
	var got []string
	for _, c := range changes {
		got = append(got, string(c.Status)+" "+c.Job)
	}
	require.ElementsMatch(t, []string{"removed " + removed, "changed " + changed, "added " + added}, got)

	_, _, err = diff.GitTree(context.Background(), "no-such-rev", nil)
	require.ErrorContains(t, err, "is not a commit")
}

// A path missing at one revision is an empty tree there: its jobs are added or removed.
func TestGitTreesPathMissingAtOneRevision(t *testing.T) {
	repo := t.TempDir()
	run := gitIn(t, repo)
	run("init", "-q")
	name0, ns0, y0 := synth.Flink(0)
	name1, ns1, y1 := synth.Flink(1)
	name2, ns2, y2 := synth.Flink(2)
	write(t, filepath.Join(repo, "old"), ns0, name0, y0) // old/<ns>/<name>.yaml, removed in v2
	write(t, filepath.Join(repo, "kept"), ns2, name2, y2)
	run("add", ".")
	run("commit", "-qm", "v1")
	require.NoError(t, os.RemoveAll(filepath.Join(repo, "old")))
	write(t, filepath.Join(repo, "new"), ns1, name1, y1) // added in v2
	require.NoError(t, os.WriteFile(filepath.Join(repo, "kept", "README"), []byte("jobs moved\n"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(repo, "kept", ns2, name2+".yaml")))
	run("add", "-A")
	run("commit", "-qm", "v2")
	t.Chdir(repo)

	oldPaths, newPaths, cleanup, err := diff.GitTrees(context.Background(), "HEAD~1", "HEAD", []string{"old", "new/" + ns1 + "/" + name1 + ".yaml", "kept"})
	require.NoError(t, err)
	defer cleanup()
	require.Len(t, oldPaths, 2)
	require.Len(t, newPaths, 2)
	changes, err := diff.Trees(context.Background(), oldPaths, newPaths, settings)
	require.NoError(t, err)
	var got []string
	for _, c := range changes {
		got = append(got, string(c.Status)+" "+c.Job)
	}
	require.ElementsMatch(t, []string{"removed " + ns0 + "/" + name0, "added " + ns1 + "/" + name1, "removed " + ns2 + "/" + name2}, got,
		"a directory without descriptors at one revision has no jobs there")

	_, _, _, err = diff.GitTrees(context.Background(), "HEAD~1", "HEAD", []string{"old", "nowhere"})
	require.ErrorContains(t, err, "nowhere exists at neither HEAD~1 nor HEAD")
}
