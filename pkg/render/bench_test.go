package render_test

import (
	"os"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"

	"github.com/jobcharts/jobcharts/pkg/descriptor"
	"github.com/jobcharts/jobcharts/pkg/render"
)

// The stages of one job, `go test -bench . -benchmem ./pkg/render` (make bench).

const benchDescriptor = "../../examples/clickstream-enricher.yaml"

var benchSettings = render.Settings{GitCommit: "0123456789abcdef"}

// benchJob is the benchmark descriptor, prepared.
func benchJob(b *testing.B) *render.Job {
	b.Helper()
	j, err := render.Prepare(benchDescriptor, benchSettings)
	if err != nil {
		b.Fatal(err)
	}
	return j
}

func BenchmarkLoadDescriptor(b *testing.B) {
	data, err := os.ReadFile(benchDescriptor)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := descriptor.Parse(benchDescriptor, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateDescriptor(b *testing.B) {
	doc, err := descriptor.Load(benchDescriptor)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if errs := doc.Validate(descriptor.Options{}); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkValues(b *testing.B) {
	doc, err := descriptor.Load(benchDescriptor)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render.FlinkValues(doc.Flink, render.Traceability{GitCommit: "0123456789abcdef"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrepare is load + validate + values from the file.
func BenchmarkPrepare(b *testing.B) {
	s := benchSettings
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render.Prepare(benchDescriptor, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderJob is what gen render spends on one job after Prepare: chart, engine, sort, stream.
func BenchmarkRenderJob(b *testing.B) {
	s, j := benchSettings, benchJob(b)
	b.ReportAllocs()
	for b.Loop() {
		ms, err := j.Render(s)
		if err != nil {
			b.Fatal(err)
		}
		_ = render.Stream(ms)
	}
}

// BenchmarkHelmEngineFloor is Helm's engine alone on a chart loaded once: the floor.
func BenchmarkHelmEngineFloor(b *testing.B) {
	j := benchJob(b)
	raw, err := j.ValuesYAML()
	if err != nil {
		b.Fatal(err)
	}
	ch, err := render.LoadChart(j.Chart)
	if err != nil {
		b.Fatal(err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	b.ReportAllocs()
	for b.Loop() {
		vals, err := chartutil.ReadValues(raw)
		if err != nil {
			b.Fatal(err)
		}
		top, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: j.Release, Namespace: j.Namespace, IsInstall: true}, caps)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := (engine.Engine{Strict: true}).Render(ch, top); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderJobShared is the batch's render of one job: chart and schema shared.
func BenchmarkRenderJobShared(b *testing.B) {
	s, j := benchSettings, benchJob(b)
	b.ReportAllocs()
	for b.Loop() {
		ms, err := render.RenderShared(j, s)
		if err != nil {
			b.Fatal(err)
		}
		_ = render.Stream(ms)
	}
}
