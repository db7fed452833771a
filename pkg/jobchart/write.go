package jobchart

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// Write writes charts as directories, DIR/NAME/ (each replacing what was there), or
// with o.Package as DIR/NAME-VERSION.tgz plus an index.yaml of every package in DIR, and
// prints each path written to log. It is all or nothing and never writes outside DIR
// (render.Output): on any error, or when ctx is done first, DIR is left as it was.
func Write(ctx context.Context, charts []*Chart, o WriteOptions, log io.Writer) error {
	var out render.Output
	if !o.Package {
		for _, c := range charts {
			files := make(map[string][]byte, len(c.Files))
			for _, f := range c.Files {
				files[f.Name] = f.Data
			}
			out.AddDir(c.Name(), files)
		}
	} else {
		pkgs, err := readPackages(o.OutDir)
		if err != nil {
			return err
		}
		for _, c := range charts {
			data, err := c.Package()
			if err != nil {
				return fmt.Errorf("packaging chart %s: %w", c.Name(), err)
			}
			pkgs[c.PackageName()] = data
			out.AddFile(c.PackageName(), bytesOf(data))
		}
		index, err := index(pkgs, o.URL)
		if err != nil {
			return err
		}
		out.AddFile("index.yaml", bytesOf(index))
	}
	if err := out.Commit(ctx, o.OutDir); err != nil {
		return err
	}
	for _, name := range out.Names() {
		fmt.Fprintln(log, filepath.Join(o.OutDir, filepath.FromSlash(name)))
	}
	return nil
}

func bytesOf(data []byte) func() ([]byte, error) {
	return func() ([]byte, error) { return data, nil }
}
