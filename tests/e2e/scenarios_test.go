//go:build e2e

package e2e

// Scenario steps every chart shares. An engine file (flink_test.go, spark_test.go) states its
// chart's contract and calls these.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// release is one descriptor installed as a Helm release in its own namespace.
type release struct {
	*testCase
	valuesFile string
	values     values
	fullname   string // base of every object name: fullnameOverride or the release name
	sa         string // the ServiceAccount the workload pods run as
}

// newRelease runs `gen values` for the case and creates its restricted namespace.
func newRelease(t *testing.T, ctx context.Context, tc *testCase) *release {
	t.Helper()
	valuesFile, v := caseValues(t, tc)
	r := &release{testCase: tc, valuesFile: valuesFile, values: v}
	r.fullname = v.str("fullnameOverride")
	if r.fullname == "" {
		r.fullname = tc.release
	}
	r.sa = v.str("serviceAccount.name")
	if r.sa == "" {
		r.sa = r.fullname
	}
	newNamespace(t, ctx, tc.namespace)
	return r
}

func (r *release) selector() string { return labelInstance + "=" + r.release }

// componentSelector selects the pods (or workloads) of one component of the release.
func (r *release) componentSelector(chartName, component string) string {
	return r.selector() + "," + labelName + "=" + chartName + "," + labelComponent + "=" + component
}

func (r *release) user() string { return "system:serviceaccount:" + r.namespace + ":" + r.sa }

// serverSideValidation: every manifest `gen render` prints (hooks included) is accepted by a
// dry-run create with fieldValidation=Strict in the restricted namespace, without warnings. Run
// it while the namespace is empty, so that every object can be created.
func (r *release) serverSideValidation(t *testing.T, ctx context.Context) {
	objs, err := decodeManifests(genRun(t, "render", r.descriptor))
	if err != nil {
		t.Fatalf("gen render %s: %v", r.descriptor, err)
	}
	dryRunStrict(t, ctx, r.namespace, objs)
}

// prepare gives the cluster what the chart's pods expect of it before the install: the
// ServiceAccount when the chart does not create it, and scheduling prerequisites of each pod
// template (values paths of the podTemplate maps, e.g. "podTemplate" or "podTemplate.driver").
func (r *release) prepare(t *testing.T, ctx context.Context, podTemplates ...string) {
	t.Helper()
	if !r.values.bool("serviceAccount.create") {
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: r.sa}}
		if _, err := env.cluster.Client.CoreV1().ServiceAccounts(r.namespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, pt := range podTemplates {
		var nodeSelector map[string]string
		var tolerations []corev1.Toleration
		if err := r.values.into(pt+".nodeSelector", &nodeSelector); err != nil {
			t.Fatal(err)
		}
		if err := r.values.into(pt+".tolerations", &tolerations); err != nil {
			t.Fatal(err)
		}
		ensureScheduling(t, ctx, r.values.str(pt+".priorityClassName"), nodeSelector, tolerations)
	}
}

// install: helm install --wait into the restricted namespace, then no FailedCreate, every
// Deployment Available, every Job's pod Running, every Service with endpoints.
func (r *release) install(t *testing.T, ctx context.Context) {
	t.Helper()
	start := time.Now()
	helmInstall(t, ctx, r.testCase, r.valuesFile)
	waitWorkloads(t, ctx, r.namespace, r.selector(), time.Minute)
	t.Logf("installed and healthy in %v", since(start))
}

// exists fails the test unless the object exists.
func (r *release) exists(t *testing.T, ctx context.Context, gvr schema.GroupVersionResource, name string) {
	t.Helper()
	if _, err := env.cluster.Dynamic.Resource(gvr).Namespace(r.namespace).Get(ctx, name, metav1.GetOptions{}); err != nil {
		t.Errorf("%s %s: %v", gvr.Resource, name, err)
	}
}

// count returns how many objects of a type are in the namespace.
func (r *release) count(t *testing.T, ctx context.Context, gvr schema.GroupVersionResource) int {
	t.Helper()
	l, err := env.cluster.Dynamic.Resource(gvr).Namespace(r.namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return len(l.Items)
}

var (
	gvrConfigMaps      = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	gvrServiceAccounts = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	gvrServices        = schema.GroupVersionResource{Version: "v1", Resource: "services"}
	gvrDeployments     = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	gvrJobs            = schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}
	gvrRoles           = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}
	gvrRoleBindings    = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}
	gvrPodMonitors     = schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "podmonitors"}
	gvrPodGroups       = schema.GroupVersionResource{Group: "scheduling.volcano.sh", Version: "v1beta1", Resource: "podgroups"}
)

// servicePort returns the named port of a Service.
func (r *release) servicePort(t *testing.T, ctx context.Context, service, port string) corev1.ServicePort {
	t.Helper()
	svc, err := env.cluster.Client.CoreV1().Services(r.namespace).Get(ctx, service, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range svc.Spec.Ports {
		if p.Name == port {
			return p
		}
	}
	t.Fatalf("Service %s has no port named %s", service, port)
	return corev1.ServicePort{}
}

// testHook: the `helm test` pods are rendered, are accepted by the API server in the restricted
// namespace (dry run, no warnings) and ask service on its named port. They are never run: no
// real Flink or Spark answers here.
func (r *release) testHook(t *testing.T, ctx context.Context, service, port string) {
	t.Helper()
	p := r.servicePort(t, ctx, service, port)
	var tests []*unstructured.Unstructured
	for _, h := range helmHooks(t, ctx, r.testCase) {
		if strings.Contains(h.GetAnnotations()["helm.sh/hook"], "test") {
			tests = append(tests, h)
		}
	}
	if len(tests) == 0 {
		t.Fatal("the release has no helm test hook")
	}
	url := regexp.MustCompile(`\b` + regexp.QuoteMeta(service) + `(\.` + regexp.QuoteMeta(r.namespace) + `)?(\.svc(\.cluster\.local)?)?:` + fmt.Sprint(p.Port) + `\b`)
	for _, h := range tests {
		if h.GetKind() != "Pod" {
			t.Errorf("test hook %s/%s: want a Pod", h.GetKind(), h.GetName())
			continue
		}
		dryRunStrict(t, ctx, r.namespace, []*unstructured.Unstructured{h})
		var pod corev1.Pod
		if err := fromUnstructured(h, &pod); err != nil {
			t.Fatal(err)
		}
		var text []string
		for _, ctr := range pod.Spec.Containers {
			text = append(text, ctr.Command...)
			text = append(text, ctr.Args...)
			for _, e := range ctr.Env {
				text = append(text, e.Value)
			}
		}
		if !url.MatchString(strings.Join(text, "\n")) {
			t.Errorf("test hook %s does not ask %s:%d (port %s of the Service):\n%s", pod.Name, service, p.Port, port, strings.Join(text, "\n"))
		}
	}
}

// targetsContainerPort fails unless the Service port reaches a named container port of tmpl.
func targetsContainerPort(t *testing.T, svcPort corev1.ServicePort, tmpl corev1.PodTemplateSpec) {
	t.Helper()
	for _, ctr := range tmpl.Spec.Containers {
		for _, p := range ctr.Ports {
			if (svcPort.TargetPort.StrVal != "" && p.Name == svcPort.TargetPort.StrVal) ||
				(svcPort.TargetPort.StrVal == "" && p.ContainerPort == svcPort.TargetPort.IntVal) {
				return
			}
		}
	}
	t.Errorf("Service port %s targets %s, which no container port of the pod is", svcPort.Name, svcPort.TargetPort.String())
}

// access is one request a subject might make.
type access struct{ ns, verb, group, resource string }

// assertAllowed fails for every access the API server denies to user (SubjectAccessReview).
func assertAllowed(t *testing.T, ctx context.Context, user string, want []access) {
	t.Helper()
	for _, a := range want {
		if !review(t, ctx, user, a) {
			t.Errorf("%s may not %s %s (group %q) in namespace %q", user, a.verb, a.resource, a.group, a.ns)
		}
	}
}

// assertDenied fails for every access the API server allows user.
func assertDenied(t *testing.T, ctx context.Context, user string, never []access) {
	t.Helper()
	for _, a := range never {
		if review(t, ctx, user, a) {
			t.Errorf("%s may %s %s (group %q) in namespace %q", user, a.verb, a.resource, a.group, a.ns)
		}
	}
}

func review(t *testing.T, ctx context.Context, user string, a access) bool {
	t.Helper()
	res, sub, _ := strings.Cut(a.resource, "/")
	return allowedSAR(t, ctx, authorizationv1.SubjectAccessReviewSpec{User: user, ResourceAttributes: &authorizationv1.ResourceAttributes{
		Namespace: a.ns, Verb: a.verb, Group: a.group, Resource: res, Subresource: sub,
	}})
}

// commonDenied are accesses no job's ServiceAccount ever needs.
func commonDenied(ns string) []access {
	return []access{
		{"default", "get", "", "configmaps"},
		{"kube-system", "update", "", "configmaps"},
		{"", "list", "", "configmaps"}, // all namespaces
		{"", "list", "", "pods"},
		{ns, "get", "", "secrets"},
		{ns, "list", "", "secrets"},
		{ns, "watch", "", "secrets"},
		{ns, "create", "", "pods/exec"},
		{ns, "create", "", "events"},
		{ns, "get", "apps", "deployments"},
		{ns, "patch", "apps", "deployments"},
		{ns, "create", "batch", "jobs"},
		{ns, "get", "coordination.k8s.io", "leases"},
		{ns, "create", "rbac.authorization.k8s.io", "roles"},
		{ns, "create", "rbac.authorization.k8s.io", "rolebindings"},
		{ns, "create", "", "serviceaccounts/token"},
		{"", "list", "", "nodes"},
		{"", "create", "", "namespaces"},
	}
}

// rule is a namespaced RBAC rule in a comparable form.
func rule(groups, resources, verbs []string) string {
	resources = append([]string(nil), resources...)
	verbs = append([]string(nil), verbs...)
	sort.Strings(resources)
	sort.Strings(verbs)
	return fmt.Sprintf("groups=%v resources=%v verbs=%v", groups, resources, verbs)
}

// assertRules checks that the rules that apply to user in ns, less what every authenticated user
// has (system:basic-user's self reviews), are exactly want: nothing else is granted.
func assertRules(t *testing.T, ctx context.Context, user, ns string, want []string) {
	t.Helper()
	as, _, err := env.cluster.As(user)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := as.AuthorizationV1().SelfSubjectRulesReviews().Create(ctx,
		&authorizationv1.SelfSubjectRulesReview{Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: ns}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rr.Status.ResourceRules {
		if selfReviewRule(r) {
			continue
		}
		s := rule(r.APIGroups, r.Resources, r.Verbs)
		if len(r.ResourceNames) > 0 {
			s += fmt.Sprintf(" names=%v", r.ResourceNames)
		}
		got = append(got, s)
	}
	sort.Strings(got)
	want = append([]string(nil), want...)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules of %s in %s:\n got: %s\nwant: %s", user, ns, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

// selfReviewRule is a rule every authenticated user has (system:basic-user): creating
// self-subject access/rules reviews and self-subject reviews.
func selfReviewRule(r authorizationv1.ResourceRule) bool {
	for _, res := range r.Resources {
		if !strings.HasPrefix(res, "selfsubject") {
			return false
		}
	}
	return len(r.Resources) > 0
}

// replacePods deletes every pod matching sel and waits until want new pods are Running and
// Ready and none of the deleted ones is left.
func replacePods(t *testing.T, ctx context.Context, ns, sel string, want int, within time.Duration) {
	t.Helper()
	c := env.cluster
	pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) == 0 {
		t.Fatalf("no pod matches %s", sel)
	}
	old := map[string]bool{}
	for _, p := range pods.Items {
		old[string(p.UID)] = true
		if err := c.Client.CoreV1().Pods(ns).Delete(ctx, p.Name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	var state string
	err = c.poll(ctx, within, func(ctx context.Context) (bool, error) {
		pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			return false, err
		}
		fresh, stale := 0, 0
		for _, p := range pods.Items {
			switch {
			case old[string(p.UID)]:
				stale++
			case podRunning(&p):
				fresh++
			}
		}
		state = fmt.Sprintf("%d new Running, %d deleted still there, %d pods", fresh, stale, len(pods.Items))
		return fresh == want && stale == 0, nil
	})
	if err != nil {
		t.Fatalf("deleted %d pod(s) %s: not replaced within %v: %s", len(old), sel, within, state)
	}
	t.Logf("deleted %d pod(s) %s: %d Running again after %v", len(old), sel, want, since(start))
}

// workload is the state of one component's workload that an upgrade or rollback changes.
type workload struct {
	kind, name string
	revision   string // Deployment: pod-template-hash of its current ReplicaSet; Job: its name
	replicas   int32
	images     []string
}

func (w workload) String() string {
	return fmt.Sprintf("%s/%s rev=%s replicas=%d images=%v", w.kind, w.name, w.revision, w.replicas, w.images)
}

// snapshot returns the release's workloads by component, after checking that every pod of a
// Deployment runs its current revision.
func (r *release) snapshot(t *testing.T, ctx context.Context) map[string]workload {
	t.Helper()
	c := env.cluster
	out := map[string]workload{}
	deps, err := c.Client.AppsV1().Deployments(r.namespace).List(ctx, metav1.ListOptions{LabelSelector: r.selector()})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deps.Items {
		rs := currentReplicaSet(t, ctx, &d)
		hash := rs.Labels[appsv1.DefaultDeploymentUniqueLabelKey]
		pods, err := c.Client.CoreV1().Pods(r.namespace).List(ctx, metav1.ListOptions{LabelSelector: metav1.FormatLabelSelector(d.Spec.Selector)})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pods.Items {
			if p.DeletionTimestamp == nil && p.Labels[appsv1.DefaultDeploymentUniqueLabelKey] != hash {
				t.Errorf("deployment %s: pod %s has pod-template-hash %s, the current ReplicaSet %s", d.Name, p.Name, p.Labels[appsv1.DefaultDeploymentUniqueLabelKey], hash)
			}
		}
		out[d.Labels[labelComponent]] = workload{kind: "Deployment", name: d.Name, revision: hash, replicas: deref(d.Spec.Replicas), images: images(d.Spec.Template)}
	}
	jobs, err := c.Client.BatchV1().Jobs(r.namespace).List(ctx, metav1.ListOptions{LabelSelector: r.selector()})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs.Items {
		if j.DeletionTimestamp != nil {
			continue
		}
		comp := j.Labels[labelComponent]
		if prev, ok := out[comp]; ok {
			t.Errorf("component %s has two workloads: %s and Job/%s", comp, prev, j.Name)
		}
		out[comp] = workload{kind: "Job", name: j.Name, revision: j.Name, replicas: 1, images: images(j.Spec.Template)}
	}
	return out
}

func currentReplicaSet(t *testing.T, ctx context.Context, d *appsv1.Deployment) *appsv1.ReplicaSet {
	t.Helper()
	rss, err := env.cluster.Client.AppsV1().ReplicaSets(d.Namespace).List(ctx, metav1.ListOptions{LabelSelector: metav1.FormatLabelSelector(d.Spec.Selector)})
	if err != nil {
		t.Fatal(err)
	}
	var cur *appsv1.ReplicaSet
	for i := range rss.Items {
		rs := &rss.Items[i]
		if metav1.IsControlledBy(rs, d) && rs.Annotations["deployment.kubernetes.io/revision"] == d.Annotations["deployment.kubernetes.io/revision"] {
			cur = rs
		}
	}
	if cur == nil {
		t.Fatalf("deployment %s: no ReplicaSet of revision %s", d.Name, d.Annotations["deployment.kubernetes.io/revision"])
	}
	return cur
}

func images(p corev1.PodTemplateSpec) []string {
	var out []string
	for _, c := range append(append([]corev1.Container(nil), p.Spec.InitContainers...), p.Spec.Containers...) {
		out = append(out, c.Image)
	}
	sort.Strings(out)
	return out
}

// otherImage returns an image reference that differs from ref: another digest or tag.
func otherImage(ref string) string {
	if repo, digest, ok := strings.Cut(ref, "@sha256:"); ok {
		sum := sha256.Sum256([]byte(digest + "/e2e"))
		return repo + "@sha256:" + hex.EncodeToString(sum[:])
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref + "-e2e"
	}
	return ref + ":e2e"
}

// upgrade runs helm upgrade with the case's values plus overrides (merged in order), waits for
// the workloads and returns their new state.
func (r *release) upgrade(t *testing.T, ctx context.Context, overrides ...map[string]any) map[string]workload {
	t.Helper()
	files := []string{r.valuesFile}
	for i, o := range overrides {
		files = append(files, writeValues(t, fmt.Sprintf("%s-override-%d.yaml", r.namespace, i), o))
	}
	helmUpgrade(t, ctx, r.testCase, files...)
	waitWorkloads(t, ctx, r.namespace, r.selector(), time.Minute)
	return r.snapshot(t, ctx)
}

// rollbackAndUninstall: helm rollback to revision 1 restores its workloads (same
// pod-template-hash, same Job) and the data of configMap; helm uninstall then leaves nothing in
// the namespace (every namespaced type, via discovery).
func (r *release) rollbackAndUninstall(t *testing.T, ctx context.Context, orig map[string]workload, configMap, origConfig string) {
	t.Helper()
	helmChange(t, ctx, r.namespace, "rollback", r.release, "1")
	waitWorkloads(t, ctx, r.namespace, r.selector(), time.Minute)
	if back := r.snapshot(t, ctx); fmt.Sprint(back) != fmt.Sprint(orig) {
		t.Errorf("rollback to revision 1:\n got %v\nwant %v", back, orig)
	}
	if got := r.configData(t, ctx, configMap); got != origConfig {
		t.Errorf("rollback to revision 1: ConfigMap %s differs from revision 1", configMap)
	}
	helmChange(t, ctx, r.namespace, "uninstall", r.release)
	var except []string
	if !r.values.bool("serviceAccount.create") {
		except = append(except, "serviceaccounts/"+r.sa) // made by prepare, not the chart
	}
	assertNamespaceEmpty(t, ctx, r.namespace, except...)
}

func (r *release) configData(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	cm, err := env.cluster.Client.CoreV1().ConfigMaps(r.namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(cm.Data, cm.BinaryData)
}
