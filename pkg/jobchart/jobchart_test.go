package jobchart_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/repo"

	"github.com/jobcharts/jobcharts/pkg/jobchart"
	"github.com/jobcharts/jobcharts/pkg/render"
)

var settings = render.Settings{KubeVersion: render.DefaultKubeVersion, GitCommit: "0123456789abcdef0123456789abcdef01234567"}

// descriptors are every golden case and example: all HA types, modes and versions.
func descriptors(t *testing.T) []string {
	t.Helper()
	golden, err := filepath.Glob("../../tests/golden/*/descriptor.yaml")
	require.NoError(t, err)
	examples, err := filepath.Glob("../../examples/*.yaml")
	require.NoError(t, err)
	all := append(golden, examples...)
	require.NotEmpty(t, all)
	return all
}

func prepare(t *testing.T, path string) *render.Job {
	t.Helper()
	j, err := render.Prepare(path, settings)
	if err != nil && strings.Contains(err.Error(), "has no chart yet") {
		t.Skip(err)
	}
	require.NoError(t, err)
	return j
}

var (
	sourceLine = regexp.MustCompile(`(?m)^# Source: .*\n`)
	chartLabel = regexp.MustCompile(`(?m)^(\s*)(helm\.sh/chart|app\.kubernetes\.io/version): .*\n`)
)

// normalise drops what names the chart: "# Source:" paths, the helm.sh/chart label
// (chart name and version) and app.kubernetes.io/version (the chart's appVersion).
func normalise(s string) string {
	return chartLabel.ReplaceAllString(sourceLine.ReplaceAllString(s, ""), "")
}

func TestPackageIsAcceptedByHelmAndRendersLikeGen(t *testing.T) {
	for _, path := range descriptors(t) {
		t.Run(path, func(t *testing.T) {
			job := prepare(t, path)
			c, err := jobchart.Build(job, jobchart.Options{Version: "1.2.3"})
			require.NoError(t, err)
			require.Equal(t, job.Release, c.Name())
			data, err := c.Package()
			require.NoError(t, err)
			tgz := filepath.Join(t.TempDir(), c.PackageName())
			require.NoError(t, os.WriteFile(tgz, data, 0o644))

			// helm lint --strict, with the chart's own values.
			lint := action.NewLint()
			lint.Strict = true
			lint.Namespace = job.Namespace
			kv, err := chartutil.ParseKubeVersion(render.DefaultKubeVersion)
			require.NoError(t, err)
			lint.KubeVersion = kv
			res := lint.Run([]string{tgz}, map[string]any{})
			for _, m := range res.Messages {
				t.Logf("lint: %s", m)
			}
			require.Empty(t, res.Errors, "helm lint --strict")

			// helm install (client-only dry run: values schema, kubeVersion, render).
			ch, err := loader.Load(tgz)
			require.NoError(t, err)
			require.Equal(t, "1.2.3", ch.Metadata.Version)
			require.Equal(t, job.Chart, ch.Metadata.Annotations[jobchart.BaseChartAnnotation])
			require.Equal(t, settings.GitCommit, ch.Metadata.Annotations[jobchart.GitCommitAnnotation])
			inst := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
			inst.DryRun, inst.DryRunOption, inst.ClientOnly, inst.Replace = true, "client", true, true
			inst.ReleaseName, inst.Namespace, inst.KubeVersion = job.Release, job.Namespace, kv
			rel, err := inst.Run(ch, map[string]any{})
			require.NoError(t, err, "helm install --dry-run")
			require.Contains(t, rel.Manifest, "app.kubernetes.io/name: "+job.Chart, "selectors keep the base chart's name")

			// The packaged chart renders what `gen render` renders.
			got, err := render.RenderYAML(ch, nil, render.Options{ReleaseName: job.Release, Namespace: job.Namespace})
			require.NoError(t, err)
			want, err := job.Render(settings)
			require.NoError(t, err)
			require.Equal(t, normalise(string(render.Stream(want))), normalise(string(render.Stream(got))))
			require.Contains(t, string(render.Stream(got)), "helm.sh/chart: "+job.Release+"-1.2.3")
		})
	}
}

func TestPackageIsReproducible(t *testing.T) {
	path := "../../examples/clickstream-enricher.yaml"
	build := func(opts jobchart.Options) []byte {
		c, err := jobchart.Build(prepare(t, path), opts)
		require.NoError(t, err)
		data, err := c.Package()
		require.NoError(t, err)
		return data
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	first := build(jobchart.Options{Version: "1.0.0", Time: at})
	for range 3 {
		require.Equal(t, first, build(jobchart.Options{Version: "1.0.0", Time: at}))
	}
	require.NotEqual(t, first, build(jobchart.Options{Version: "1.0.1", Time: at}))

	gz, err := gzip.NewReader(bytes.NewReader(first))
	require.NoError(t, err)
	require.Empty(t, gz.Name)
	require.True(t, gz.ModTime.IsZero(), "no gzip timestamp")
	tr := tar.NewReader(gz)
	var names []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		names = append(names, hdr.Name)
		require.True(t, strings.HasPrefix(hdr.Name, "clickstream-enricher/"), hdr.Name)
		require.Equal(t, at, hdr.ModTime.UTC(), hdr.Name)
		require.Equal(t, []any{0, 0, "", "", int64(0o644), byte(tar.TypeReg)}, []any{hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname, hdr.Mode, hdr.Typeflag}, hdr.Name)
	}
	require.IsIncreasing(t, names)
	require.Contains(t, names, "clickstream-enricher/templates/_helpers.tpl")
	require.Contains(t, names, "clickstream-enricher/values.schema.json")
}

func TestIndexIsReproducible(t *testing.T) {
	dir := t.TempDir()
	var last []byte
	for range 2 {
		var jobs []*render.Job
		for _, p := range descriptors(t)[:3] { // Flink cases sort first
			jobs = append(jobs, prepare(t, p))
		}
		charts, err := jobchart.BuildAll(jobs, jobchart.Options{Version: "0.3.0"})
		require.NoError(t, err)
		require.NoError(t, jobchart.Write(context.Background(), charts, jobchart.WriteOptions{OutDir: dir, Package: true, URL: "https://charts.example.com/jobs"}, io.Discard))
		index, err := os.ReadFile(filepath.Join(dir, "index.yaml"))
		require.NoError(t, err)
		if last != nil {
			require.Equal(t, string(last), string(index))
		}
		last = index
	}
	idx, err := repo.LoadIndexFile(filepath.Join(dir, "index.yaml"))
	require.NoError(t, err, "helm reads the index")
	require.Len(t, idx.Entries, 3)
	for name, versions := range idx.Entries {
		require.Len(t, versions, 1)
		require.Equal(t, "https://charts.example.com/jobs/"+name+"-0.3.0.tgz", versions[0].URLs[0])
		require.Len(t, versions[0].Digest, 64)
	}
}

func TestReproducibleTime(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	got, err := jobchart.ReproducibleTime(".", "")
	require.NoError(t, err)
	require.Equal(t, time.Unix(1700000000, 0).UTC(), got)
	t.Setenv("SOURCE_DATE_EPOCH", "")
	got, err = jobchart.ReproducibleTime(t.TempDir(), "0123456789abcdef")
	require.NoError(t, err)
	require.Equal(t, time.Unix(0, 0).UTC(), got, "no commit to read: the epoch")
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	_, err = jobchart.ReproducibleTime(".", "")
	require.ErrorContains(t, err, "SOURCE_DATE_EPOCH")
}

func TestVersionAndAppVersion(t *testing.T) {
	job := prepare(t, "../../examples/clickstream-enricher.yaml")
	_, err := jobchart.Build(job, jobchart.Options{})
	require.ErrorContains(t, err, "no chart version: pass --version or set metadata.annotations[\"jobcharts.io/chart-version\"]")
	_, err = jobchart.Build(job, jobchart.Options{Version: "1.2"})
	require.ErrorContains(t, err, `--version "1.2" is not a semantic version`)

	src, err := os.ReadFile("../../examples/clickstream-enricher.yaml")
	require.NoError(t, err)
	annotated := strings.Replace(string(src), "  labels:\n", "  annotations:\n    jobcharts.io/chart-version: 2.0.0-rc.1\n  labels:\n", 1)
	annotated = regexp.MustCompile(`image: .*`).ReplaceAllString(annotated, "image: registry.example.com/growth/clickstream:4.1.0")
	annotated = strings.Replace(annotated, "requireDigest: true", "requireDigest: false", 1)
	p := filepath.Join(t.TempDir(), "job.yaml")
	require.NoError(t, os.WriteFile(p, []byte(annotated), 0o644))
	c, err := jobchart.Build(prepare(t, p), jobchart.Options{})
	require.NoError(t, err)
	require.Equal(t, "2.0.0-rc.1", c.Version())
	require.Equal(t, "4.1.0", c.Metadata.AppVersion)
	c, err = jobchart.Build(prepare(t, p), jobchart.Options{Version: "3.0.0", AppVersion: "build-7"})
	require.NoError(t, err)
	require.Equal(t, "3.0.0", c.Version())
	require.Equal(t, "build-7", c.Metadata.AppVersion)
}

// Write replaces each chart directory as a whole, is all or nothing, and refuses
// symbolic links inside DIR.
func TestWriteIsSafe(t *testing.T) {
	job := prepare(t, "../../examples/clickstream-enricher.yaml")
	c, err := jobchart.Build(job, jobchart.Options{Version: "1.0.0"})
	require.NoError(t, err)
	dir := t.TempDir()
	stale := filepath.Join(dir, c.Name(), "templates", "stale.yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(stale), 0o755))
	require.NoError(t, os.WriteFile(stale, []byte("old\n"), 0o644))
	var log bytes.Buffer
	require.NoError(t, jobchart.Write(context.Background(), []*jobchart.Chart{c}, jobchart.WriteOptions{OutDir: dir}, &log))
	require.Equal(t, filepath.Join(dir, c.Name())+"\n", log.String())
	require.NoFileExists(t, stale, "the chart directory is replaced as a whole")
	require.FileExists(t, filepath.Join(dir, c.Name(), "Chart.yaml"))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary or old directory left")

	// A planted link: an error naming it, nothing written, nothing outside touched.
	outside := t.TempDir()
	linked := t.TempDir()
	require.NoError(t, os.Symlink(outside, filepath.Join(linked, c.Name())))
	err = jobchart.Write(context.Background(), []*jobchart.Chart{c}, jobchart.WriteOptions{OutDir: linked}, io.Discard)
	require.ErrorContains(t, err, filepath.Join(linked, c.Name())+": is a symbolic link")
	entries, err = os.ReadDir(outside)
	require.NoError(t, err)
	require.Empty(t, entries)

	// Packages: the index covers what DIR already holds; a link leading out of DIR is refused.
	pkgDir := t.TempDir()
	require.NoError(t, jobchart.Write(context.Background(), []*jobchart.Chart{c}, jobchart.WriteOptions{OutDir: pkgDir, Package: true}, io.Discard))
	c2, err := jobchart.Build(job, jobchart.Options{Version: "1.1.0"})
	require.NoError(t, err)
	require.NoError(t, jobchart.Write(context.Background(), []*jobchart.Chart{c2}, jobchart.WriteOptions{OutDir: pkgDir, Package: true}, io.Discard))
	idx, err := repo.LoadIndexFile(filepath.Join(pkgDir, "index.yaml"))
	require.NoError(t, err)
	require.Len(t, idx.Entries[c.Name()], 2)
	index, err := os.ReadFile(filepath.Join(pkgDir, "index.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.Symlink(filepath.Join(outside, "x.tgz"), filepath.Join(pkgDir, "evil.tgz")))
	err = jobchart.Write(context.Background(), []*jobchart.Chart{c2}, jobchart.WriteOptions{OutDir: pkgDir, Package: true}, io.Discard)
	require.ErrorContains(t, err, filepath.Join(pkgDir, "evil.tgz"))
	again, err := os.ReadFile(filepath.Join(pkgDir, "index.yaml"))
	require.NoError(t, err)
	require.Equal(t, string(index), string(again))
}
