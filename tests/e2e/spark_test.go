//go:build e2e

package e2e

// The scenarios of issue #4 for a SparkApp descriptor and charts/spark-app: the driver runs in
// client mode as the pod of a Job and creates its executors from the chart's executor pod
// template. No Spark runs here, so the suite plays the driver's part: it creates executors from
// that template as the driver's ServiceAccount, owned by the driver pod, as Spark does.

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

func init() {
	engines["SparkApp"] = engine{chart: "charts/spark-app", run: runSparkCase}
}

// sparkApp is one SparkApp descriptor installed with charts/spark-app.
type sparkApp struct {
	*release
}

func (s *sparkApp) component(c string) string { return s.componentSelector("spark-app", c) }

func runSparkCase(t *testing.T, tc *testCase) {
	ctx := ctxFor(t, 10*time.Minute)
	s := &sparkApp{release: newRelease(t, ctx, tc)}
	start := time.Now()
	t.Run("server-side validation", func(t *testing.T) { s.serverSideValidation(t, t.Context()) })
	if !t.Run("install", s.install) {
		return
	}
	t.Run("helm test hook", s.testHook)
	t.Run("rbac", s.rbac)
	if !t.Run("executors and faults", s.executorsAndFaults) {
		return
	}
	t.Run("lifecycle", s.lifecycle)
	t.Logf("%s: all scenarios in %v", tc.name, since(start))
}

// install: helm install --wait, a Running driver, and the objects of the chart's contract.
func (s *sparkApp) install(t *testing.T) {
	ctx := t.Context()
	s.prepare(t, ctx, "podTemplate.driver", "podTemplate.executor")
	s.release.install(t, ctx)

	jobs, err := env.cluster.Client.BatchV1().Jobs(s.namespace).List(ctx, metav1.ListOptions{LabelSelector: s.component("driver")})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs.Items) != 1 {
		t.Fatalf("want one driver Job, have %d", len(jobs.Items))
	}
	if n := s.count(t, ctx, gvrJobs) + s.count(t, ctx, gvrDeployments); n != 1 {
		t.Errorf("want the driver Job as the only workload, have %d Jobs and Deployments", n)
	}
	if p := s.servicePort(t, ctx, s.fullname+"-driver", "ui"); p.Port != 4040 {
		t.Errorf("Service %s-driver: port ui is %d, want 4040", s.fullname, p.Port)
	}
	s.exists(t, ctx, gvrConfigMaps, s.fullname+"-conf")
	s.exists(t, ctx, gvrServiceAccounts, s.sa)
	s.exists(t, ctx, gvrRoles, s.fullname)
	s.exists(t, ctx, gvrRoleBindings, s.fullname)
	if want, n := s.values.str("batchScheduler.name") == "volcano", s.count(t, ctx, gvrPodGroups); want != (n == 1) {
		t.Errorf("batchScheduler.name %q, but %d PodGroup(s)", s.values.str("batchScheduler.name"), n)
	}
	if want, n := s.values.bool("metrics.prometheus.podMonitor"), s.count(t, ctx, gvrPodMonitors); want != (n == 1) {
		t.Errorf("metrics.prometheus.podMonitor %v, but %d PodMonitor(s)", want, n)
	}
	driver := s.driverPod(t)
	if driver.Labels[labelName] != "spark-app" {
		t.Errorf("driver pod %s: label %s=%q, want spark-app", driver.Name, labelName, driver.Labels[labelName])
	}
}

// driverPod returns the Running driver pod.
func (s *sparkApp) driverPod(t *testing.T) *corev1.Pod {
	t.Helper()
	pods, err := env.cluster.Client.CoreV1().Pods(s.namespace).List(t.Context(), metav1.ListOptions{LabelSelector: s.component("driver")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range pods.Items {
		if podRunning(&pods.Items[i]) {
			return &pods.Items[i]
		}
	}
	t.Fatalf("no Running driver pod (%d pods)", len(pods.Items))
	return nil
}

// testHook: the helm test pod asks the driver Service's UI port, which reaches the driver's UI.
func (s *sparkApp) testHook(t *testing.T) {
	ctx := t.Context()
	jobs, err := env.cluster.Client.BatchV1().Jobs(s.namespace).List(ctx, metav1.ListOptions{LabelSelector: s.component("driver")})
	if err != nil || len(jobs.Items) != 1 {
		t.Fatalf("driver Job: %v", err)
	}
	targetsContainerPort(t, s.servicePort(t, ctx, s.fullname+"-driver", "ui"), jobs.Items[0].Spec.Template)
	s.release.testHook(t, ctx, s.fullname+"-driver", "ui")
}

// sparkDriverResources and sparkDriverVerbs are what a client-mode driver does in its namespace:
// executor pods, their ConfigMap, on-demand PVCs, services.
var (
	sparkDriverResources = []string{"pods", "services", "configmaps", "persistentvolumeclaims"}
	sparkDriverVerbs     = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
)

// rbac: the driver's ServiceAccount may manage pods, services, ConfigMaps and PVCs in its
// namespace and nothing else.
func (s *sparkApp) rbac(t *testing.T) {
	ctx := t.Context()
	ns := s.namespace
	var want []access
	for _, res := range sparkDriverResources {
		for _, verb := range sparkDriverVerbs {
			want = append(want, access{ns, verb, "", res})
		}
	}
	assertAllowed(t, ctx, s.user(), want)
	assertDenied(t, ctx, s.user(), append(commonDenied(ns),
		access{"default", "create", "", "pods"},
		access{ns, "get", "", "nodes"},
		access{ns, "create", "", "pods/eviction"},
		access{ns, "create", "", "persistentvolumes"},
	))
	assertRules(t, ctx, s.user(), ns, []string{rule([]string{""}, sparkDriverResources, sparkDriverVerbs)})
}

// executorsAndFaults: executors made from the chart's executor pod template by the driver's
// ServiceAccount are admitted without warnings in the restricted namespace and run; deleting the
// driver pod makes the garbage collector delete its executors and the Job start a new driver
// (Running within 30 s).
func (s *sparkApp) executorsAndFaults(t *testing.T) {
	ctx := t.Context()
	c := env.cluster
	driver := s.driverPod(t)
	n := s.values.int("executor.instances")
	if s.values.bool("dynamicAllocation.enabled") {
		n = max(s.values.int("dynamicAllocation.minExecutors"), 1)
	}
	n = min(max(n, 1), 3)
	s.createExecutors(t, ctx, n, driver)
	execSel := s.component("executor")
	waitRunning(t, ctx, s.namespace, execSel, n, time.Minute)

	// The driver pod goes: the Job replaces it and the garbage collector takes its executors.
	replacePods(t, ctx, s.namespace, s.component("driver"), 1, 30*time.Second)
	if err := c.poll(ctx, time.Minute, func(ctx context.Context) (bool, error) {
		pods, err := c.Client.CoreV1().Pods(s.namespace).List(ctx, metav1.ListOptions{LabelSelector: execSel})
		return err == nil && len(pods.Items) == 0, err
	}); err != nil {
		t.Errorf("executors of the deleted driver pod remain: %v", err)
	}
	waitWorkloads(t, ctx, s.namespace, s.selector(), time.Minute)
}

// createExecutors creates n executor pods the way Spark's driver does: from the chart's
// executor pod template, owned by the driver pod, as the driver's ServiceAccount, with what
// Spark's executor pod builder adds (image, resources, executor id).
func (s *sparkApp) createExecutors(t *testing.T, ctx context.Context, n int, driver *corev1.Pod) {
	t.Helper()
	c := env.cluster
	cm, err := c.Client.CoreV1().ConfigMaps(s.namespace).Get(ctx, s.fullname+"-conf", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var tmpl corev1.Pod
	if err := yaml.UnmarshalStrict([]byte(cm.Data["executor-pod-template.yaml"]), &tmpl); err != nil {
		t.Fatalf("ConfigMap %s: executor-pod-template.yaml: %v", cm.Name, err)
	}
	if len(tmpl.Spec.Containers) == 0 || tmpl.Spec.Containers[0].Name != "executor" {
		t.Fatalf("executor pod template: the first container is not named executor")
	}
	memory := resource.MustParse(s.values.str("executor.resources.memory"))
	memory.Add(resource.MustParse(s.values.str("executor.resources.memoryOverhead")))
	kc, w, err := c.As(s.user())
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		pod := tmpl.DeepCopy()
		pod.Name = fmt.Sprintf("%s-exec-%d", driver.Name, i)
		pod.Namespace = s.namespace
		if pod.Labels == nil {
			pod.Labels = map[string]string{}
		}
		pod.Labels["spark-role"] = "executor"
		pod.Labels["spark-exec-id"] = fmt.Sprint(i)
		pod.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: driver.Name, UID: driver.UID, Controller: ptr(true)}}
		ctr := &pod.Spec.Containers[0]
		ctr.Image = s.values.str("image")
		ctr.Resources = corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(s.values.str("executor.resources.cpu")), corev1.ResourceMemory: memory},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: memory},
		}
		ctr.Env = append(ctr.Env, corev1.EnvVar{Name: "SPARK_EXECUTOR_ID", Value: fmt.Sprint(i)})
		if _, err := kc.CoreV1().Pods(s.namespace).Create(ctx, pod, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil {
			t.Fatalf("the driver's ServiceAccount cannot create executor %s: %v", pod.Name, err)
		}
	}
	noWarnings(t, "executor pods", w)
}

// lifecycle: helm upgrade changing the executor count and the image starts a new run (a new driver
// Job, the old one gone); helm rollback restores revision 1's Job and configuration; helm
// uninstall leaves nothing in the namespace.
func (s *sparkApp) lifecycle(t *testing.T) {
	ctx := t.Context()
	conf := s.fullname + "-conf"
	orig := s.snapshot(t, ctx)
	origConf := s.configData(t, ctx, conf)
	image := s.values.str("image")

	// More executors: executor.instances, or the maximum under dynamic allocation.
	key, more := "executor.instances", map[string]any{"executor": map[string]any{"instances": s.values.int("executor.instances") + 1}}
	if s.values.bool("dynamicAllocation.enabled") {
		key, more = "dynamicAllocation.maxExecutors", map[string]any{"dynamicAllocation": map[string]any{"maxExecutors": s.values.int("dynamicAllocation.maxExecutors") + 1}}
	}
	s2 := s.upgrade(t, ctx, more)
	if s2["driver"].revision == orig["driver"].revision {
		t.Errorf("upgrade %s did not start a new driver Job: %s", key, s2["driver"])
	}
	if s.configData(t, ctx, conf) == origConf {
		t.Errorf("upgrade %s did not change ConfigMap %s", key, conf)
	}
	newImage := otherImage(image)
	s3 := s.upgrade(t, ctx, more, map[string]any{"image": newImage})
	if s3["driver"].revision == s2["driver"].revision || !slices.Contains(s3["driver"].images, newImage) || slices.Contains(s3["driver"].images, image) {
		t.Errorf("upgrade image %s -> %s: %s (before: %s)", image, newImage, s3["driver"], s2["driver"])
	}
	s.rollbackAndUninstall(t, ctx, orig, conf, origConf)
}
