package render

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Output is what one command writes under an output directory (`-o DIR`): files and
// whole directories, named relative to DIR. Commit writes all of it or nothing:
//
//   - Names are checked: relative, slash-separated elements, none empty, ".", ".." or
//     starting with "." (hidden names are gen's temporary files), no backslash or NUL.
//   - Every write goes through an os.Root opened on DIR, so nothing outside DIR is ever
//     created, replaced or followed. DIR itself may be a symbolic link (the caller named
//     it), but a symbolic link inside DIR on the way to a destination, or at it, is
//     refused with an error naming it, before anything is written.
//   - Each file is first written to a temporary file in its destination folder (so on
//     the same file system) and then renamed over the old one: a reader sees the old or
//     the new file, never a part of one. A directory is built beside the old one and
//     swapped in by two renames.
//   - Nothing is renamed into place before every temporary file is written; if a rename
//     fails, the renames done are undone from backups. On any error, or when ctx is done
//     before the renames start, DIR is left as it was and the temporary files are
//     removed. Once the renames start, ctx is no longer looked at.
type Output struct {
	entries []outEntry
}

type outEntry struct {
	name  string                 // slash path relative to DIR
	data  func() ([]byte, error) // a file's content, read when it is written
	files map[string][]byte      // a directory's files, relative slash paths
	isDir bool
}

// AddFile adds the file name (slash path relative to DIR), whose content data returns
// when the file is written (so large batches need not be held in memory).
func (o *Output) AddFile(name string, data func() ([]byte, error)) {
	o.entries = append(o.entries, outEntry{name: name, data: data})
}

// AddDir adds the directory name (slash path relative to DIR), replaced as a whole by
// one holding exactly files (slash paths relative to it).
func (o *Output) AddDir(name string, files map[string][]byte) {
	o.entries = append(o.entries, outEntry{name: name, files: files, isDir: true})
}

// Names are the names added, in order.
func (o *Output) Names() []string {
	names := make([]string, len(o.entries))
	for i, e := range o.entries {
		names[i] = e.name
	}
	return names
}

// CheckName is nil when name is a safe slash path relative to an output directory: see
// Output.
func CheckName(name string) error {
	if name == "" {
		return errors.New("empty output name")
	}
	if strings.ContainsAny(name, "\\\x00") || path.IsAbs(name) || filepath.IsAbs(name) {
		return fmt.Errorf("output name %q is not a relative slash path", name)
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == "" || strings.HasPrefix(elem, ".") {
			return fmt.Errorf("output name %q: element %q is empty or starts with a dot", name, elem)
		}
	}
	return nil
}

// checkInner checks a file name inside an added directory: like CheckName, but dot
// files (.helmignore) are allowed; "." and ".." are not.
func checkInner(name string) error {
	if name == "" || strings.ContainsAny(name, "\\\x00") || path.IsAbs(name) || !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("file name %q is not a relative slash path", name)
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return fmt.Errorf("file name %q has an empty, . or .. element", name)
		}
	}
	return nil
}

func (o *Output) check() error {
	names := make([]string, 0, len(o.entries))
	var errs []error
	for _, e := range o.entries {
		if err := CheckName(e.name); err != nil {
			errs = append(errs, err)
			continue
		}
		for f := range e.files {
			if err := checkInner(f); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", e.name, err))
			}
		}
		names = append(names, e.name)
	}
	slices.Sort(names)
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] || strings.HasPrefix(names[i], names[i-1]+"/") {
			errs = append(errs, fmt.Errorf("output %s is written twice", names[i]))
		}
	}
	return errors.Join(errs...)
}

// Commit writes everything added under dir, creating dir if needed: see Output.
func (o *Output) Commit(ctx context.Context, dir string) (err error) {
	if err := o.check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	made, err := makeDir(dir)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			unmakeDir(dir, made)
		}
	}()
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	c := &commit{root: root, dir: dir, ops: make([]op, len(o.entries))}
	for i, e := range o.entries {
		c.ops[i] = op{outEntry: e, rel: filepath.FromSlash(e.name)}
	}
	if err := c.preflight(); err != nil {
		return err
	}
	if err := c.stage(ctx); err != nil {
		return c.undo(err)
	}
	if ctx.Err() != nil {
		return c.undo(context.Cause(ctx))
	}
	if err := c.swap(); err != nil {
		return c.undo(err)
	}
	c.finish()
	return nil
}

// commit is one Output.Commit in progress.
type commit struct {
	root *os.Root
	dir  string
	ops  []op
	made []string // directories created inside dir, parents first
}

type op struct {
	outEntry
	rel     string // name with the OS separator
	existed bool
	tmp     string // the new file or directory, beside the destination
	backup  string // a file's old content (hard link or copy), a directory's old tree
	swapped bool
}

// errorf names the path under dir.
func (c *commit) errorf(rel, format string, args ...any) error {
	return fmt.Errorf("%s: %s", filepath.Join(c.dir, rel), fmt.Sprintf(format, args...))
}

const refused = "is a symbolic link; gen writes no files through symbolic links inside the output directory (nothing was written)"

// preflight checks every destination before anything is written: no symbolic link on
// the way or at the end, directories where directories go, files or nothing where files go.
func (c *commit) preflight() error {
	var errs []error
	for i := range c.ops {
		o := &c.ops[i]
		elems := strings.Split(o.rel, string(filepath.Separator))
		for k := 1; k <= len(elems); k++ {
			p := filepath.Join(elems[:k]...)
			fi, err := c.root.Lstat(p)
			if errors.Is(err, fs.ErrNotExist) {
				break
			}
			if err != nil {
				errs = append(errs, err)
				break
			}
			last := k == len(elems)
			switch mode := fi.Mode(); {
			case mode&fs.ModeSymlink != 0:
				errs = append(errs, c.errorf(p, refused))
			case !last && !mode.IsDir(), last && o.isDir && !mode.IsDir():
				errs = append(errs, c.errorf(p, "is not a directory (nothing was written)"))
			case last && !o.isDir && !mode.IsRegular():
				errs = append(errs, c.errorf(p, "is not a regular file (nothing was written)"))
			case last:
				o.existed = true
			}
			if mode := fi.Mode(); mode&fs.ModeSymlink != 0 || !mode.IsDir() {
				break
			}
		}
	}
	return errors.Join(errs...)
}

// sibling is a new hidden name beside rel: ".<base>.<kind>-<random>".
func sibling(rel, kind string) string {
	return filepath.Join(filepath.Dir(rel), "."+filepath.Base(rel)+"."+kind+"-"+strconv.FormatUint(rand.Uint64(), 36))
}

// stage creates the missing directories and writes every temporary file and backup.
func (c *commit) stage(ctx context.Context) error {
	for i := range c.ops {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		o := &c.ops[i]
		if err := c.mkdirs(filepath.Dir(o.rel)); err != nil {
			return err
		}
		if o.isDir {
			if err := c.writeTree(o); err != nil {
				return err
			}
			continue
		}
		data, err := o.data()
		if err != nil {
			return err
		}
		if o.tmp, err = c.create(o.rel, "tmp", data); err != nil {
			return err
		}
		if o.existed {
			o.backup = sibling(o.rel, "old")
			if err := c.root.Link(o.rel, o.backup); err != nil {
				// No hard links here: keep a copy.
				o.backup = ""
				old, err := c.root.ReadFile(o.rel)
				if err != nil {
					return err
				}
				if o.backup, err = c.create(o.rel, "old", old); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// mkdirs creates rel and its missing parents, remembering them for undo.
func (c *commit) mkdirs(rel string) error {
	if rel == "." {
		return nil
	}
	if err := c.mkdirs(filepath.Dir(rel)); err != nil {
		return err
	}
	err := c.root.Mkdir(rel, 0o755)
	if err == nil {
		c.made = append(c.made, rel)
		return nil
	}
	if fi, serr := c.root.Lstat(rel); serr == nil && fi.IsDir() {
		return nil
	} else if serr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return c.errorf(rel, refused)
	}
	return err
}

// create writes data to a new hidden file beside rel and returns its name.
func (c *commit) create(rel, kind string, data []byte) (string, error) {
	name := sibling(rel, kind)
	f, err := c.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		c.root.Remove(name)
		return "", c.errorf(rel, "writing: %v", err)
	}
	return name, nil
}

// writeTree builds a directory's new tree beside it.
func (c *commit) writeTree(o *op) error {
	o.tmp = sibling(o.rel, "tmp")
	if err := c.root.Mkdir(o.tmp, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(o.files))
	for f := range o.files {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		p := filepath.Join(o.tmp, filepath.FromSlash(f))
		if err := c.root.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := c.root.WriteFile(p, o.files[f], 0o644); err != nil {
			return c.errorf(filepath.Join(o.rel, f), "writing: %v", err)
		}
	}
	return nil
}

// renameHook, when set by a test, runs before each rename of swap and can fail it.
var renameHook func(rel string) error

// swap renames every new file and directory into place.
func (c *commit) swap() error {
	for i := range c.ops {
		o := &c.ops[i]
		if renameHook != nil {
			if err := renameHook(filepath.ToSlash(o.rel)); err != nil {
				return err
			}
		}
		if o.isDir && o.existed {
			o.backup = sibling(o.rel, "old")
			if err := c.root.Rename(o.rel, o.backup); err != nil {
				o.backup = ""
				return c.errorf(o.rel, "moving aside: %v", err)
			}
		}
		if err := c.root.Rename(o.tmp, o.rel); err != nil {
			if o.isDir && o.backup != "" {
				if rerr := c.root.Rename(o.backup, o.rel); rerr == nil {
					o.backup = ""
				}
			}
			return c.errorf(o.rel, "renaming into place: %v", err)
		}
		o.tmp = ""
		o.swapped = true
	}
	return nil
}

// undo puts back what swap replaced and removes every temporary file, backup and
// directory this commit made; err is what went wrong.
func (c *commit) undo(err error) error {
	var errs []error
	keep := func(e error) {
		if e != nil && !errors.Is(e, fs.ErrNotExist) {
			errs = append(errs, e)
		}
	}
	for i := len(c.ops) - 1; i >= 0; i-- {
		o := &c.ops[i]
		switch {
		case o.swapped && o.isDir:
			keep(c.root.RemoveAll(o.rel))
			if o.backup != "" {
				keep(c.root.Rename(o.backup, o.rel))
			}
		case o.isDir && o.backup != "": // moved aside, not replaced
			keep(c.root.Rename(o.backup, o.rel))
		case o.swapped && o.backup != "":
			keep(c.root.Rename(o.backup, o.rel))
		case o.swapped:
			keep(c.root.Remove(o.rel))
		case o.backup != "":
			keep(c.root.RemoveAll(o.backup))
		}
		if o.tmp != "" {
			keep(c.root.RemoveAll(o.tmp))
		}
	}
	for i := len(c.made) - 1; i >= 0; i-- {
		keep(c.root.Remove(c.made[i]))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w; restoring %s failed too: %w", err, c.dir, errors.Join(errs...))
	}
	return err
}

// finish removes the backups after a successful swap; a backup that cannot be removed
// is only left behind.
func (c *commit) finish() {
	for _, o := range c.ops {
		if o.backup != "" {
			c.root.RemoveAll(o.backup)
		}
	}
}

// makeDir creates dir and its missing parents and returns the topmost one it created
// ("" when dir existed).
func makeDir(dir string) (string, error) {
	dir = filepath.Clean(dir)
	missing := ""
	for p := dir; ; p = filepath.Dir(p) {
		_, err := os.Stat(p)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		missing = p
		if filepath.Dir(p) == p {
			break
		}
	}
	if missing == "" {
		return "", nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return missing, nil
}

// unmakeDir removes what makeDir created, as far as it is empty.
func unmakeDir(dir, made string) {
	if made == "" {
		return
	}
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		if os.Remove(p) != nil || p == made || filepath.Dir(p) == p {
			return
		}
	}
}

// JobName is where `-o DIR` puts a job's manifests, relative to DIR:
// <namespace>/<name>.yaml. Both are checked again (CheckName), though descriptors
// already are.
func JobName(j *Job) (string, error) {
	for _, elem := range []string{j.Namespace, j.Release} {
		if err := CheckName(elem); err != nil || strings.Contains(elem, "/") {
			return "", fmt.Errorf("%s: namespace/name %q/%q cannot name an output file", j.Doc.Path, j.Namespace, j.Release)
		}
	}
	return j.Namespace + "/" + j.Release + ".yaml", nil
}

// JobFile is where `-o DIR` puts a job's manifests: DIR/<namespace>/<name>.yaml.
func JobFile(dir string, j *Job) string {
	return filepath.Join(dir, j.Namespace, j.Release+".yaml")
}
