// Command synth writes N synthetic descriptors for the benchmarks, and with -values the
// chart values of each (what `gen values` prints) as VALUES/<namespace>/<name>.yaml.
//
//	go run ./bench/cmd/synth -n 1000 -o /tmp/jobs -values /tmp/values
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jobcharts/jobcharts/bench/synth"
	"github.com/jobcharts/jobcharts/pkg/render"
)

func main() {
	n := flag.Int("n", 100, "number of descriptors")
	out := flag.String("o", "", "directory receiving the descriptors")
	values := flag.String("values", "", "directory receiving the values of each descriptor (optional)")
	spark := flag.Bool("spark", true, "make every fourth descriptor a SparkApp, if this build renders SparkApp")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "synth: -o is required")
		os.Exit(2)
	}
	if *spark && !sparkRenders() {
		fmt.Fprintln(os.Stderr, "synth: this build has no SparkApp chart yet; writing FlinkJob descriptors only")
		*spark = false
	}
	files, err := synth.Generate(*out, *n, *spark)
	if err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
	if *values == "" {
		return
	}
	s := render.Settings{KubeVersion: render.DefaultKubeVersion, GitCommit: "0123456789abcdef0123456789abcdef01234567"}
	for _, f := range files {
		j, err := render.Prepare(f, s)
		if err != nil {
			fmt.Fprintln(os.Stderr, "synth:", err)
			os.Exit(1)
		}
		data, err := j.ValuesYAML()
		if err != nil {
			fmt.Fprintln(os.Stderr, "synth:", err)
			os.Exit(1)
		}
		p := filepath.Join(*values, j.Chart, j.Namespace, j.Release+".yaml")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "synth:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "synth:", err)
			os.Exit(1)
		}
	}
}

// sparkRenders tells whether SparkApp descriptors have a chart in this build.
func sparkRenders() bool {
	dir, err := os.MkdirTemp("", "synth-probe-*")
	if err != nil {
		return false
	}
	defer os.RemoveAll(dir)
	_, _, data := synth.Spark(3)
	p := filepath.Join(dir, "probe.yaml")
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		return false
	}
	_, err = render.Prepare(p, render.Settings{GitCommit: "0123456789abcdef"})
	return err == nil || !strings.Contains(err.Error(), "has no chart yet")
}
