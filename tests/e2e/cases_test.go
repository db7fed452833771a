//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// engine is what the suite knows about one descriptor kind: the chart that deploys it and the
// scenarios that prove it. Adding a kind (SparkApp -> charts/spark-app) means adding an entry.
type engine struct {
	chart string                           // chart folder, relative to the repository root
	run   func(t *testing.T, tc *testCase) // every scenario for one descriptor
}

// engines by descriptor kind; each engine file registers itself in an init function.
var engines = map[string]engine{}

// testCase is one descriptor: an example or a golden case.
type testCase struct {
	name       string // subtest name: examples/NAME or golden/DIR
	descriptor string // absolute path
	kind       string
	release    string // the descriptor's metadata.name
	namespace  string // the namespace the case owns
	chart      string // absolute chart folder
	engine     engine
}

// discoverCases globs examples/*.yaml and tests/golden/*/descriptor.yaml.
func discoverCases(t *testing.T) []*testCase {
	t.Helper()
	var paths []string
	for _, pattern := range []string{"examples/*.yaml", "tests/golden/*/descriptor.yaml"} {
		m, err := filepath.Glob(filepath.Join(env.root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	sort.Strings(paths)
	var cases []*testCase
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var head struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(data, &head); err != nil {
			// An invalid descriptor is a golden error case at most: gen's own tests cover it.
			t.Logf("%s: not a descriptor (%v): skipped", p, err)
			continue
		}
		rel, _ := filepath.Rel(env.root, p)
		var name string
		if strings.HasPrefix(rel, "examples/") {
			name = "examples/" + strings.TrimSuffix(filepath.Base(p), ".yaml")
		} else {
			name = "golden/" + filepath.Base(filepath.Dir(p))
		}
		tc := &testCase{name: name, descriptor: p, kind: head.Kind, release: head.Metadata.Name, namespace: namespaceFor(name)}
		if e, ok := engines[head.Kind]; ok {
			tc.engine = e
			tc.chart = filepath.Join(env.root, e.chart)
			if dir := os.Getenv("E2E_CHARTS"); dir != "" {
				tc.chart = filepath.Join(dir, filepath.Base(e.chart))
			}
		}
		cases = append(cases, tc)
	}
	return cases
}

var nonDNS = regexp.MustCompile(`[^a-z0-9-]+`)

// namespaceFor derives a DNS-1123 label from a case name, unique per case.
func namespaceFor(name string) string {
	s := "e2e-" + strings.Trim(nonDNS.ReplaceAllString(strings.ToLower(strings.ReplaceAll(name, "/", "-")), "-"), "-")
	if len(s) <= 63 {
		return s
	}
	sum := sha256.Sum256([]byte(name))
	return strings.TrimRight(s[:54], "-") + "-" + hex.EncodeToString(sum[:])[:8]
}

// TestCharts runs every scenario of every example and golden descriptor, one namespace each,
// cases in parallel.
func TestCharts(t *testing.T) {
	cases := discoverCases(t)
	if len(cases) == 0 {
		t.Skip("no descriptors yet: examples/*.yaml and tests/golden/*/descriptor.yaml are empty")
	}
	t.Parallel() // alongside TestHarness
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.engine.run == nil {
				t.Skipf("%s: kind %q has no chart in this suite yet", tc.descriptor, tc.kind)
			}
			if _, err := os.Stat(filepath.Join(tc.chart, "Chart.yaml")); err != nil {
				t.Skipf("%s: the chart %s does not exist yet", tc.descriptor, tc.engine.chart)
			}
			if isErrorCase(tc) {
				t.Skipf("%s: a golden case of invalid input (no manifests to install)", tc.descriptor)
			}
			t.Parallel()
			tc.engine.run(t, tc)
		})
	}
}

// isErrorCase reports a golden case that expects gen to refuse its descriptor: its folder has an
// expected error file and no expected manifests.
func isErrorCase(tc *testCase) bool {
	if !strings.HasPrefix(tc.name, "golden/") {
		return false
	}
	entries, err := os.ReadDir(filepath.Dir(tc.descriptor))
	if err != nil {
		return false
	}
	hasError, hasManifests := false, false
	for _, e := range entries {
		n := strings.ToLower(e.Name())
		switch {
		case strings.Contains(n, "err"):
			hasError = true
		case n != "descriptor.yaml" && (strings.HasSuffix(n, ".yaml") || e.IsDir()):
			hasManifests = true
		}
	}
	return hasError && !hasManifests
}

var gen struct {
	once sync.Once
	path string
	err  error
}

// genBinary returns the gen binary: $E2E_GEN, or ./cmd/gen built once from the working tree (so
// the suite never runs a stale bin/gen).
func genBinary(t *testing.T) string {
	t.Helper()
	gen.once.Do(func() {
		if p := os.Getenv("E2E_GEN"); p != "" {
			gen.path = p
			return
		}
		gen.path = filepath.Join(env.work, "gen")
		cmd := exec.Command("go", "build", "-o", gen.path, "./cmd/gen")
		cmd.Dir = env.root
		if out, err := cmd.CombinedOutput(); err != nil {
			gen.err = fmt.Errorf("go build ./cmd/gen: %v\n%s", err, out)
		}
	})
	if gen.err != nil {
		t.Fatal(gen.err)
	}
	return gen.path
}

// genRun runs `gen ARGS...` and returns its stdout.
func genRun(t *testing.T, args ...string) []byte {
	t.Helper()
	out, _, err := genExec(t, nil, args...)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(out)
}

// genExec runs `gen ARGS...` with extraEnv added to the environment. The error names the
// command, its exit status and stderr.
func genExec(t *testing.T, extraEnv []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(genBinary(t), args...)
	cmd.Dir = env.root
	cmd.Env = append(os.Environ(), extraEnv...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), errb.String(), fmt.Errorf("gen %s: %w\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String(), nil
}

// values is a chart's values as YAML decodes them.
type values map[string]any

// caseValues runs `gen values` for the case, writes the file helm gets (-f) and returns both.
func caseValues(t *testing.T, tc *testCase) (string, values) {
	t.Helper()
	data := genRun(t, "values", tc.descriptor)
	path := filepath.Join(env.work, tc.namespace+"-values.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var v values
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("gen values %s: not YAML: %v", tc.descriptor, err)
	}
	return path, v
}

// get returns the value at a dotted path ("taskManager.replicas"), or nil.
func (v values) get(path string) any {
	var cur any = map[string]any(v)
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func (v values) str(path string) string {
	s, _ := v.get(path).(string)
	return s
}

func (v values) int(path string) int {
	switch n := v.get(path).(type) {
	case float64:
		return int(n)
	case int64:
		return int(n)
	case int:
		return n
	}
	return 0
}

// into decodes the value at path into out (e.g. []corev1.Toleration).
func (v values) into(path string, out any) error {
	data, err := yaml.Marshal(v.get(path))
	if err != nil {
		return err
	}
	return yaml.Unmarshal(data, out)
}

func (v values) bool(path string) bool {
	b, _ := v.get(path).(bool)
	return b
}

// writeValues writes values to a file for `helm -f`.
func writeValues(t *testing.T, name string, v map[string]any) string {
	t.Helper()
	data, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(env.work, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// dryRunStrict sends every object to the API server as a server-side dry-run create with strict
// field validation in ns, and fails on any error or warning (Pod Security included).
func dryRunStrict(t *testing.T, ctx context.Context, ns string, objs []*unstructured.Unstructured) {
	t.Helper()
	_, dc, w, err := env.cluster.WithWarnings()
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) == 0 {
		t.Fatal("no objects to validate")
	}
	for _, o := range objs {
		id := o.GetKind() + "/" + o.GetName()
		gvr, namespaced, err := resourceFor(o)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		opts := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"}
		before := len(w.All())
		if namespaced {
			o = o.DeepCopy()
			o.SetNamespace(ns)
			_, err = dc.Resource(gvr).Namespace(ns).Create(ctx, o, opts)
		} else {
			_, err = dc.Resource(gvr).Create(ctx, o, opts)
		}
		if err != nil {
			t.Errorf("%s: the API server refuses it: %v", id, err)
		}
		if ws := w.All()[before:]; len(ws) > 0 {
			t.Errorf("%s: warnings: %s", id, strings.Join(ws, "; "))
		}
	}
}

// helmInstall installs the chart with `helm install --wait`.
func helmInstall(t *testing.T, ctx context.Context, tc *testCase, valueFiles ...string) {
	t.Helper()
	helmChange(t, ctx, tc.namespace, append([]string{"install", tc.release, tc.chart}, valuesArgs(valueFiles)...)...)
}

// helmUpgrade runs `helm upgrade --wait`.
func helmUpgrade(t *testing.T, ctx context.Context, tc *testCase, valueFiles ...string) {
	t.Helper()
	helmChange(t, ctx, tc.namespace, append([]string{"upgrade", tc.release, tc.chart}, valuesArgs(valueFiles)...)...)
}

func valuesArgs(files []string) []string {
	var args []string
	for _, f := range files {
		args = append(args, "-f", f)
	}
	return args
}

// helmChange runs a helm command that changes the release in ns (install, upgrade, rollback,
// uninstall) with --wait. It fails the test on an error, on API warnings in helm's output
// (Pod Security among them), and at once, without waiting for helm's timeout, when a controller
// reports FailedCreate in ns meanwhile (e.g. pods refused by admission).
func helmChange(t *testing.T, ctx context.Context, ns string, args ...string) {
	t.Helper()
	args = append(args, "-n", ns, "--wait", "--timeout", "3m")
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	since := metav1.NewTime(time.Now().Add(-time.Second))
	failed := make(chan string, 1)
	go func() {
		for hctx.Err() == nil {
			events, err := env.cluster.Client.CoreV1().Events(ns).List(hctx, metav1.ListOptions{FieldSelector: "reason=FailedCreate"})
			if err == nil {
				for _, e := range events.Items {
					if !e.LastTimestamp.Before(&since) || (!e.EventTime.IsZero() && !e.EventTime.Time.Before(since.Time)) {
						failed <- fmt.Sprintf("%s/%s: %s", e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Message)
						cancel()
						return
					}
				}
			}
			select {
			case <-hctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	_, stderr, err := helmRun(hctx, args...)
	select {
	case msg := <-failed:
		t.Fatalf("helm %s: FailedCreate: %s", args[0], msg)
	default:
	}
	if err != nil {
		t.Fatal(err)
	}
	if ws := apiWarningsIn(stderr); len(ws) > 0 {
		t.Errorf("helm %s printed API warnings:\n%s", args[0], strings.Join(ws, "\n"))
	}
}

// ensureScheduling gives the cluster what a pod template expects of it: the PriorityClass it
// names, and, when it has a nodeSelector, a node with those labels, tainted with what the
// template tolerates (so the pods schedule only if the tolerations really are rendered).
func ensureScheduling(t *testing.T, ctx context.Context, priorityClass string, nodeSelector map[string]string, tolerations []corev1.Toleration) {
	t.Helper()
	c := env.cluster
	if priorityClass != "" {
		pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: priorityClass}, Value: 1000}
		if _, err := c.Client.SchedulingV1().PriorityClasses().Create(ctx, pc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("PriorityClass %s: %v", priorityClass, err)
		}
	}
	if len(nodeSelector) == 0 {
		return
	}
	var taints []corev1.Taint
	for _, tol := range tolerations {
		if tol.Key == "" || (tol.Effect != corev1.TaintEffectNoSchedule && tol.Effect != corev1.TaintEffectNoExecute) {
			continue
		}
		value := tol.Value
		if tol.Operator == corev1.TolerationOpExists {
			value = "e2e"
		}
		taints = append(taints, corev1.Taint{Key: tol.Key, Value: value, Effect: tol.Effect})
	}
	sum := sha256.Sum256([]byte(fmt.Sprint(nodeSelector, taints)))
	name := "kwok-" + hex.EncodeToString(sum[:])[:10]
	if err := c.AddNode(ctx, name, nodeSelector, taints); err != nil {
		t.Fatal(err)
	}
}

// helmHooks returns the hook objects of a release (`helm get hooks`).
func helmHooks(t *testing.T, ctx context.Context, tc *testCase) []*unstructured.Unstructured {
	t.Helper()
	out, _ := helmMust(t, ctx, "get", "hooks", tc.release, "-n", tc.namespace)
	objs, err := decodeManifests([]byte(out))
	if err != nil {
		t.Fatalf("helm get hooks: %v", err)
	}
	return objs
}

// since returns a short elapsed time for logs.
func since(start time.Time) time.Duration { return time.Since(start).Round(100 * time.Millisecond) }
