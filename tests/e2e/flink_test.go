//go:build e2e

package e2e

// The scenarios of issue #4 for a FlinkJob descriptor and charts/flink-job.

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func init() {
	engines["FlinkJob"] = engine{chart: "charts/flink-job", run: runFlinkCase}
}

// flinkJob is one FlinkJob descriptor installed with charts/flink-job.
type flinkJob struct {
	*release
	batch bool   // the JobManager is a Job, not a Deployment
	ha    string // none | zookeeper | zetcd | kubernetes
}

func (f *flinkJob) component(c string) string { return f.componentSelector("flink-job", c) }

func runFlinkCase(t *testing.T, tc *testCase) {
	ctx := ctxFor(t, 10*time.Minute)
	r := newRelease(t, ctx, tc)
	f := &flinkJob{release: r, batch: r.values.str("job.mode") == "batch", ha: r.values.str("highAvailability.type")}
	start := time.Now()
	t.Run("server-side validation", f.serverSideValidation)
	if !t.Run("install", f.install) {
		return
	}
	t.Run("helm test hook", f.testHook)
	t.Run("rbac", f.rbac)
	if !t.Run("faults", f.faults) {
		return
	}
	t.Run("lifecycle", f.lifecycle)
	t.Logf("%s: all scenarios in %v", tc.name, since(start))
}

func (f *flinkJob) serverSideValidation(t *testing.T) {
	f.release.serverSideValidation(t, t.Context())
}

// install: helm install --wait, healthy workloads, and the objects of the chart's contract.
func (f *flinkJob) install(t *testing.T) {
	ctx := t.Context()
	c := env.cluster
	f.prepare(t, ctx, "podTemplate")
	f.release.install(t, ctx)

	for name, port := range map[string]int32{"rpc": 6123, "blob": 6124, "rest": 8081} {
		if p := f.servicePort(t, ctx, f.fullname+"-jobmanager", name); p.Port != port {
			t.Errorf("Service %s-jobmanager: port %s is %d, want %d", f.fullname, name, p.Port, port)
		}
	}
	f.exists(t, ctx, gvrConfigMaps, f.fullname+"-config")
	f.exists(t, ctx, gvrServiceAccounts, f.sa)
	jobs, err := c.Client.BatchV1().Jobs(f.namespace).List(ctx, metav1.ListOptions{LabelSelector: f.component("jobmanager")})
	if err != nil {
		t.Fatal(err)
	}
	_, jmDepErr := c.Client.AppsV1().Deployments(f.namespace).Get(ctx, f.fullname+"-jobmanager", metav1.GetOptions{})
	if f.batch {
		if len(jobs.Items) != 1 || jmDepErr == nil {
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
	if f.ha == "zetcd" {
		f.exists(t, ctx, gvrDeployments, f.fullname+"-zetcd")
		f.exists(t, ctx, gvrServices, f.fullname+"-zetcd")
	} else if n := f.count(t, ctx, gvrDeployments); n != 2-len(jobs.Items) {
		t.Errorf("highAvailability.type %s: %d Deployments, want only JobManager and TaskManager", f.ha, n)
	}
	if want, n := f.values.bool("metrics.prometheus.podMonitor"), f.count(t, ctx, gvrPodMonitors); want != (n == 1) {
		t.Errorf("metrics.prometheus.podMonitor %v, but %d PodMonitor(s)", want, n)
	}
	pods, err := c.Client.CoreV1().Pods(f.namespace).List(ctx, metav1.ListOptions{LabelSelector: f.selector()})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Labels[labelName] != "flink-job" || !slices.Contains([]string{"jobmanager", "taskmanager", "zetcd"}, p.Labels[labelComponent]) {
			t.Errorf("pod %s: labels %v lack %s=flink-job and a component", p.Name, p.Labels, labelName)
		}
	}
}

// testHook: the helm test pod asks the JobManager Service's REST port, which reaches the
// JobManager container's REST port.
func (f *flinkJob) testHook(t *testing.T) {
	ctx := t.Context()
	targetsContainerPort(t, f.servicePort(t, ctx, f.fullname+"-jobmanager", "rest"), f.jobManagerTemplate(t, ctx))
	f.release.testHook(t, ctx, f.fullname+"-jobmanager", "rest")
}

// jobManagerTemplate returns the JobManager's pod template (Deployment or Job).
func (f *flinkJob) jobManagerTemplate(t *testing.T, ctx context.Context) corev1.PodTemplateSpec {
	t.Helper()
	c := env.cluster
	if f.batch {
		jobs, err := c.Client.BatchV1().Jobs(f.namespace).List(ctx, metav1.ListOptions{LabelSelector: f.component("jobmanager")})
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

// flinkHAVerbs are what Flink's Kubernetes HA services do with ConfigMaps.
var flinkHAVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}

// rbac: with Kubernetes HA the job's ServiceAccount may get/list/watch/create/update/patch/delete
// ConfigMaps in its namespace and nothing else; without it, there is no Role at all.
func (f *flinkJob) rbac(t *testing.T) {
	ctx := t.Context()
	ns := f.namespace
	never := append(commonDenied(ns),
		access{ns, "deletecollection", "", "configmaps"},
		access{ns, "get", "", "pods"},
		access{ns, "list", "", "pods"},
		access{ns, "create", "", "pods"},
		access{ns, "delete", "", "pods"},
		access{ns, "get", "", "services"},
		access{ns, "get", "", "endpoints"},
	)
	var ha []access
	for _, verb := range flinkHAVerbs {
		ha = append(ha, access{ns, verb, "", "configmaps"})
	}
	var want []string
	if f.ha == "kubernetes" {
		assertAllowed(t, ctx, f.user(), ha)
		f.exists(t, ctx, gvrRoles, f.fullname)
		f.exists(t, ctx, gvrRoleBindings, f.fullname)
		want = []string{rule([]string{""}, []string{"configmaps"}, flinkHAVerbs)}
	} else {
		never = append(never, ha...)
		if n, m := f.count(t, ctx, gvrRoles), f.count(t, ctx, gvrRoleBindings); n+m != 0 {
			t.Errorf("highAvailability.type %s: want no Role or RoleBinding, have %d and %d", f.ha, n, m)
		}
	}
	assertDenied(t, ctx, f.user(), never)
	assertRules(t, ctx, f.user(), ns, want)
}

// faults: a deleted JobManager pod is replaced (Running within 30 s); deleted TaskManager pods
// are replaced up to the replica count.
func (f *flinkJob) faults(t *testing.T) {
	ctx := t.Context()
	replacePods(t, ctx, f.namespace, f.component("jobmanager"), 1, 30*time.Second)
	replacePods(t, ctx, f.namespace, f.component("taskmanager"), f.values.int("taskManager.replicas"), time.Minute)
	waitWorkloads(t, ctx, f.namespace, f.selector(), time.Minute)
}

// lifecycle: helm upgrade changing replicas, parallelism and image scales and rolls the pods;
// helm rollback restores revision 1's objects; helm uninstall leaves nothing in the namespace.
func (f *flinkJob) lifecycle(t *testing.T) {
	ctx := t.Context()
	config := f.fullname + "-config"
	orig := f.snapshot(t, ctx)
	origConfig := f.configData(t, ctx, config)
	replicas := f.values.int("taskManager.replicas")
	parallelism := f.values.int("job.parallelism")
	image := f.values.str("image")

	// Revision 2: one more TaskManager.
	scale := map[string]any{"taskManager": map[string]any{"replicas": replicas + 1}}
	s2 := f.upgrade(t, ctx, scale)
	if got := s2["taskmanager"].replicas; got != int32(replicas+1) {
		t.Errorf("upgrade taskManager.replicas %d -> %d: the TaskManager Deployment has %d", replicas, replicas+1, got)
	}

	// Revision 3: parallelism + 1, a configuration change, restarts JobManager and TaskManagers
	// (new pod-template-hash; in batch mode a new JobManager Job).
	par := map[string]any{"job": map[string]any{"parallelism": parallelism + 1}}
	s3 := f.upgrade(t, ctx, scale, par)
	for _, comp := range []string{"jobmanager", "taskmanager"} {
		if s3[comp].revision == s2[comp].revision {
			t.Errorf("upgrade job.parallelism %d -> %d did not roll the %s pods: %s", parallelism, parallelism+1, comp, s3[comp])
		}
	}

	// Revision 4: a new image rolls them again and every Flink pod runs it.
	newImage := otherImage(image)
	s4 := f.upgrade(t, ctx, scale, par, map[string]any{"image": newImage})
	for _, comp := range []string{"jobmanager", "taskmanager"} {
		if s4[comp].revision == s3[comp].revision {
			t.Errorf("upgrade image did not roll the %s pods: %s", comp, s4[comp])
		}
		if !slices.Contains(s4[comp].images, newImage) || slices.Contains(s4[comp].images, image) {
			t.Errorf("upgrade image %s -> %s: %s", image, newImage, s4[comp])
		}
	}
	if t.Failed() {
		t.Logf("revisions:\n1 %v\n2 %v\n3 %v\n4 %v", orig, s2, s3, s4)
	}
	f.rollbackAndUninstall(t, ctx, orig, config, origConfig)
}
