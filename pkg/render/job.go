package render

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/pflag"
	"sigs.k8s.io/yaml"

	"github.com/jobcharts/jobcharts/pkg/descriptor"
)

// Settings shared by the commands that read descriptors.
type Settings struct {
	// KubeVersion pins .Capabilities.KubeVersion.
	KubeVersion string
	// GitCommit overrides the commit read from the descriptor's git checkout.
	GitCommit string
	// RequireDigest refuses images not pinned by digest, whatever the descriptors say.
	RequireDigest bool
}

// AddFlags binds the settings to command-line flags.
func (s *Settings) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&s.KubeVersion, "kube-version", DefaultKubeVersion, "Kubernetes version the templates see (.Capabilities.KubeVersion)")
	fs.StringVar(&s.GitCommit, "git-commit", "", "commit recorded in the jobcharts.io/git-commit annotation (default: read from the descriptor's git checkout)")
	fs.BoolVar(&s.RequireDigest, "require-digest", false, "refuse images that are not pinned by @sha256 digest")
}

// Validate checks the settings themselves (usage errors).
func (s *Settings) Validate() error {
	if _, err := capabilities(s.KubeVersion); err != nil {
		return err
	}
	if s.GitCommit != "" && !isHex(s.GitCommit) {
		return fmt.Errorf("--git-commit %q is not a hex commit id", s.GitCommit)
	}
	return nil
}

// Job is one validated descriptor with the chart and values that render it.
type Job struct {
	Doc       *descriptor.Document
	Chart     string
	Release   string
	Namespace string
	Values    map[string]any
}

// Prepare loads, validates and derives values for one descriptor file. Input
// problems come back as a descriptor.ErrorList.
func Prepare(path string, s Settings) (*Job, error) {
	doc, err := descriptor.Check(path, descriptor.Options{RequireDigest: s.RequireDigest})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(doc.Data)
	trace := Traceability{DescriptorSha256: hex.EncodeToString(sum[:]), GitCommit: s.GitCommit}
	if trace.GitCommit == "" {
		trace.GitCommit = gitCommit(filepath.Dir(path))
	}
	switch doc.Kind {
	case descriptor.KindFlinkJob:
		f := doc.Flink
		values, err := FlinkValues(f, trace)
		if err != nil {
			return nil, descriptor.ErrorList{{File: path, Line: 1, Column: 1, Message: err.Error()}}
		}
		return &Job{Doc: doc, Chart: "flink-job", Release: f.Metadata.Name, Namespace: f.Metadata.NamespaceOrDefault(), Values: values}, nil
	case descriptor.KindSparkApp:
		a := doc.Spark
		values, err := SparkValues(a, trace)
		if err != nil {
			return nil, descriptor.ErrorList{{File: path, Line: 1, Column: 1, Message: err.Error()}}
		}
		return &Job{Doc: doc, Chart: "spark-app", Release: a.Metadata.Name, Namespace: a.Metadata.NamespaceOrDefault(), Values: values}, nil
	default:
		return nil, fmt.Errorf("%s: kind %s has no chart yet", path, doc.Kind)
	}
}

// ValuesYAML is the job's values as the `-f` file `helm install` would get.
func (j *Job) ValuesYAML() ([]byte, error) {
	return yaml.Marshal(j.Values)
}

// Render renders the job's manifests with its embedded chart.
func (j *Job) Render(s Settings) ([]Manifest, error) {
	ch, err := LoadChart(j.Chart)
	if err != nil {
		return nil, err
	}
	ms, err := Render(ch, j.Values, Options{ReleaseName: j.Release, Namespace: j.Namespace, KubeVersion: s.KubeVersion})
	if err != nil {
		return nil, fmt.Errorf("%s: rendering chart %s: %w", j.Doc.Path, j.Chart, err)
	}
	return ms, nil
}

// ErrNoDescriptors is the error of ExpandPaths for a directory without descriptors.
var ErrNoDescriptors = errors.New("no *.yaml or *.yml descriptors in this directory")

// ExpandPaths turns files and directories into the sorted list of descriptor files:
// a directory contributes every *.yaml and *.yml below it.
func ExpandPaths(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: %w", p, ErrNoDescriptors)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

// PrepareAll prepares every file, concurrently, and reports every problem of every file
// in input order. It stops early when ctx is done.
func PrepareAll(ctx context.Context, files []string, s Settings) ([]*Job, error) {
	jobs := make([]*Job, 0, len(files))
	var errs []error
	err := Batch(ctx, files, s, BatchOptions{}, func(r Result) error {
		if r.Err != nil {
			errs = append(errs, r.Err)
		} else {
			jobs = append(jobs, r.Job)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, errors.Join(errs...)
}

var gitCommits sync.Map // checkout root (or dir, with GIT_DIR set) -> func() string

// gitCommit is the HEAD commit of the checkout holding dir, "" outside one. Git runs
// once per checkout, not per folder: the checkout is found by looking for .git upwards,
// so a batch outside any checkout runs no git at all.
func gitCommit(dir string) string {
	key := dir
	if os.Getenv("GIT_DIR") == "" {
		key = checkoutRoot(dir)
		if key == "" {
			return ""
		}
	}
	f, _ := gitCommits.LoadOrStore(key, sync.OnceValue(func() string {
		out, err := exec.Command("git", "-C", key, "rev-parse", "--verify", "-q", "HEAD").Output()
		commit := strings.TrimSpace(string(out))
		if err != nil || !isHex(commit) {
			return ""
		}
		return commit
	}))
	return f.(func() string)()
}

// checkoutRoot is the nearest folder at or above dir with a .git entry (a folder, or
// the file of a worktree or submodule), "" if there is none.
func checkoutRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Lstat(filepath.Join(abs, ".git")); err == nil {
			return abs
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return ""
		}
		abs = parent
	}
}

func isHex(s string) bool {
	if len(s) < 7 || len(s) > 64 {
		return false
	}
	_, err := hex.DecodeString(s + strings.Repeat("0", len(s)%2))
	return err == nil
}

// RenderPaths renders every descriptor under paths on GOMAXPROCS workers. With outDir
// empty it streams to out in input order as jobs are rendered; a failing job is left
// out, the others are still written, and every problem is returned at the end. With
// outDir it writes one file per job, and nothing unless every descriptor renders (see
// Output). It stops when ctx is done; with outDir, outDir is then left as it was.
func RenderPaths(ctx context.Context, paths []string, s Settings, outDir string, out io.Writer) error {
	files, err := ExpandPaths(paths)
	if err != nil {
		return err
	}
	if outDir == "" {
		return renderStream(ctx, files, s, out)
	}
	return renderDir(ctx, files, s, outDir)
}
