//go:build e2e

package e2e

// The scenarios of issue #4 for a FlinkJob descriptor and charts/flink-job.

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
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// flinkJob is what the scenarios need to know about one installed FlinkJob.
type flinkJob struct {
	*testCase
	valuesFile string
	values     values
	fullname   string // base of every object name
	sa         string // the pods' ServiceAccount
	batch      bool   // JobManager is a Job, not a Deployment
	ha         string // none | zookeeper | zetcd | kubernetes
}

func (f *flinkJob) selector() string { return labelInstance + "=" + f.release }

func (f *flinkJob) componentSelector(component string) string {
	return f.selector() + "," + labelName + "=flink-job," + labelComponent + "=" + component
}

func runFlinkCase(t *testing.T, tc *testCase) {
	ctx := ctxFor(t, 10*time.Minute)
	valuesFile, v := caseValues(t, tc)
	f := &flinkJob{testCase: tc, valuesFile: valuesFile, values: v}
	f.fullname = v.str("fullnameOverride")
	if f.fullname == "" {
		f.fullname = tc.release
	}
	f.sa = v.str("serviceAccount.name")
	if f.sa == "" {
		f.sa = f.fullname
	}
	f.batch = v.str("job.mode") == "batch"
	f.ha = v.str("highAvailability.type")
	newNamespace(t, ctx, tc.namespace)
	start := time.Now()

	// Scenario 2 first, while the namespace is empty: nothing exists yet, so every object can be
	// created (dry run).
	t.Run("server-side validation", func(t *testing.T) { f.serverSideValidation(t, ctx) })
	if !t.Run("install", func(t *testing.T) { f.install(t, ctx) }) {
		return
	}
	t.Run("helm test hook", func(t *testing.T) { f.testHook(t, ctx) })
	t.Run("rbac", func(t *testing.T) { f.rbac(t, ctx) })
	if !t.Run("faults", func(t *testing.T) { f.faults(t, ctx) }) {
		return
	}
	t.Run("lifecycle", func(t *testing.T) { f.lifecycle(t, ctx) })
	t.Logf("%s: all scenarios in %v", tc.name, since(start))
}

// serverSideValidation: every manifest `gen render` prints (hooks included) is accepted by a
// dry-run create with fieldValidation=Strict in the restricted namespace, without warnings.
func (f *flinkJob) serverSideValidation(t *testing.T, ctx context.Context) {
	objs, err := decodeManifests(genRun(t, "render", f.descriptor))
	if err != nil {
		t.Fatalf("gen render %s: %v", f.descriptor, err)
	}
	dryRunStrict(t, ctx, f.namespace, objs)
}

// install: helm install --wait into the restricted namespace: no API warnings, no FailedCreate,
// every Deployment Available, every Job's pod Running, every Service with endpoints, and the
// objects of the chart's contract.
func (f *flinkJob) install(t *testing.T, ctx context.Context) {
	c := env.cluster
	if !f.values.bool("serviceAccount.create") {
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: f.sa}}
		if _, err := c.Client.CoreV1().ServiceAccounts(f.namespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var nodeSelector map[string]string
	var tolerations []corev1.Toleration
	if err := f.values.into("podTemplate.nodeSelector", &nodeSelector); err != nil {
		t.Fatal(err)
	}
	if err := f.values.into("podTemplate.tolerations", &tolerations); err != nil {
		t.Fatal(err)
	}
	ensureScheduling(t, ctx, f.values.str("podTemplate.priorityClassName"), nodeSelector, tolerations)
	start := time.Now()
	helmInstall(t, ctx, f.testCase, f.valuesFile)
	waitWorkloads(t, ctx, f.namespace, f.selector(), time.Minute)
	t.Logf("installed and healthy in %v", since(start))

	// The contract of charts/flink-job.
	svc, err := c.Client.CoreV1().Services(f.namespace).Get(ctx, f.fullname+"-jobmanager", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("JobManager Service: %v", err)
	}
	ports := map[string]int32{}
	for _, p := range svc.Spec.Ports {
		ports[p.Name] = p.Port
	}
	for name, port := range map[string]int32{"rpc": 6123, "blob": 6124, "rest": 8081} {
		if ports[name] != port {
			t.Errorf("Service %s: port %s is %d, want %d", svc.Name, name, ports[name], port)
		}
	}
	if _, err := c.Client.CoreV1().ConfigMaps(f.namespace).Get(ctx, f.fullname+"-config", metav1.GetOptions{}); err != nil {
		t.Errorf("ConfigMap: %v", err)
	}
	if _, err := c.Client.CoreV1().ServiceAccounts(f.namespace).Get(ctx, f.sa, metav1.GetOptions{}); err != nil {
		t.Errorf("ServiceAccount: %v", err)
	}
	_, jmDepErr := c.Client.AppsV1().Deployments(f.namespace).Get(ctx, f.fullname+"-jobmanager", metav1.GetOptions{})
	jobs, err := c.Client.BatchV1().Jobs(f.namespace).List(ctx, metav1.ListOptions{LabelSelector: f.componentSelector("jobmanager")})
	if err != nil {
		t.Fatal(err)
	}
	if f.batch {
		if len(jobs.Items) != 1 || !apierrors.IsNotFound(jmDepErr) {
			t.Errorf("batch mode: want one JobManager Job and no Deployment, have %d Job(s), Deployment error %v", len(jobs.Items), jmDepErr)
		}
	} else if jmDepErr != nil || len(jobs.Items) != 0 {
		t.Errorf("streaming mode: want the Deployment %s-jobmanager and no Job: %v, %d Job(s)", f.fullname, jmDepErr, len(jobs.Items))
	}
	tm, err := c.Client.AppsV1().Deployments(f.namespace).Get(ctx, f.fullname+"-taskmanager", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("TaskManager Deployment: %v", err)
	}
	if want := int32(f.values.int("taskManager.replicas")); deref(tm.Spec.Replicas) != want {
		t.Errorf("TaskManager replicas %d, want %d (taskManager.replicas)", deref(tm.Spec.Replicas), want)
	}
	_, zdErr := c.Client.AppsV1().Deployments(f.namespace).Get(ctx, f.fullname+"-zetcd", metav1.GetOptions{})
	_, zsErr := c.Client.CoreV1().Services(f.namespace).Get(ctx, f.fullname+"-zetcd", metav1.GetOptions{})
	if (f.ha == "zetcd") != (zdErr == nil && zsErr == nil) {
		t.Errorf("highAvailability.type %s: zetcd Deployment: %v, Service: %v", f.ha, zdErr, zsErr)
	}
	pm := schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "podmonitors"}
	pms, err := c.Dynamic.Resource(pm).Namespace(f.namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := f.values.bool("metrics.prometheus.podMonitor"); want != (len(pms.Items) > 0) {
		t.Errorf("metrics.prometheus.podMonitor %v, but %d PodMonitor(s)", want, len(pms.Items))
	}
	pods, err := c.Client.CoreV1().Pods(f.namespace).List(ctx, metav1.ListOptions{LabelSelector: f.selector()})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Labels[labelName] != "flink-job" || !contains([]string{"jobmanager", "taskmanager", "zetcd"}, p.Labels[labelComponent]) {
			t.Errorf("pod %s: labels %v lack %s=flink-job and a component", p.Name, p.Labels, labelName)
		}
	}
}

// testHook: the `helm test` pod is rendered, is accepted by the API server in the restricted
// namespace (dry run, no warnings) and asks the JobManager Service's REST port. It is never run:
// no real Flink answers here.
func (f *flinkJob) testHook(t *testing.T, ctx context.Context) {
	svc, err := env.cluster.Client.CoreV1().Services(f.namespace).Get(ctx, f.fullname+"-jobmanager", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rest *corev1.ServicePort
	for i := range svc.Spec.Ports {
		if svc.Spec.Ports[i].Name == "rest" {
			rest = &svc.Spec.Ports[i]
		}
	}
	if rest == nil {
		t.Fatalf("Service %s has no port named rest", svc.Name)
	}
	// The Service's rest port reaches the JobManager container's REST port.
	jmPod := f.jobManagerTemplate(t, ctx)
	found := false
	for _, ctr := range jmPod.Spec.Containers {
		for _, p := range ctr.Ports {
			if (rest.TargetPort.StrVal != "" && p.Name == rest.TargetPort.StrVal) || (rest.TargetPort.StrVal == "" && p.ContainerPort == rest.TargetPort.IntVal) {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("Service %s port rest targets %s, which no JobManager container port is", svc.Name, rest.TargetPort.String())
	}

	var tests []*unstructured.Unstructured
	for _, h := range helmHooks(t, ctx, f.testCase) {
		if strings.Contains(h.GetAnnotations()["helm.sh/hook"], "test") {
			tests = append(tests, h)
		}
	}
	if len(tests) == 0 {
		t.Fatal("the release has no helm test hook")
	}
	url := regexp.MustCompile(`\b` + regexp.QuoteMeta(svc.Name) + `(\.` + regexp.QuoteMeta(f.namespace) + `)?(\.svc(\.cluster\.local)?)?:` + fmt.Sprint(rest.Port) + `\b`)
	for _, h := range tests {
		if h.GetKind() != "Pod" {
			t.Errorf("test hook %s/%s: want a Pod", h.GetKind(), h.GetName())
			continue
		}
		dryRunStrict(t, ctx, f.namespace, []*unstructured.Unstructured{h})
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
			t.Errorf("test hook %s does not ask %s:%d (the JobManager Service's rest port):\n%s", pod.Name, svc.Name, rest.Port, strings.Join(text, "\n"))
		}
	}
}

// jobManagerTemplate returns the JobManager's pod template (Deployment or Job).
func (f *flinkJob) jobManagerTemplate(t *testing.T, ctx context.Context) corev1.PodTemplateSpec {
	t.Helper()
	c := env.cluster
	if f.batch {
		jobs, err := c.Client.BatchV1().Jobs(f.namespace).List(ctx, metav1.ListOptions{LabelSelector: f.componentSelector("jobmanager")})
		if err != nil || len(jobs.Items) != 1 {
			t.Fatalf("JobManager Job: %v (%d found)", err, len(jobs.Items))
		}
		return jobs.Items[0].Spec.Template
	}
	d, err := c.Client.AppsV1().Deployments(f.namespace).Get(ctx, f.fullname+"-jobmanager", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Spec.Template
}

var haVerbs = []string{"create", "delete", "get", "list", "patch", "update", "watch"}

// rbac: with Kubernetes HA the job's ServiceAccount may get/list/watch/create/update/patch/delete
// ConfigMaps in its namespace and nothing else; without it, there is no Role at all.
func (f *flinkJob) rbac(t *testing.T, ctx context.Context) {
	c := env.cluster
	user := "system:serviceaccount:" + f.namespace + ":" + f.sa
	ns := f.namespace

	roles, err := c.Client.RbacV1().Roles(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bindings, err := c.Client.RbacV1().RoleBindings(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f.ha != "kubernetes" {
		if len(roles.Items)+len(bindings.Items) != 0 {
			t.Errorf("highAvailability.type %s: want no Role or RoleBinding, have %d and %d", f.ha, len(roles.Items), len(bindings.Items))
		}
	} else {
		for _, verb := range haVerbs {
			if !allowed(t, ctx, user, ns, verb, "", "configmaps") {
				t.Errorf("%s may not %s configmaps in %s", user, verb, ns)
			}
		}
	}

	// Never allowed, HA or not.
	denied := []struct{ ns, verb, group, resource string }{
		{ns, "deletecollection", "", "configmaps"},
		{"default", "get", "", "configmaps"},
		{"kube-system", "update", "", "configmaps"},
		{"", "list", "", "configmaps"}, // all namespaces
		{ns, "get", "", "secrets"},
		{ns, "list", "", "secrets"},
		{ns, "watch", "", "secrets"},
		{ns, "get", "", "pods"},
		{ns, "list", "", "pods"},
		{ns, "create", "", "pods"},
		{ns, "delete", "", "pods"},
		{ns, "get", "", "services"},
		{ns, "get", "", "endpoints"},
		{ns, "create", "", "events"},
		{ns, "get", "apps", "deployments"},
		{ns, "patch", "apps", "deployments"},
		{ns, "create", "batch", "jobs"},
		{ns, "get", "coordination.k8s.io", "leases"},
		{ns, "create", "rbac.authorization.k8s.io", "roles"},
		{ns, "create", "rbac.authorization.k8s.io", "rolebindings"},
		{ns, "create", "", "serviceaccounts/token"},
		{"", "list", "", "nodes"},
	}
	if f.ha != "kubernetes" {
		for _, verb := range haVerbs {
			denied = append(denied, struct{ ns, verb, group, resource string }{ns, verb, "", "configmaps"})
		}
	}
	for _, d := range denied {
		res, sub, _ := strings.Cut(d.resource, "/")
		if allowedSAR(t, ctx, authorizationv1.SubjectAccessReviewSpec{User: user, ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: d.ns, Verb: d.verb, Group: d.group, Resource: res, Subresource: sub,
		}}) {
			t.Errorf("%s may %s %s (group %q) in namespace %q", user, d.verb, d.resource, d.group, d.ns)
		}
	}

	// Nothing else: the rules that apply to the ServiceAccount in its namespace, less what every
	// authenticated user has (system:basic-user's self reviews), are exactly the HA rule.
	as, err := c.As(user)
	if err != nil {
		t.Fatal(err)
	}
	review, err := as.AuthorizationV1().SelfSubjectRulesReviews().Create(ctx,
		&authorizationv1.SelfSubjectRulesReview{Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: ns}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range review.Status.ResourceRules {
		if selfReviewRule(r) {
			continue
		}
		verbs := append([]string(nil), r.Verbs...)
		sort.Strings(verbs)
		got = append(got, fmt.Sprintf("groups=%v resources=%v names=%v verbs=%v", r.APIGroups, r.Resources, r.ResourceNames, verbs))
	}
	var want []string
	if f.ha == "kubernetes" {
		want = []string{fmt.Sprintf("groups=%v resources=%v names=%v verbs=%v", []string{""}, []string{"configmaps"}, []string(nil), haVerbs)}
	}
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

// faults: a deleted JobManager pod is replaced (Running within 30 s); deleted TaskManager pods
// are replaced up to the replica count.
func (f *flinkJob) faults(t *testing.T, ctx context.Context) {
	replacePods(t, ctx, f.namespace, f.componentSelector("jobmanager"), 1, 30*time.Second)
	replacePods(t, ctx, f.namespace, f.componentSelector("taskmanager"), f.values.int("taskManager.replicas"), time.Minute)
	waitWorkloads(t, ctx, f.namespace, f.selector(), time.Minute)
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

// snapshot returns the workloads of the release by component, after checking that every pod
// runs the current revision.
func (f *flinkJob) snapshot(t *testing.T, ctx context.Context) map[string]workload {
	t.Helper()
	c := env.cluster
	out := map[string]workload{}
	deps, err := c.Client.AppsV1().Deployments(f.namespace).List(ctx, metav1.ListOptions{LabelSelector: f.selector()})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deps.Items {
		rs := currentReplicaSet(t, ctx, &d)
		hash := rs.Labels[appsv1.DefaultDeploymentUniqueLabelKey]
		pods, err := c.Client.CoreV1().Pods(f.namespace).List(ctx, metav1.ListOptions{LabelSelector: metav1.FormatLabelSelector(d.Spec.Selector)})
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
	jobs, err := c.Client.BatchV1().Jobs(f.namespace).List(ctx, metav1.ListOptions{LabelSelector: f.selector()})
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
		if !metav1.IsControlledBy(rs, d) || rs.Annotations["deployment.kubernetes.io/revision"] != d.Annotations["deployment.kubernetes.io/revision"] {
			continue
		}
		cur = rs
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

// lifecycle: helm upgrade changing replicas, parallelism and image scales and rolls the pods;
// helm rollback restores revision 1's objects; helm uninstall leaves nothing in the namespace.
func (f *flinkJob) lifecycle(t *testing.T, ctx context.Context) {
	orig := f.snapshot(t, ctx)
	origConfig := f.configData(t, ctx)
	replicas := f.values.int("taskManager.replicas")
	parallelism := f.values.int("job.parallelism")
	image := f.values.str("image")

	// Revision 2: one more TaskManager.
	scale := writeValues(t, f.namespace+"-scale.yaml", map[string]any{"taskManager": map[string]any{"replicas": replicas + 1}})
	helmUpgrade(t, ctx, f.testCase, f.valuesFile, scale)
	waitWorkloads(t, ctx, f.namespace, f.selector(), time.Minute)
	s2 := f.snapshot(t, ctx)
	if got := s2["taskmanager"].replicas; got != int32(replicas+1) {
		t.Errorf("upgrade taskManager.replicas %d -> %d: the TaskManager Deployment has %d", replicas, replicas+1, got)
	}

	// Revision 3: parallelism + 1 (a configuration change) restarts JobManager and TaskManagers.
	par := writeValues(t, f.namespace+"-parallelism.yaml", map[string]any{"job": map[string]any{"parallelism": parallelism + 1}})
	helmUpgrade(t, ctx, f.testCase, f.valuesFile, scale, par)
	waitWorkloads(t, ctx, f.namespace, f.selector(), time.Minute)
	s3 := f.snapshot(t, ctx)
	for _, comp := range []string{"jobmanager", "taskmanager"} {
		if s3[comp].revision == s2[comp].revision {
			t.Errorf("upgrade job.parallelism %d -> %d did not roll the %s pods: %s", parallelism, parallelism+1, comp, s3[comp])
		}
	}

	// Revision 4: a new image rolls them again and every Flink pod runs it.
	newImage := otherImage(image)
	img := writeValues(t, f.namespace+"-image.yaml", map[string]any{"image": newImage})
	helmUpgrade(t, ctx, f.testCase, f.valuesFile, scale, par, img)
	waitWorkloads(t, ctx, f.namespace, f.selector(), time.Minute)
	s4 := f.snapshot(t, ctx)
	for _, comp := range []string{"jobmanager", "taskmanager"} {
		if s4[comp].revision == s3[comp].revision {
			t.Errorf("upgrade image did not roll the %s pods: %s", comp, s4[comp])
		}
		if !contains(s4[comp].images, newImage) || contains(s4[comp].images, image) {
			t.Errorf("upgrade image %s -> %s: %s", image, newImage, s4[comp])
		}
	}

	// Rollback to revision 1 restores the original workloads (same pod-template-hash) and config.
	helmChange(t, ctx, f.namespace, "rollback", f.release, "1")
	waitWorkloads(t, ctx, f.namespace, f.selector(), time.Minute)
	back := f.snapshot(t, ctx)
	if fmt.Sprint(back) != fmt.Sprint(orig) {
		t.Errorf("rollback to revision 1:\n got %v\nwant %v", back, orig)
	}
	if got := f.configData(t, ctx); got != origConfig {
		t.Errorf("rollback to revision 1: ConfigMap %s-config differs from revision 1", f.fullname)
	}

	// Uninstall leaves nothing.
	helmChange(t, ctx, f.namespace, "uninstall", f.release)
	var except []string
	if !f.values.bool("serviceAccount.create") {
		except = append(except, "serviceaccounts/"+f.sa) // created by the test, not the chart
	}
	assertNamespaceEmpty(t, ctx, f.namespace, except...)
}

func (f *flinkJob) configData(t *testing.T, ctx context.Context) string {
	t.Helper()
	cm, err := env.cluster.Client.CoreV1().ConfigMaps(f.namespace).Get(ctx, f.fullname+"-config", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(cm.Data, cm.BinaryData)
}
