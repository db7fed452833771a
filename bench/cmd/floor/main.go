// Command floor is the benchmark floor: Helm's engine alone rendering values files with
// charts loaded once, on GOMAXPROCS workers, the way the best possible in-process
// pipeline would (no descriptor reading, validation, values derivation, schema check,
// sorting or output).
// It reads VALUES/<chart>/<namespace>/<name>.yaml as written by bench/cmd/synth -values
// and prints the number of bytes rendered.
//
//	go run ./bench/cmd/floor /tmp/values
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"

	"github.com/jobcharts/jobcharts/pkg/render"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor VALUES_DIR")
		os.Exit(2)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // the same collector setting as gen (cmd/gen/gc.go)
	}
	root := os.Args[1]
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		fail(err)
	}
	sort.Strings(files)
	kv, err := chartutil.ParseKubeVersion(render.DefaultKubeVersion)
	if err != nil {
		fail(err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = *kv
	charts := map[string]*chart.Chart{}
	for _, f := range files {
		name := strings.Split(filepath.ToSlash(strings.TrimPrefix(f, root+string(filepath.Separator))), "/")[0]
		if charts[name] == nil {
			if charts[name], err = render.LoadChart(name); err != nil {
				fail(err)
			}
		}
	}
	var total atomic.Int64
	next := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for f := range next {
				rel := strings.Split(filepath.ToSlash(strings.TrimPrefix(f, root+string(filepath.Separator))), "/")
				ch, ns, name := charts[rel[0]], rel[1], strings.TrimSuffix(rel[2], ".yaml")
				data, err := os.ReadFile(f)
				if err != nil {
					fail(err)
				}
				vals, err := chartutil.ReadValues(data)
				if err != nil {
					fail(err)
				}
				// Coalesced values, no schema validation: the engine alone.
				top, err := chartutil.ToRenderValuesWithSchemaValidation(ch, vals, chartutil.ReleaseOptions{Name: name, Namespace: ns, Revision: 1, IsInstall: true}, caps, true)
				if err != nil {
					fail(err)
				}
				out, err := engine.Engine{Strict: true}.Render(ch, top)
				if err != nil {
					fail(err)
				}
				for _, m := range out {
					total.Add(int64(len(m)))
				}
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	fmt.Printf("%d values files, %d bytes rendered\n", len(files), total.Load())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(1)
}
