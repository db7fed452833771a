// Package render turns chart values into manifests with Helm's own engine, in-process.
package render

import (
	"fmt"
	"io/fs"
	"path"
	"sync"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"

	"github.com/jobcharts/jobcharts/charts"
)

var (
	chartFilesOnce sync.Map // chart name -> func() ([]*loader.BufferedFile, error)
)

// chartFiles reads an embedded chart's files once; callers get fresh copies of the
// slice but share the immutable bytes.
func chartFiles(name string) ([]*loader.BufferedFile, error) {
	f, _ := chartFilesOnce.LoadOrStore(name, sync.OnceValues(func() ([]*loader.BufferedFile, error) {
		return readEmbedded(name)
	}))
	files, err := f.(func() ([]*loader.BufferedFile, error))()
	if err != nil {
		return nil, err
	}
	out := make([]*loader.BufferedFile, len(files))
	for i, bf := range files {
		out[i] = &loader.BufferedFile{Name: bf.Name, Data: bf.Data}
	}
	return out, nil
}

func readEmbedded(name string) ([]*loader.BufferedFile, error) {
	sub, err := fs.Sub(charts.FS, name)
	if err != nil {
		return nil, fmt.Errorf("embedded chart %s: %w", name, err)
	}
	var files []*loader.BufferedFile
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Base(p) == ".helmignore" {
			return err
		}
		data, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		files = append(files, &loader.BufferedFile{Name: p, Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded chart %s: %w", name, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("embedded chart %s not found", name)
	}
	return files, nil
}

// LoadChart returns a fresh copy of an embedded chart ("flink-job", "spark-app").
// Each call returns its own *chart.Chart, so concurrent renders share no mutable state.
func LoadChart(name string) (*chart.Chart, error) {
	files, err := chartFiles(name)
	if err != nil {
		return nil, err
	}
	c, err := loader.LoadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("loading embedded chart %s: %w", name, err)
	}
	return c, nil
}
