// Package diff compares the rendered manifests of two descriptor trees job by job, the
// way a reviewer or a release pipeline wants to see a change: which jobs were added,
// removed or changed. Traceability (git commit, descriptor digest) is left out, so a
// new commit alone, or an edited comment, is not a change.
package diff

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/jobcharts/jobcharts/pkg/render"
)

// Status of a job between the two trees.
type Status string

const (
	Added   Status = "added"
	Removed Status = "removed"
	Changed Status = "changed"
)

// Change of one job, identified by namespace/name.
type Change struct {
	Job    string
	Status Status
	// OldFile and NewFile are the descriptors on each side ("" when absent).
	OldFile, NewFile string
}

type rendered struct {
	file string
	sum  [32]byte
}

// untraced blanks the traceability values, which only become annotations.
func untraced(j *render.Job) {
	j.Values["traceability"] = map[string]any{"descriptorSha256": "", "gitCommit": ""}
}

// renderTree renders every descriptor under paths and keeps a digest per job; invalid
// descriptors are errors. A directory without descriptors has no jobs.
func renderTree(ctx context.Context, paths []string, s render.Settings) (map[string]rendered, error) {
	var files []string
	for _, p := range paths {
		f, err := render.ExpandPaths([]string{p})
		if errors.Is(err, render.ErrNoDescriptors) {
			continue
		}
		if err != nil {
			return nil, err
		}
		files = append(files, f...)
	}
	out := make(map[string]rendered, len(files))
	var errs []error
	err := render.Batch(ctx, files, s, render.BatchOptions{Render: true, Adjust: untraced}, func(r render.Result) error {
		if r.Err != nil {
			errs = append(errs, r.Err)
			return nil
		}
		out[r.Job.Namespace+"/"+r.Job.Release] = rendered{file: r.File, sum: sha256.Sum256(r.Output)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, errors.Join(errs...)
}

// Trees compares the jobs of two descriptor trees (files or directories). Changes come
// sorted by namespace/name.
func Trees(ctx context.Context, oldPaths, newPaths []string, s render.Settings) ([]Change, error) {
	oldJobs, oldErr := renderTree(ctx, oldPaths, s)
	newJobs, newErr := renderTree(ctx, newPaths, s)
	if err := errors.Join(oldErr, newErr); err != nil {
		return nil, err
	}
	var changes []Change
	for key, o := range oldJobs {
		n, ok := newJobs[key]
		switch {
		case !ok:
			changes = append(changes, Change{Job: key, Status: Removed, OldFile: o.file})
		case n.sum != o.sum:
			changes = append(changes, Change{Job: key, Status: Changed, OldFile: o.file, NewFile: n.file})
		}
	}
	for key, n := range newJobs {
		if _, ok := oldJobs[key]; !ok {
			changes = append(changes, Change{Job: key, Status: Added, NewFile: n.file})
		}
	}
	sort.Slice(changes, func(i, k int) bool { return changes[i].Job < changes[k].Job })
	return changes, nil
}

// manifests renders one descriptor without traceability ("" for none).
func manifests(file string, s render.Settings) (string, error) {
	if file == "" {
		return "", nil
	}
	j, err := render.Prepare(file, s)
	if err != nil {
		return "", err
	}
	untraced(j)
	ms, err := j.Render(s)
	if err != nil {
		return "", err
	}
	return string(render.Stream(ms)), nil
}

// Unified is the unified diff of a change's manifests, a/<ns>/<name>.yaml against
// b/<ns>/<name>.yaml.
func Unified(c Change, s render.Settings) (string, error) {
	a, err := manifests(c.OldFile, s)
	if err != nil {
		return "", err
	}
	b, err := manifests(c.NewFile, s)
	if err != nil {
		return "", err
	}
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(a), B: difflib.SplitLines(b),
		FromFile: "a/" + c.Job + ".yaml", ToFile: "b/" + c.Job + ".yaml", Context: 3,
	})
}

// Print writes the changes: "<status> <namespace>/<name>" per job and a summary, with
// detail a unified diff after each, or with namesOnly just the job per line.
func Print(w io.Writer, changes []Change, s render.Settings, detail, namesOnly bool) error {
	counts := map[Status]int{}
	for _, c := range changes {
		counts[c.Status]++
		if namesOnly {
			if _, err := fmt.Fprintln(w, c.Job); err != nil {
				return err
			}
			continue
		}
		if _, err := fmt.Fprintf(w, "%-8s %s\n", c.Status, c.Job); err != nil {
			return err
		}
		if detail {
			d, err := Unified(c, s)
			if err != nil {
				return err
			}
			if _, err := io.WriteString(w, d); err != nil {
				return err
			}
		}
	}
	if namesOnly {
		return nil
	}
	_, err := fmt.Fprintf(w, "%d added, %d removed, %d changed\n", counts[Added], counts[Removed], counts[Changed])
	return err
}

// GitTree extracts paths (relative to the working directory, default the whole
// checkout) as of rev into a new temporary directory with `git archive`, and returns
// the extracted paths and a cleanup function. A path missing at rev is left out (its
// jobs do not exist there); see GitTrees.
func GitTree(ctx context.Context, rev string, paths []string) ([]string, func(), error) {
	out, _, cleanup, err := gitTree(ctx, rev, paths)
	return out, cleanup, err
}

// GitTrees extracts paths as of oldRev and newRev (GitTree). A path missing at one
// revision is an empty tree there, so its jobs are added or removed; a path missing at
// both is an error.
func GitTrees(ctx context.Context, oldRev, newRev string, paths []string) (oldPaths, newPaths []string, cleanup func(), err error) {
	oldPaths, oldMissing, cleanOld, err := gitTree(ctx, oldRev, paths)
	if err != nil {
		return nil, nil, nil, err
	}
	newPaths, newMissing, cleanNew, err := gitTree(ctx, newRev, paths)
	if err != nil {
		cleanOld()
		return nil, nil, nil, err
	}
	cleanup = func() { cleanOld(); cleanNew() }
	var errs []error
	for i, p := range paths {
		if oldMissing[i] && newMissing[i] {
			errs = append(errs, fmt.Errorf("%s exists at neither %s nor %s", p, oldRev, newRev))
		}
	}
	if len(errs) > 0 {
		cleanup()
		return nil, nil, nil, errors.Join(errs...)
	}
	return oldPaths, newPaths, cleanup, nil
}

// gitTree is GitTree, also telling which of paths (by index) are missing at rev.
func gitTree(ctx context.Context, rev string, paths []string) ([]string, map[int]bool, func(), error) {
	topOut, err := git(ctx, "", "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, nil, nil, err
	}
	prefixOut, err := git(ctx, "", "rev-parse", "--show-prefix")
	if err != nil {
		return nil, nil, nil, err
	}
	top, prefix := strings.TrimSpace(string(topOut)), strings.TrimSpace(string(prefixOut))
	if len(paths) == 0 {
		paths = []string{"."}
	}
	rel := make([]string, len(paths))
	for i, p := range paths {
		if filepath.IsAbs(p) {
			r, err := filepath.Rel(top, p)
			if err != nil {
				return nil, nil, nil, err
			}
			p = r
		} else {
			p = filepath.Join(prefix, p)
		}
		if p == ".." || strings.HasPrefix(p, "../") {
			return nil, nil, nil, fmt.Errorf("%s is outside the git checkout %s", paths[i], top)
		}
		rel[i] = filepath.ToSlash(p)
	}
	if _, err := git(ctx, top, "rev-parse", "--verify", "-q", rev+"^{commit}"); err != nil {
		return nil, nil, nil, fmt.Errorf("--git: %q is not a commit", rev)
	}
	missing := map[int]bool{}
	var present []string
	for i, r := range rel {
		// `git archive` fails on a path the revision does not have.
		out, err := git(ctx, top, "ls-tree", "--name-only", rev, "--", r)
		if err != nil {
			return nil, nil, nil, err
		}
		if r != "." && len(bytes.TrimSpace(out)) == 0 {
			missing[i] = true
			continue
		}
		present = append(present, r)
	}
	dir, err := os.MkdirTemp("", "gen-diff-*")
	if err != nil {
		return nil, nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	if len(present) > 0 {
		archive, err := git(ctx, top, append([]string{"archive", "--format=tar", rev, "--"}, present...)...)
		if err != nil {
			cleanup()
			return nil, nil, nil, err
		}
		if err := untar(archive, dir); err != nil {
			cleanup()
			return nil, nil, nil, fmt.Errorf("extracting %s: %w", rev, err)
		}
	}
	out := make([]string, 0, len(present))
	for i, r := range rel {
		if !missing[i] {
			out = append(out, filepath.Join(dir, filepath.FromSlash(r)))
		}
	}
	return out, missing, cleanup, nil
}

func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// untar extracts regular files and directories, refusing paths that leave dir.
func untar(data []byte, dir string) error {
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(filepath.FromSlash(hdr.Name))
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return fmt.Errorf("unsafe path %q", hdr.Name)
		}
		p := filepath.Join(dir, name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}
