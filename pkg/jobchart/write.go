package jobchart

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/jobcharts/jobcharts/pkg/render"
)

// WriteOptions of `gen chart`.
type WriteOptions struct {
	Options
	// OutDir receives the charts (DIR/NAME/) or the packages and index.yaml.
	OutDir string
	// Package writes NAME-VERSION.tgz and index.yaml instead of chart directories.
	Package bool
	// URL is the base URL of the chart repository written into index.yaml.
	URL string
}

// AddFlags binds the options to command-line flags.
func (o *WriteOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.OutDir, "output-dir", "o", ".", "directory receiving the charts")
	fs.BoolVar(&o.Package, "package", false, "write NAME-VERSION.tgz packages and an index.yaml of the directory instead of chart directories")
	fs.StringVar(&o.Version, "version", "", `chart version (semver); default: the descriptor's metadata.annotations["`+VersionAnnotation+`"]`)
	fs.StringVar(&o.AppVersion, "app-version", "", "chart appVersion (default: the image digest, or its tag)")
	fs.StringVar(&o.URL, "url", "", "base URL of the chart repository, for the index.yaml entries")
}

// Validate checks the options themselves (usage errors).
func (o *WriteOptions) Validate() error {
	if o.OutDir == "" {
		return errors.New("--output-dir must not be empty")
	}
	return nil
}

// BuildAll makes the job chart of every job; a job without a time gets its
// ReproducibleTime. Every problem is reported; two jobs may not make the same chart.
func BuildAll(jobs []*render.Job, opts Options) ([]*Chart, error) {
	charts := make([]*Chart, 0, len(jobs))
	var errs []error
	seen := map[string]string{}
	for _, j := range jobs {
		o := opts
		if o.Time.IsZero() {
			commit, _ := j.Values["traceability"].(map[string]any)["gitCommit"].(string)
			t, err := ReproducibleTime(filepath.Dir(j.Doc.Path), commit)
			if err != nil {
				return nil, err
			}
			o.Time = t
		}
		c, err := Build(j, o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if other, dup := seen[c.Name()]; dup {
			errs = append(errs, fmt.Errorf("%s: chart %s is also made from %s (chart names are job names; a chart repository holds one chart per name)", j.Doc.Path, c.Name(), other))
			continue
		}
		seen[c.Name()] = j.Doc.Path
		charts = append(charts, c)
	}
	return charts, errors.Join(errs...)
}

// Write writes charts as directories or, with o.Package, as packages plus index.yaml,
// and prints each path written to log. Everything is built before anything is written.
func Write(charts []*Chart, o WriteOptions, log io.Writer) error {
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return err
	}
	if !o.Package {
		for _, c := range charts {
			dir, err := c.WriteDir(o.OutDir)
			if err != nil {
				return fmt.Errorf("writing chart %s: %w", c.Name(), err)
			}
			fmt.Fprintln(log, dir)
		}
		return nil
	}
	pkgs := make([][]byte, len(charts))
	for i, c := range charts {
		data, err := c.Package()
		if err != nil {
			return fmt.Errorf("packaging chart %s: %w", c.Name(), err)
		}
		pkgs[i] = data
	}
	for i, c := range charts {
		p := filepath.Join(o.OutDir, c.PackageName())
		if err := render.WriteFileAtomic(p, pkgs[i]); err != nil {
			return err
		}
		fmt.Fprintln(log, p)
	}
	index, err := Index(o.OutDir, o.URL)
	if err != nil {
		return err
	}
	p := filepath.Join(o.OutDir, "index.yaml")
	if err := render.WriteFileAtomic(p, index); err != nil {
		return err
	}
	fmt.Fprintln(log, p)
	return nil
}
