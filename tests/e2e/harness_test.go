//go:build e2e

package e2e

// TestHarness is the suite's self-check: it proves the control plane behaves like a real cluster
// for everything the chart scenarios rely on, with objects it creates itself.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
)

// restrictedPod is a pod spec that passes the "restricted" Pod Security level.
func restrictedPod(labels map[string]string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec: corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot:   ptr(true),
				RunAsUser:      ptr(int64(1000)),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{{
				Name:  "main",
				Image: "registry.example.com/e2e/smoke:1.0",
				Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
				Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
				},
				SecurityContext: &corev1.SecurityContext{
					AllowPrivilegeEscalation: ptr(false),
					Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
					ReadOnlyRootFilesystem:   ptr(true),
				},
			}},
		},
	}
}

func TestHarness(t *testing.T) {
	t.Parallel()
	c := env.cluster

	t.Run("version", func(t *testing.T) {
		v, err := c.Client.Discovery().ServerVersion()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(v.GitVersion, "v1.34.") {
			t.Errorf("the API server reports %s, want v1.34.x (version linker flags of hack/tools.sh)", v.GitVersion)
		}
	})

	t.Run("pod security admission", func(t *testing.T) {
		t.Parallel()
		ctx := ctxFor(t, time.Minute)
		ns := newNamespace(t, ctx, "e2e-harness-psa")
		kc, w := mustWarnings(t)

		// A privileged pod is refused outright.
		bad := restrictedPod(map[string]string{"app": "bad"})
		bad.Spec.Containers[0].SecurityContext.Privileged = ptr(true)
		bad.Spec.Containers[0].SecurityContext.AllowPrivilegeEscalation = nil
		_, err := kc.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "bad"}, Spec: bad.Spec},
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "violates PodSecurity") {
			t.Errorf("privileged pod in a restricted namespace: got %v, want Forbidden: violates PodSecurity", err)
		}
		// A Deployment whose template is not restricted is stored with a warning.
		tmpl := restrictedPod(map[string]string{"app": "warn"})
		tmpl.Spec.SecurityContext = nil
		tmpl.Spec.Containers[0].SecurityContext = nil
		_, err = kc.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "warn"},
			Spec:       appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: tmpl.Labels}, Template: tmpl},
		}, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			t.Fatal(err)
		}
		ws := strings.Join(w.All(), "\n")
		for _, want := range []string{"would violate PodSecurity", "allowPrivilegeEscalation", "runAsNonRoot", "seccompProfile"} {
			if !strings.Contains(ws, want) {
				t.Errorf("warnings for a non-restricted Deployment lack %q:\n%s", want, ws)
			}
		}
	})

	t.Run("strict field validation", func(t *testing.T) {
		t.Parallel()
		ctx := ctxFor(t, time.Minute)
		ns := newNamespace(t, ctx, "e2e-harness-fv")
		cm := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "typo"},
			"data":     map[string]any{"a": "b"},
			"dataa":    map[string]any{"a": "b"},
		}}
		_, err := c.Dynamic.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns).
			Create(ctx, cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"})
		if err == nil || !strings.Contains(err.Error(), `unknown field "dataa"`) {
			t.Errorf("unknown field with fieldValidation=Strict: got %v, want an unknown field error", err)
		}
	})

	t.Run("rbac", func(t *testing.T) {
		t.Parallel()
		ctx := ctxFor(t, time.Minute)
		ns := newNamespace(t, ctx, "e2e-harness-rbac")
		sa := "system:serviceaccount:" + ns + ":default"
		if allowed(t, ctx, sa, ns, "get", "", "secrets") {
			t.Errorf("%s may get secrets: RBAC is not enforced", sa)
		}
		if !allowedSAR(t, ctx, authorizationv1.SubjectAccessReviewSpec{User: "admin", Groups: []string{"system:masters"},
			ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: ns, Verb: "get", Resource: "secrets"}}) {
			t.Errorf("system:masters may not get secrets")
		}
	})

	t.Run("workloads", func(t *testing.T) {
		t.Parallel()
		ctx := ctxFor(t, 3*time.Minute)
		ns := newNamespace(t, ctx, "e2e-harness-workloads")
		kc, w := mustWarnings(t)
		labels := map[string]string{labelInstance: "smoke", "app": "web"}
		dep := &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels},
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr(int32(2)),
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: restrictedPod(labels),
			},
		}
		if _, err := kc.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels},
			Spec:       corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}}},
		}
		if _, err := kc.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		jobLabels := map[string]string{labelInstance: "smoke", "app": "batch"}
		tmpl := restrictedPod(jobLabels)
		tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
		job := &batchv1.Job{
			ObjectMeta: metav1.ObjectMeta{Name: "batch", Labels: jobLabels},
			Spec:       batchv1.JobSpec{BackoffLimit: ptr(int32(2)), Template: tmpl},
		}
		if _, err := kc.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		noWarnings(t, "restricted Deployment, Service and Job", w)
		waitWorkloads(t, ctx, ns, labelInstance+"=smoke", 2*time.Minute)

		// The garbage collector removes ReplicaSets and pods of a deleted Deployment.
		if err := c.Client.AppsV1().Deployments(ns).Delete(ctx, "web", metav1.DeleteOptions{PropagationPolicy: ptr(metav1.DeletePropagationBackground)}); err != nil {
			t.Fatal(err)
		}
		if err := c.poll(ctx, time.Minute, func(ctx context.Context) (bool, error) {
			rs, err := c.Client.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
			if err != nil {
				return false, err
			}
			pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
			if err != nil {
				return false, err
			}
			return len(rs.Items) == 0 && len(pods.Items) == 0, nil
		}); err != nil {
			t.Errorf("ReplicaSets and pods of a deleted Deployment remain: %v", err)
		}
	})

	t.Run("batch scheduler stand-ins", func(t *testing.T) {
		t.Parallel()
		ctx := ctxFor(t, time.Minute)
		ns := newNamespace(t, ctx, "e2e-harness-schedulers")
		for _, name := range []string{"volcano", "yunikorn"} {
			labels := map[string]string{labelInstance: "schedulers", "app": name}
			tmpl := restrictedPod(labels)
			tmpl.Spec.SchedulerName = name
			dep := &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
				Spec:       appsv1.DeploymentSpec{Replicas: ptr(int32(1)), Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl},
			}
			if _, err := c.Client.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		waitWorkloads(t, ctx, ns, labelInstance+"=schedulers", 30*time.Second)
	})

	t.Run("node deletion", func(t *testing.T) {
		t.Parallel()
		ctx := ctxFor(t, 4*time.Minute)
		ns := newNamespace(t, ctx, "e2e-harness-nodes")
		// Two nodes of its own, tainted so that no other test's pod lands there.
		taint := corev1.Taint{Key: "e2e.jobcharts.io/harness", Value: "nodes", Effect: corev1.TaintEffectNoSchedule}
		var nodes []string
		for _, n := range []string{"kwok-harness-a", "kwok-harness-b"} {
			if err := c.AddNode(ctx, n, map[string]string{"e2e.jobcharts.io/harness": "nodes"}, []corev1.Taint{taint}); err != nil {
				t.Fatal(err)
			}
			nodes = append(nodes, n)
		}
		t.Cleanup(func() {
			for _, n := range nodes {
				_ = c.Client.CoreV1().Nodes().Delete(context.Background(), n, metav1.DeleteOptions{})
			}
		})
		labels := map[string]string{labelInstance: "nodes", "app": "spread"}
		tmpl := restrictedPod(labels)
		tmpl.Spec.NodeSelector = map[string]string{"e2e.jobcharts.io/harness": "nodes"}
		tmpl.Spec.Tolerations = []corev1.Toleration{{Key: taint.Key, Operator: corev1.TolerationOpEqual, Value: taint.Value, Effect: taint.Effect}}
		dep := &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "spread", Labels: labels},
			Spec:       appsv1.DeploymentSpec{Replicas: ptr(int32(2)), Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl},
		}
		if _, err := c.Client.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitWorkloads(t, ctx, ns, labelInstance+"=nodes", time.Minute)
		pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=spread"})
		if err != nil {
			t.Fatal(err)
		}
		gone := pods.Items[0].Spec.NodeName
		if err := c.Client.CoreV1().Nodes().Delete(ctx, gone, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		// The pod garbage collector deletes pods bound to a node that no longer exists (after a
		// 40 s quarantine); the ReplicaSet replaces them on the remaining node.
		if err := c.poll(ctx, 3*time.Minute, func(ctx context.Context) (bool, error) {
			pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=spread"})
			if err != nil {
				return false, err
			}
			running := 0
			for _, p := range pods.Items {
				if p.Spec.NodeName == gone {
					return false, nil
				}
				if podRunning(&p) {
					running++
				}
			}
			return running == 2, nil
		}); err != nil {
			t.Fatalf("pods of deleted node %s were not replaced: %v", gone, err)
		}
		waitWorkloads(t, ctx, ns, labelInstance+"=nodes", time.Minute)
	})

	t.Run("helm", func(t *testing.T) {
		t.Parallel()
		ctx := ctxFor(t, 3*time.Minute)
		ns := newNamespace(t, ctx, "e2e-harness-helm")
		chart := writeSmokeChart(t)
		_, stderr := helmMust(t, ctx, "install", "smoke", chart, "-n", ns, "--wait", "--timeout", "2m")
		if ws := apiWarningsIn(stderr); len(ws) > 0 {
			t.Errorf("helm install printed API warnings:\n%s", strings.Join(ws, "\n"))
		}
		waitWorkloads(t, ctx, ns, labelInstance+"=smoke", time.Minute)
		helmMust(t, ctx, "uninstall", "smoke", "-n", ns, "--wait", "--timeout", "2m")
		assertNamespaceEmpty(t, ctx, ns)

		// The same chart without its security contexts: helm's output carries the API server's
		// Pod Security warnings, which is what the chart scenarios look for.
		bad := newNamespace(t, ctx, "e2e-harness-helm-warn")
		_, stderr, err := helmRun(ctx, "install", "smoke", chart, "-n", bad, "--set", "restricted=false")
		if err != nil {
			t.Fatal(err)
		}
		if ws := apiWarningsIn(stderr); len(ws) == 0 || !strings.Contains(strings.Join(ws, "\n"), "would violate PodSecurity") {
			t.Errorf("helm install of a non-restricted chart printed no PodSecurity warning; stderr:\n%s", stderr)
		}
	})
}

// writeSmokeChart writes a tiny restricted-compliant chart whose kubeVersion constraint only
// the pinned v1.34 API server satisfies (proving the version linker flags reach Helm).
func writeSmokeChart(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "smoke")
	files := map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: smoke\nversion: 0.1.0\nkubeVersion: \">= 1.34.0-0 < 1.35.0-0\"\n",
		"values.yaml": "restricted: true\n",
		"templates/all.yaml": `apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Release.Name }}
  labels: {app.kubernetes.io/instance: {{ .Release.Name }}}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
  labels: {app.kubernetes.io/instance: {{ .Release.Name }}}
spec:
  selector: {app.kubernetes.io/instance: {{ .Release.Name }}}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels: {app.kubernetes.io/instance: {{ .Release.Name }}}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/instance: {{ .Release.Name }}}}
  template:
    metadata:
      labels: {app.kubernetes.io/instance: {{ .Release.Name }}}
    spec:
      serviceAccountName: {{ .Release.Name }}
      {{- if .Values.restricted }}
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      {{- end }}
      containers:
      - name: main
        image: registry.example.com/e2e/smoke:1.0
        ports: [{name: http, containerPort: 8080}]
        {{- if .Values.restricted }}
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        {{- end }}
`,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mustWarnings returns clients that collect API warnings.
func mustWarnings(t *testing.T) (kubernetes.Interface, *warnings) {
	t.Helper()
	k, _, w, err := env.cluster.WithWarnings()
	if err != nil {
		t.Fatal(err)
	}
	return k, w
}

// allowed asks the API server (SubjectAccessReview) whether user may do verb on resource in ns.
func allowed(t *testing.T, ctx context.Context, user, ns, verb, group, res string) bool {
	t.Helper()
	return allowedSAR(t, ctx, authorizationv1.SubjectAccessReviewSpec{
		User:               user,
		ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: ns, Verb: verb, Group: group, Resource: res},
	})
}

func allowedSAR(t *testing.T, ctx context.Context, spec authorizationv1.SubjectAccessReviewSpec) bool {
	t.Helper()
	if strings.HasPrefix(spec.User, "system:serviceaccount:") && spec.Groups == nil {
		ns := strings.Split(spec.User, ":")[2]
		spec.Groups = []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}
	}
	r, err := env.cluster.Client.AuthorizationV1().SubjectAccessReviews().Create(ctx,
		&authorizationv1.SubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("SubjectAccessReview: %v", err)
	}
	return r.Status.Allowed
}
