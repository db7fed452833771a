package jobchart

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/repo"
	"sigs.k8s.io/yaml"
)

// Package writes the chart as a gzipped tar, reproducibly: entries NAME/<file> sorted by
// name, regular files only, mode 0644, uid/gid 0 without user or group names, every
// mtime c.Time; the gzip header carries no name and no time. Helm v3's own
// chartutil.Save stamps time.Now() and is not reproducible.
func (c *Chart) Package() ([]byte, error) {
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	gz.Header = gzip.Header{OS: 255} // no Name, no ModTime; OS "unknown" as Go always writes
	tw := tar.NewWriter(gz)
	files := append([]File(nil), c.Files...)
	sort.Slice(files, func(i, k int) bool { return files[i].Name < files[k].Name })
	for _, f := range files {
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     path.Join(c.Name(), f.Name),
			Mode:     0o644,
			Size:     int64(len(f.Data)),
			ModTime:  c.Time,
			Format:   tar.FormatPAX,
		}
		if len(hdr.Name) < 100 {
			hdr.Format = tar.FormatUSTAR
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("packaging %s: %w", hdr.Name, err)
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReproducibleTime is the time stamped into packages and index files:
// SOURCE_DATE_EPOCH when set, else the committer time of commit in the git checkout
// holding dir, else the Unix epoch (1970-01-01T00:00:00Z).
func ReproducibleTime(dir, commit string) (time.Time, error) {
	if s, ok := os.LookupEnv("SOURCE_DATE_EPOCH"); ok && s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil || sec < 0 {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a non-negative number of seconds", s)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	if commit != "" {
		out, err := exec.Command("git", "-C", dir, "show", "-s", "--format=%ct", commit+"^{commit}").Output()
		if sec, perr := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil && perr == nil {
			return time.Unix(sec, 0).UTC(), nil
		}
	}
	return time.Unix(0, 0).UTC(), nil
}

// ReadPackage reads a chart package's Chart.yaml and the mtime of its entry (the time
// Package stamped).
func ReadPackage(data []byte) (*chart.Metadata, time.Time, error) { return archiveInfo(data) }

// archiveInfo reads a chart package's Chart.yaml and the mtime of its entry.
func archiveInfo(data []byte) (*chart.Metadata, time.Time, error) {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, time.Time{}, err
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, time.Time{}, errors.New("no Chart.yaml in the archive")
		}
		if err != nil {
			return nil, time.Time{}, err
		}
		parts := strings.Split(hdr.Name, "/")
		if len(parts) != 2 || parts[1] != "Chart.yaml" {
			continue
		}
		raw, err := io.ReadAll(io.LimitReader(tr, 1<<20))
		if err != nil {
			return nil, time.Time{}, err
		}
		var md chart.Metadata
		if err := yaml.Unmarshal(raw, &md); err != nil {
			return nil, time.Time{}, fmt.Errorf("Chart.yaml: %w", err)
		}
		return &md, hdr.ModTime.UTC(), nil
	}
}

// Index builds index.yaml for the chart packages (*.tgz) directly in dir, as `helm repo
// index` does but reproducibly: each entry's created time is the mtime of its
// Chart.yaml inside the archive, generated is the latest of them, entries are sorted.
func Index(dir, baseURL string) ([]byte, error) {
	pkgs, err := readPackages(dir)
	if err != nil {
		return nil, err
	}
	return index(pkgs, baseURL)
}

// readPackages reads the *.tgz files directly in dir, through an os.Root: a symbolic
// link leading out of dir is an error. A missing dir has none.
func readPackages(dir string) (map[string][]byte, error) {
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string][]byte{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer root.Close()
	names, err := fs.Glob(root.FS(), "*.tgz")
	if err != nil {
		return nil, err
	}
	pkgs := make(map[string][]byte, len(names))
	for _, name := range names {
		data, err := root.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("indexing %s: %w", filepath.Join(dir, name), err)
		}
		pkgs[name] = data
	}
	return pkgs, nil
}

// index is the index.yaml of packages (file name -> content).
func index(pkgs map[string][]byte, baseURL string) ([]byte, error) {
	names := make([]string, 0, len(pkgs))
	for name := range pkgs {
		names = append(names, name)
	}
	sort.Strings(names)
	idx := repo.NewIndexFile()
	idx.Generated = time.Unix(0, 0).UTC()
	for _, name := range names {
		data := pkgs[name]
		md, created, err := archiveInfo(data)
		if err != nil {
			return nil, fmt.Errorf("indexing %s: %w", name, err)
		}
		sum := sha256.Sum256(data)
		if err := idx.MustAdd(md, name, baseURL, hex.EncodeToString(sum[:])); err != nil {
			return nil, fmt.Errorf("indexing %s: %w", name, err)
		}
		versions := idx.Entries[md.Name]
		versions[len(versions)-1].Created = created // MustAdd stamps time.Now()
		if created.After(idx.Generated) {
			idx.Generated = created
		}
	}
	idx.SortEntries()
	return yaml.Marshal(idx)
}
