package render

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
)

// loadedChart is an embedded chart loaded once for a batch, with its values schema
// compiled once. Rendering only reads it: CoalesceValues deep-copies the chart's values,
// the engine builds its templates afresh per render, and the embedded charts have no
// dependencies for ProcessDependencies to mutate.
type loadedChart struct {
	chart  *chart.Chart
	schema *jsonschema.Schema // nil: no schema, or it did not compile here (slow path)
}

var loadedCharts sync.Map // chart name -> func() (*loadedChart, error)

func sharedChart(name string) (*loadedChart, error) {
	f, _ := loadedCharts.LoadOrStore(name, sync.OnceValues(func() (*loadedChart, error) {
		ch, err := LoadChart(name)
		if err != nil {
			return nil, err
		}
		if len(ch.Dependencies()) > 0 {
			return nil, fmt.Errorf("chart %s has dependencies; it cannot be shared", name)
		}
		lc := &loadedChart{chart: ch}
		if ch.Schema != nil {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ch.Schema))
			if err == nil {
				c := jsonschema.NewCompiler()
				if err = c.AddResource("file:///values.schema.json", doc); err == nil {
					lc.schema, _ = c.Compile("file:///values.schema.json")
				}
			}
		}
		return lc, nil
	}))
	return f.(func() (*loadedChart, error))()
}

// renderShared is Job.Render for batches, byte for byte: it renders with the chart loaded
// once and the schema compiled once (Helm compiles it on every render). Anything unusual
// — values the schema rejects, a chart without a compiled schema — takes Job.Render, so
// errors read exactly as Helm writes them.
func (j *Job) renderShared(s Settings) ([]Manifest, error) {
	lc, err := sharedChart(j.Chart)
	if err != nil || lc.schema == nil {
		return j.Render(s)
	}
	ch := lc.chart
	vals, err := helmValues(j.Values)
	if err != nil {
		return j.Render(s)
	}
	caps, err := capabilities(s.KubeVersion)
	if err != nil {
		return j.Render(s)
	}
	if ch.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return j.Render(s)
	}
	merged, err := chartutil.CoalesceValues(ch, vals)
	if err != nil {
		return j.Render(s)
	}
	if err := lc.schema.Validate(merged.AsMap()); err != nil {
		return j.Render(s)
	}
	ns := j.Namespace
	if ns == "" {
		ns = "default"
	}
	// What chartutil.ToRenderValues builds, with the schema check done above.
	top := chartutil.Values{
		"Chart":        ch.Metadata,
		"Capabilities": caps,
		"Release": map[string]any{
			"Name": j.Release, "Namespace": ns, "IsUpgrade": false, "IsInstall": true, "Revision": 1, "Service": "Helm",
		},
		"Values": merged,
	}
	files, err := engine.Engine{Strict: true}.Render(ch, top)
	if err != nil {
		return j.Render(s)
	}
	for name := range files {
		if strings.HasSuffix(name, "NOTES.txt") {
			delete(files, name)
		}
	}
	manifests, hooks, err := installOrder(files)
	if err != nil {
		return j.Render(s)
	}
	return append(manifests, hooks...), nil
}
