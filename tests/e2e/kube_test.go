//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/yaml"
)

// Labels every chart puts on its objects and pods.
const (
	labelName      = "app.kubernetes.io/name"
	labelInstance  = "app.kubernetes.io/instance"
	labelComponent = "app.kubernetes.io/component"
)

// restrictedLabels make a namespace enforce and warn on the "restricted" Pod Security level.
var restrictedLabels = map[string]string{
	"pod-security.kubernetes.io/enforce":         "restricted",
	"pod-security.kubernetes.io/enforce-version": "latest",
	"pod-security.kubernetes.io/warn":            "restricted",
	"pod-security.kubernetes.io/warn-version":    "latest",
	"pod-security.kubernetes.io/audit":           "restricted",
	"pod-security.kubernetes.io/audit-version":   "latest",
}

// ctxFor returns a context that ends with the test (or after d).
func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// newNamespace creates a namespace labelled restricted, waits for its default ServiceAccount and
// deletes it when the test ends (keeping it, and dumping what is in it, when the test failed).
func newNamespace(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	c := env.cluster
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: restrictedLabels}}
	if _, err := c.Client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			dumpNamespace(t, name)
			return
		}
		_ = c.Client.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	if err := c.poll(ctx, time.Minute, func(ctx context.Context) (bool, error) {
		_, err := c.Client.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	}); err != nil {
		t.Fatalf("namespace %s: no default ServiceAccount: %v", name, err)
	}
	return name
}

// dumpNamespace logs the pods, workloads and events of a namespace: what a reader of a failed
// run needs first.
func dumpNamespace(t *testing.T, ns string) {
	t.Helper()
	c := env.cluster
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var b strings.Builder
	fmt.Fprintf(&b, "---- namespace %s ----\n", ns)
	if l, err := c.Client.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{}); err == nil {
		for _, d := range l.Items {
			fmt.Fprintf(&b, "deployment %s: replicas=%d ready=%d available=%d updated=%d conditions=%s\n", d.Name,
				deref(d.Spec.Replicas), d.Status.ReadyReplicas, d.Status.AvailableReplicas, d.Status.UpdatedReplicas, deploymentConditions(&d))
		}
	}
	if l, err := c.Client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{}); err == nil {
		for _, j := range l.Items {
			fmt.Fprintf(&b, "job %s: active=%d ready=%d succeeded=%d failed=%d\n", j.Name, j.Status.Active, deref(j.Status.Ready), j.Status.Succeeded, j.Status.Failed)
		}
	}
	if l, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{}); err == nil {
		for _, p := range l.Items {
			fmt.Fprintf(&b, "pod %s: phase=%s node=%s ready=%v deleting=%v\n", p.Name, p.Status.Phase, p.Spec.NodeName, podReady(&p), p.DeletionTimestamp != nil)
		}
	}
	if l, err := c.Client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{}); err == nil {
		sort.Slice(l.Items, func(i, j int) bool { return l.Items[i].LastTimestamp.Before(&l.Items[j].LastTimestamp) })
		for _, e := range l.Items {
			fmt.Fprintf(&b, "event %s %s/%s %s: %s\n", e.Type, e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Reason, e.Message)
		}
	}
	t.Log(b.String())
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func deploymentConditions(d *appsv1.Deployment) string {
	var parts []string
	for _, c := range d.Status.Conditions {
		parts = append(parts, fmt.Sprintf("%s=%s(%s)", c.Type, c.Status, c.Reason))
	}
	return strings.Join(parts, ",")
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func podRunning(p *corev1.Pod) bool {
	return p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning && podReady(p)
}

// checkWorkloads checks, once, that the workloads selected by sel in ns are healthy: no
// FailedCreate event, every Deployment Available with all replicas ready and updated, every Job
// with a Running pod, every Service with a selector has ready endpoints (EndpointSlices), every
// pod Running. It returns what is wrong, or nil.
func checkWorkloads(ctx context.Context, ns, sel string) []string {
	c := env.cluster
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	list := metav1.ListOptions{LabelSelector: sel}

	events, err := c.Client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return []string{err.Error()}
	}
	for _, e := range events.Items {
		if e.Reason == "FailedCreate" {
			add("event FailedCreate on %s/%s: %s", e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Message)
		}
	}
	deps, err := c.Client.AppsV1().Deployments(ns).List(ctx, list)
	if err != nil {
		return []string{err.Error()}
	}
	for _, d := range deps.Items {
		want := deref(d.Spec.Replicas)
		available := false
		for _, cond := range d.Status.Conditions {
			if cond.Type == appsv1.DeploymentAvailable && cond.Status == corev1.ConditionTrue {
				available = true
			}
		}
		if !available || d.Status.ReadyReplicas != want || d.Status.UpdatedReplicas != want || d.Status.Replicas != want ||
			d.Status.ObservedGeneration < d.Generation {
			add("deployment %s not available: want %d replicas, have %d (%d ready, %d updated) [%s]", d.Name, want,
				d.Status.Replicas, d.Status.ReadyReplicas, d.Status.UpdatedReplicas, deploymentConditions(&d))
		}
	}
	jobs, err := c.Client.BatchV1().Jobs(ns).List(ctx, list)
	if err != nil {
		return []string{err.Error()}
	}
	for _, j := range jobs.Items {
		s, err := metav1.LabelSelectorAsSelector(j.Spec.Selector)
		if err != nil {
			add("job %s: %v", j.Name, err)
			continue
		}
		pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: s.String()})
		if err != nil {
			return []string{err.Error()}
		}
		running := 0
		for _, p := range pods.Items {
			if podRunning(&p) {
				running++
			}
		}
		if running == 0 {
			add("job %s has no Running pod (%d pods)", j.Name, len(pods.Items))
		}
	}
	svcs, err := c.Client.CoreV1().Services(ns).List(ctx, list)
	if err != nil {
		return []string{err.Error()}
	}
	for _, s := range svcs.Items {
		if len(s.Spec.Selector) == 0 {
			continue
		}
		slices, err := c.Client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + s.Name})
		if err != nil {
			return []string{err.Error()}
		}
		ready := 0
		for _, sl := range slices.Items {
			for _, e := range sl.Endpoints {
				if e.Conditions.Ready == nil || *e.Conditions.Ready {
					ready++
				}
			}
		}
		if ready == 0 {
			add("service %s has no ready endpoints (%d EndpointSlices)", s.Name, len(slices.Items))
		}
	}
	pods, err := c.Client.CoreV1().Pods(ns).List(ctx, list)
	if err != nil {
		return []string{err.Error()}
	}
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil && !podRunning(&p) {
			add("pod %s is %s (ready=%v)", p.Name, p.Status.Phase, podReady(&p))
		}
	}
	if len(deps.Items)+len(jobs.Items) == 0 {
		add("no Deployment or Job matches %q", sel)
	}
	return problems
}

// waitWorkloads waits until checkWorkloads finds nothing wrong, and fails the test with the last
// problems otherwise.
func waitWorkloads(t *testing.T, ctx context.Context, ns, sel string, timeout time.Duration) {
	t.Helper()
	var problems []string
	err := env.cluster.poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		problems = checkWorkloads(ctx, ns, sel)
		// A FailedCreate event never goes away: stop at once.
		for _, p := range problems {
			if strings.HasPrefix(p, "event FailedCreate") {
				return false, fmt.Errorf("%s", p)
			}
		}
		return len(problems) == 0, nil
	})
	if err != nil {
		t.Fatalf("workloads %q in %s not healthy after %v: %v\n  %s", sel, ns, timeout, err, strings.Join(problems, "\n  "))
	}
}

// noWarnings fails the test when the API server returned warnings.
func noWarnings(t *testing.T, what string, w *warnings) {
	t.Helper()
	if ws := w.All(); len(ws) > 0 {
		t.Errorf("%s: the API server returned %d warning(s):\n  %s", what, len(ws), strings.Join(ws, "\n  "))
	}
}

// decodeManifests splits a multi-document YAML stream into objects, skipping empty documents.
func decodeManifests(data []byte) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for i := 1; ; i++ {
		doc, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(m) > 0 {
			out = append(out, &unstructured.Unstructured{Object: m})
		}
	}
}

// resourceFor maps an object's kind to its resource and scope.
func resourceFor(obj *unstructured.Unstructured) (schema.GroupVersionResource, bool, error) {
	gvk := obj.GroupVersionKind()
	m, err := env.cluster.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		env.cluster.Mapper.Reset()
		if m, err = env.cluster.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
			return schema.GroupVersionResource{}, false, fmt.Errorf("%s: %w", gvk, err)
		}
	}
	return m.Resource, m.Scope.Name() == meta.RESTScopeNameNamespace, nil
}

// namespacedResources lists every namespaced resource type the API server serves that can be
// listed, via discovery (aggregated APIs and CRDs included).
func namespacedResources(t *testing.T) []schema.GroupVersionResource {
	t.Helper()
	dc, err := discovery.NewDiscoveryClientForConfig(env.cluster.Config)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := dc.ServerPreferredNamespacedResources()
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		t.Fatalf("discovery: %v", err)
	}
	var out []schema.GroupVersionResource
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") || !slices.Contains(r.Verbs, "list") {
				continue
			}
			out = append(out, gv.WithResource(r.Name))
		}
	}
	return out
}

// objectsIn lists every object in ns of every namespaced type, as "resource.group/name".
// keep filters them; nil keeps all.
func objectsIn(t *testing.T, ctx context.Context, ns string, keep func(gvr schema.GroupVersionResource, o *unstructured.Unstructured) bool) []string {
	t.Helper()
	var out []string
	for _, gvr := range namespacedResources(t) {
		l, err := env.cluster.Dynamic.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			if apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) {
				continue
			}
			t.Fatalf("listing %s in %s: %v", gvr, ns, err)
		}
		for i := range l.Items {
			if keep == nil || keep(gvr, &l.Items[i]) {
				id := gvr.Resource
				if gvr.Group != "" {
					id += "." + gvr.Group
				}
				out = append(out, id+"/"+l.Items[i].GetName())
			}
		}
	}
	sort.Strings(out)
	return out
}

// helmRun runs the pinned helm CLI against the cluster. Helm's state (config, cache, data) lives
// in the test's scratch folder, never in the user's home.
func helmRun(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	home := filepath.Join(env.work, "helm")
	cmd := exec.CommandContext(ctx, filepath.Join(env.bin, "helm"), args...)
	cmd.Env = append(os.Environ(),
		"KUBECONFIG="+env.cluster.Kubeconfig,
		"HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_CACHE_HOME="+filepath.Join(home, "cache"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"),
		"HELM_KUBETOKEN=", "HELM_KUBEAPISERVER=", "HELM_KUBECONTEXT=",
	)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if err != nil {
		err = fmt.Errorf("helm %s: %w\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String(), err
}

// helmMust runs helm and fails the test on error. It returns stdout and stderr.
func helmMust(t *testing.T, ctx context.Context, args ...string) (string, string) {
	t.Helper()
	out, errOut, err := helmRun(ctx, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out, errOut
}

// apiWarningsIn returns the lines of helm's stderr that are API server warnings (client-go logs
// them as "W... warnings.go:NN] text") or mention Pod Security.
func apiWarningsIn(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "warnings.go") || strings.Contains(l, "PodSecurity") || strings.Contains(l, "would violate") ||
			strings.HasPrefix(strings.TrimSpace(l), "Warning:") {
			out = append(out, l)
		}
	}
	return out
}

// installFixtures adds what charts may need beyond core Kubernetes: the PodMonitor CRD of the
// Prometheus operator (a minimal schema that keeps every field).
func installFixtures(ctx context.Context, c *Cluster) error {
	data, err := os.ReadFile(filepath.Join(env.root, "tests", "e2e", "testdata", "crds.yaml"))
	if err != nil {
		return err
	}
	objs, err := decodeManifests(data)
	if err != nil {
		return err
	}
	crdGVR := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	for _, o := range objs {
		if _, err := c.Dynamic.Resource(crdGVR).Create(ctx, o, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil {
			return fmt.Errorf("creating CRD %s: %w", o.GetName(), err)
		}
		name := o.GetName()
		if err := c.poll(ctx, 30*time.Second, func(ctx context.Context) (bool, error) {
			got, err := c.Dynamic.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, nil
			}
			conds, _, _ := unstructured.NestedSlice(got.Object, "status", "conditions")
			for _, cond := range conds {
				m, _ := cond.(map[string]any)
				if m["type"] == "Established" && m["status"] == "True" {
					return true, nil
				}
			}
			return false, nil
		}); err != nil {
			return fmt.Errorf("CRD %s not established: %w", name, err)
		}
	}
	c.Mapper.Reset()
	return nil
}

// assertNamespaceEmpty waits until ns holds nothing but what every namespace has (the default
// ServiceAccount, kube-root-ca.crt, events) and the objects named in except ("resource/name"),
// listing every namespaced type by discovery; it fails naming what is left.
func assertNamespaceEmpty(t *testing.T, ctx context.Context, ns string, except ...string) {
	t.Helper()
	skip := map[string]bool{"serviceaccounts/default": true, "configmaps/kube-root-ca.crt": true}
	for _, e := range except {
		skip[e] = true
	}
	keep := func(gvr schema.GroupVersionResource, o *unstructured.Unstructured) bool {
		return gvr.Resource != "events" && !skip[gvr.Resource+"/"+o.GetName()]
	}
	var left []string
	err := env.cluster.poll(ctx, 90*time.Second, func(ctx context.Context) (bool, error) {
		left = objectsIn(t, ctx, ns, keep)
		return len(left) == 0, nil
	})
	if err != nil {
		t.Errorf("namespace %s still holds %d object(s): %s", ns, len(left), strings.Join(left, ", "))
	}
}

// fromUnstructured converts an object into its typed form.
func fromUnstructured(u *unstructured.Unstructured, into any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, into)
}
