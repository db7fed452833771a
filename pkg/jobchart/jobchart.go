// Package jobchart turns one prepared job into a job-specific Helm chart: the embedded
// chart's templates and schema, the job's values as values.yaml, and a Chart.yaml named
// after the job with traceability annotations. Packages and index files are
// reproducible: the same inputs give the same bytes.
package jobchart

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/distribution/reference"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"sigs.k8s.io/yaml"

	"github.com/jobcharts/jobcharts/pkg/render"
)

// Annotations written into Chart.yaml and read from descriptors.
const (
	// VersionAnnotation on a descriptor's metadata sets its chart version.
	VersionAnnotation = "jobcharts.io/chart-version"
	// BaseChartAnnotation names the embedded chart a job chart was made from; the
	// templates use it for app.kubernetes.io/name so selectors do not change.
	BaseChartAnnotation        = "jobcharts.io/base-chart"
	BaseChartVersionAnnotation = "jobcharts.io/base-chart-version"
	GitCommitAnnotation        = "jobcharts.io/git-commit"
	DescriptorAnnotation       = "jobcharts.io/descriptor-sha256"
	DescriptorPathAnnotation   = "jobcharts.io/descriptor"
)

// Options of one job chart.
type Options struct {
	// Version is the chart version; empty takes the descriptor's
	// metadata.annotations["jobcharts.io/chart-version"].
	Version string
	// AppVersion overrides the image tag or digest.
	AppVersion string
	// Time is the modification time written into packages and the index (see
	// ReproducibleTime).
	Time time.Time
}

// File is one file of a chart, its name relative to the chart root.
type File struct {
	Name string
	Data []byte
}

// Chart is a job chart in memory.
type Chart struct {
	Metadata *chart.Metadata
	// Files are sorted by name and include Chart.yaml and values.yaml.
	Files []File
	// Time is the modification time of every file in the package.
	Time time.Time
}

// Name and Version of the chart.
func (c *Chart) Name() string    { return c.Metadata.Name }
func (c *Chart) Version() string { return c.Metadata.Version }

// PackageName is NAME-VERSION.tgz, what `helm package` calls it.
func (c *Chart) PackageName() string { return c.Metadata.Name + "-" + c.Metadata.Version + ".tgz" }

// descriptorMeta is what every descriptor kind has in common.
type descriptorMeta struct {
	Metadata struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Image string `json:"image"`
	} `json:"spec"`
}

// Build makes the job chart of a prepared job.
func Build(job *render.Job, opts Options) (*Chart, error) {
	var meta descriptorMeta
	if err := yaml.Unmarshal(job.Doc.Data, &meta); err != nil {
		return nil, fmt.Errorf("%s: %w", job.Doc.Path, err)
	}
	version := opts.Version
	source := "--version"
	if version == "" {
		version = meta.Metadata.Annotations[VersionAnnotation]
		source = "metadata.annotations[" + VersionAnnotation + "]"
	}
	if version == "" {
		return nil, fmt.Errorf("%s: no chart version: pass --version or set metadata.annotations[%q]", job.Doc.Path, VersionAnnotation)
	}
	if _, err := semver.StrictNewVersion(version); err != nil {
		return nil, fmt.Errorf("%s: %s %q is not a semantic version (MAJOR.MINOR.PATCH): %w", job.Doc.Path, source, version, err)
	}
	appVersion := opts.AppVersion
	if appVersion == "" {
		var err error
		if appVersion, err = ImageVersion(meta.Spec.Image); err != nil {
			return nil, fmt.Errorf("%s: spec.image: %w", job.Doc.Path, err)
		}
	}

	base, err := render.LoadChart(job.Chart)
	if err != nil {
		return nil, err
	}
	values, err := coalescedValues(base, job)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", job.Doc.Path, err)
	}

	md := *base.Metadata
	md.Name = job.Release
	md.Version = version
	md.AppVersion = appVersion
	md.Description = fmt.Sprintf("%s %s/%s made by jobcharts from %s. Install it as release %q in namespace %q.",
		strings.TrimSpace(base.Metadata.Annotations["jobcharts.io/kind"]), job.Namespace, job.Release, descriptorPath(job), job.Release, job.Namespace)
	md.Annotations = map[string]string{}
	for k, v := range base.Metadata.Annotations {
		md.Annotations[k] = v
	}
	trace, _ := job.Values["traceability"].(map[string]any)
	md.Annotations[BaseChartAnnotation] = base.Metadata.Name
	md.Annotations[BaseChartVersionAnnotation] = base.Metadata.Version
	md.Annotations[DescriptorAnnotation], _ = trace["descriptorSha256"].(string)
	md.Annotations[DescriptorPathAnnotation] = descriptorPath(job)
	if commit, _ := trace["gitCommit"].(string); commit != "" {
		md.Annotations[GitCommitAnnotation] = commit
	}
	if err := md.Validate(); err != nil {
		return nil, fmt.Errorf("%s: chart metadata: %w", job.Doc.Path, err)
	}
	chartYAML, err := yaml.Marshal(&md)
	if err != nil {
		return nil, err
	}

	c := &Chart{Metadata: &md, Time: opts.Time.UTC().Truncate(time.Second)}
	c.Files = append(c.Files, File{Name: "Chart.yaml", Data: chartYAML}, File{Name: "values.yaml", Data: values})
	for _, f := range base.Raw {
		switch f.Name {
		case "Chart.yaml", "values.yaml", "README.md":
			continue
		}
		c.Files = append(c.Files, File{Name: f.Name, Data: f.Data})
	}
	sort.Slice(c.Files, func(i, k int) bool { return c.Files[i].Name < c.Files[k].Name })
	return c, nil
}

// coalescedValues is the job's values merged over the base chart's defaults, so the job
// chart alone renders what `gen render` renders. Numbers go through the same YAML round
// trip as `-f`.
func coalescedValues(base *chart.Chart, job *render.Job) ([]byte, error) {
	raw, err := job.ValuesYAML()
	if err != nil {
		return nil, err
	}
	vals, err := chartutil.ReadValues(raw)
	if err != nil {
		return nil, err
	}
	merged, err := chartutil.CoalesceValues(base, vals)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Values of %s/%s generated by jobcharts from %s.\n", job.Namespace, job.Release, descriptorPath(job))
	data, err := yaml.Marshal(map[string]any(merged))
	if err != nil {
		return nil, err
	}
	b.Write(data)
	return b.Bytes(), nil
}

// descriptorPath is the descriptor's path as given, or only its file name when the path
// is absolute (a published chart should not carry a build machine's directories).
func descriptorPath(job *render.Job) string {
	if filepath.IsAbs(job.Doc.Path) {
		return filepath.Base(job.Doc.Path)
	}
	return filepath.ToSlash(filepath.Clean(job.Doc.Path))
}

// ImageVersion is an image reference's digest, or its tag when it has no digest.
func ImageVersion(image string) (string, error) {
	ref, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return "", err
	}
	if d, ok := ref.(reference.Digested); ok {
		return d.Digest().String(), nil
	}
	if t, ok := ref.(reference.Tagged); ok {
		return t.Tag(), nil
	}
	return "", fmt.Errorf("%q has neither a tag nor a digest; pass --app-version", image)
}
