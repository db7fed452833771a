package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
)

// DefaultKubeVersion is the Kubernetes version templates see unless told otherwise.
const DefaultKubeVersion = "v1.34.0"

// Options of one render.
type Options struct {
	ReleaseName string
	Namespace   string
	// KubeVersion pins .Capabilities.KubeVersion ("v1.34.0"); empty means DefaultKubeVersion.
	KubeVersion string
	// NoHooks leaves out hooks such as the `helm test` pod.
	NoHooks bool
}

// Manifest is one rendered Kubernetes object document.
type Manifest struct {
	// Source is the template it came from ("flink-job/templates/configmap.yaml").
	Source  string
	Kind    string
	Name    string
	Content string
	Hook    bool
}

// Render renders a chart with values exactly as `helm template` would: values go through
// a YAML round trip (numbers become float64 as with `-f`), are coalesced with the chart's
// defaults and checked against values.schema.json, templates run in strict mode, and the
// manifests come back in Helm's install order followed by hooks.
func Render(ch *chart.Chart, values map[string]any, opts Options) ([]Manifest, error) {
	vals, err := helmValues(values)
	if err != nil {
		return nil, err
	}
	return render(ch, vals, opts)
}

// RenderYAML is Render for values already encoded as YAML (a `-f` file).
func RenderYAML(ch *chart.Chart, valuesYAML []byte, opts Options) ([]Manifest, error) {
	vals, err := chartutil.ReadValues(valuesYAML)
	if err != nil {
		return nil, fmt.Errorf("reading values: %w", err)
	}
	return render(ch, vals, opts)
}

// helmValues gives generated values the types `helm install -f values.yaml` would see:
// sigs.k8s.io/yaml reads YAML through JSON, so a JSON round trip yields the same maps,
// strings, booleans and float64 numbers as writing the values out as YAML and reading
// them back, without the YAML encoding and parsing.
func helmValues(values map[string]any) (chartutil.Values, error) {
	raw, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("encoding values: %w", err)
	}
	vals := chartutil.Values{}
	if err := json.Unmarshal(raw, &vals); err != nil {
		return nil, fmt.Errorf("encoding values: %w", err)
	}
	return vals, nil
}

func render(ch *chart.Chart, vals chartutil.Values, opts Options) ([]Manifest, error) {
	caps, err := capabilities(opts.KubeVersion)
	if err != nil {
		return nil, err
	}
	if ch.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return nil, fmt.Errorf("chart %s requires kubeVersion %s, which is incompatible with Kubernetes %s", ch.Name(), ch.Metadata.KubeVersion, caps.KubeVersion.String())
	}
	ns := opts.Namespace
	if ns == "" {
		ns = "default"
	}
	top, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{
		Name: opts.ReleaseName, Namespace: ns, Revision: 1, IsInstall: true,
	}, caps)
	if err != nil {
		return nil, err
	}
	files, err := engine.Engine{Strict: true}.Render(ch, top)
	if err != nil {
		return nil, err
	}
	for name := range files {
		if strings.HasSuffix(name, "NOTES.txt") {
			delete(files, name)
		}
	}
	manifests, hooks, err := installOrder(files)
	if err != nil {
		return nil, fmt.Errorf("sorting manifests: %w", err)
	}
	if opts.NoHooks {
		return manifests, nil
	}
	return append(manifests, hooks...), nil
}

func capabilities(kubeVersion string) (*chartutil.Capabilities, error) {
	if kubeVersion == "" {
		kubeVersion = DefaultKubeVersion
	}
	kv, err := chartutil.ParseKubeVersion(kubeVersion)
	if err != nil {
		return nil, fmt.Errorf("--kube-version %q: %w", kubeVersion, err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = *kv
	return caps, nil
}

// Stream writes manifests as one multi-document YAML stream, as `helm template` prints it.
func Stream(manifests []Manifest) []byte {
	var b bytes.Buffer
	for _, m := range manifests {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", m.Source, strings.TrimSpace(m.Content))
	}
	return b.Bytes()
}
