// Package rendertest holds assertions on rendered manifests shared by the tests.
package rendertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/pmezard/go-difflib/difflib"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"

	"github.com/jobcharts/jobcharts/pkg/render"
)

// executorPodTemplateKey is the spark-app ConfigMap key holding the executor pod template.
const executorPodTemplateKey = "executor-pod-template.yaml"

var strictDecoder = serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()

// Decode decodes one manifest strictly into its Go type: an unknown field, a
// duplicate field or a wrong type is an error. Kinds from the client-go scheme use
// k8s.io/api; the two CRD kinds the charts render use the mirrors below.
func Decode(m render.Manifest) (runtime.Object, error) {
	obj, _, err := strictDecoder.Decode([]byte(m.Content), nil, nil)
	if err == nil {
		return obj, nil
	}
	var tm metav1.TypeMeta
	if yerr := yaml.Unmarshal([]byte(m.Content), &tm); yerr == nil && runtime.IsNotRegisteredError(err) {
		var crd any
		switch tm.APIVersion + "/" + tm.Kind {
		case "monitoring.coreos.com/v1/PodMonitor":
			crd = &PodMonitor{}
		case "scheduling.volcano.sh/v1beta1/PodGroup":
			crd = &PodGroup{}
		}
		if crd != nil {
			if err := yaml.UnmarshalStrict([]byte(m.Content), crd); err != nil {
				return nil, fmt.Errorf("%s (%s): %w", m.Source, m.Name, err)
			}
			return nil, nil
		}
	}
	return nil, fmt.Errorf("%s (%s): %w", m.Source, m.Name, err)
}

// PodMonitor mirrors the fields of monitoring.coreos.com/v1 PodMonitor the charts use.
type PodMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Selector            metav1.LabelSelector `json:"selector"`
		PodMetricsEndpoints []struct {
			Port string `json:"port"`
			Path string `json:"path"`
		} `json:"podMetricsEndpoints"`
	} `json:"spec"`
}

// PodGroup mirrors scheduling.volcano.sh/v1beta1 PodGroup's spec.
type PodGroup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		MinMember         int32               `json:"minMember"`
		Queue             string              `json:"queue,omitempty"`
		PriorityClassName string              `json:"priorityClassName,omitempty"`
		MinResources      corev1.ResourceList `json:"minResources,omitempty"`
	} `json:"spec"`
}

// DecodeStrict asserts that every manifest decodes strictly.
func DecodeStrict(t testing.TB, ms []render.Manifest) {
	t.Helper()
	for _, m := range ms {
		if _, err := Decode(m); err != nil {
			t.Errorf("strict decoding: %v", err)
		}
	}
}

// PodTemplates returns every pod spec a manifest set would create, keyed by "Kind/name".
func PodTemplates(t testing.TB, ms []render.Manifest) map[string]*corev1.PodTemplateSpec {
	t.Helper()
	out := map[string]*corev1.PodTemplateSpec{}
	for _, m := range ms {
		obj, err := Decode(m)
		if err != nil {
			t.Fatalf("decoding: %v", err)
		}
		switch o := obj.(type) {
		case *appsv1.Deployment:
			out["Deployment/"+o.Name] = &o.Spec.Template
		case *batchv1.Job:
			out["Job/"+o.Name] = &o.Spec.Template
		case *corev1.Pod:
			out["Pod/"+o.Name] = &corev1.PodTemplateSpec{ObjectMeta: o.ObjectMeta, Spec: o.Spec}
		case *corev1.ConfigMap:
			// Spark starts every executor from the pod template the chart ships here.
			if tpl, ok := o.Data[executorPodTemplateKey]; ok {
				pod, err := Decode(render.Manifest{Source: m.Source + "#" + executorPodTemplateKey, Name: o.Name, Content: tpl})
				if err != nil {
					t.Fatalf("executor pod template: %v", err)
				}
				p := pod.(*corev1.Pod)
				out["ExecutorTemplate/"+o.Name] = &corev1.PodTemplateSpec{ObjectMeta: p.ObjectMeta, Spec: p.Spec}
			}
		}
	}
	return out
}

var evaluator = func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err)
	}
	return e
}()

// PodSecurityViolation evaluates one pod template (named "Kind/name", as PodTemplates
// names them) against Pod Security "restricted" (latest version) with the admission
// plugin's own checks, in-process; it returns what is forbidden, or "" when it passes.
func PodSecurityViolation(name string, tpl *corev1.PodTemplateSpec) string {
	level := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	meta := metav1.ObjectMeta{Name: name, Labels: tpl.Labels, Annotations: tpl.Annotations}
	if result := policy.AggregateCheckResults(evaluator.EvaluatePod(level, &meta, &tpl.Spec)); !result.Allowed {
		return result.ForbiddenDetail()
	}
	return ""
}

// CheckPodSecurity asserts that every pod template passes Pod Security "restricted"
// (PodSecurityViolation), and that every container has requests and limits.
func CheckPodSecurity(t testing.TB, ms []render.Manifest) {
	t.Helper()
	for name, tpl := range PodTemplates(t, ms) {
		if v := PodSecurityViolation(name, tpl); v != "" {
			t.Errorf("%s violates Pod Security restricted: %s", name, v)
		}
		for _, c := range append(append([]corev1.Container{}, tpl.Spec.InitContainers...), tpl.Spec.Containers...) {
			if strings.HasPrefix(name, "ExecutorTemplate/") && c.Name == "executor" {
				continue // Spark sets the executor container's resources from spark.executor.*
			}
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
				t.Errorf("%s: container %s lacks cpu requests or memory limits", name, c.Name)
			}
		}
	}
}

// Diff is a unified diff of two texts, for readable golden failures.
func Diff(want, got string) string {
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(want), B: difflib.SplitLines(got),
		FromFile: "want", ToFile: "got", Context: 3,
	})
	if err != nil {
		return err.Error()
	}
	return strings.TrimSpace(d)
}

// probeRule is what a chart container must and must not have.
type probeRule struct {
	startup, liveness, readiness bool
	why                          string
}

// probeRules, by container name, for the containers the charts render themselves. A
// container missing here (the descriptor's sidecars and init containers) has no rule;
// copy-config, the helm test pods and the Spark executors serve nothing and have no probes.
var probeRules = map[string]probeRule{
	"jobmanager": {startup: true, liveness: true, readiness: true,
		why: "job-aware probes: started once the job is known, alive unless it is SUSPENDED or the REST API is gone, ready only while RUNNING"},
	"taskmanager": {liveness: true, readiness: true,
		why: "alive while its RPC port accepts, ready once its data port is bound"},
	"zetcd": {readiness: true,
		why: "the Service must skip a zetcd that does not accept; it exits when it fails, so no liveness probe"},
	"driver": {readiness: true,
		why: "the UI Service must skip a driver whose SparkContext is not up; a liveness kill would fail the application"},
	"copy-config": {why: "an init container"},
	"job-running": {why: "a helm test pod"},
	"driver-ui":   {why: "a helm test pod"},
	"executor":    {why: "Spark manages executors, and nothing routes to them"},
}

// CheckContainers asserts, for every container of every pod template:
//   - resources: cpu and memory requests and limits, requests equal to limits for the
//     charts' own containers (the Spark executor's come from spark.executor.* at run time);
//   - probes: exactly the probes of probeRules for the charts' containers, liveness and
//     readiness never identical, and a readiness probe on every container a Service targets;
//   - image: pinned by a tag other than latest, or by digest (the executor's image is
//     spark.kubernetes.container.image, the application's own).
func CheckContainers(t testing.TB, ms []render.Manifest) {
	t.Helper()
	targeted := serviceSelectors(t, ms)
	for name, tpl := range PodTemplates(t, ms) {
		executor := strings.HasPrefix(name, "ExecutorTemplate/")
		all := append(append([]corev1.Container{}, tpl.Spec.InitContainers...), tpl.Spec.Containers...)
		for _, c := range all {
			where := fmt.Sprintf("%s: container %s", name, c.Name)
			rule, ours := probeRules[c.Name]
			if executor && c.Name == "executor" {
				if c.Image != "" || len(c.Resources.Requests)+len(c.Resources.Limits) > 0 {
					t.Errorf("%s: Spark sets the executor's image and resources; the template must not", where)
				}
			} else {
				checkResources(t, where, c, ours)
				checkImage(t, where, c.Image)
			}
			if ours {
				checkProbe(t, where, "startupProbe", c.StartupProbe, rule.startup, rule.why)
				checkProbe(t, where, "livenessProbe", c.LivenessProbe, rule.liveness, rule.why)
				checkProbe(t, where, "readinessProbe", c.ReadinessProbe, rule.readiness, rule.why)
			}
			if c.LivenessProbe != nil && c.ReadinessProbe != nil && sameHandler(c.LivenessProbe.ProbeHandler, c.ReadinessProbe.ProbeHandler) {
				t.Errorf("%s: liveness and readiness probes are identical: a slow container would be restarted, not just taken out of its Service", where)
			}
		}
		if targeted(tpl) {
			ready := false
			for _, c := range tpl.Spec.Containers {
				ready = ready || c.ReadinessProbe != nil
			}
			if !ready {
				t.Errorf("%s: a Service routes to these pods, but no container has a readiness probe", name)
			}
		}
	}
}

func checkResources(t testing.TB, where string, c corev1.Container, ours bool) {
	t.Helper()
	r := c.Resources
	for _, q := range []struct {
		what string
		zero bool
	}{
		{"cpu request", r.Requests.Cpu().IsZero()}, {"memory request", r.Requests.Memory().IsZero()},
		{"cpu limit", r.Limits.Cpu().IsZero()}, {"memory limit", r.Limits.Memory().IsZero()},
	} {
		if q.zero {
			t.Errorf("%s has no %s", where, q.what)
		}
	}
	if ours {
		for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
			req, lim := r.Requests[res], r.Limits[res]
			if req.Cmp(lim) != 0 {
				t.Errorf("%s: %s request %s differs from its limit %s", where, res, req.String(), lim.String())
			}
		}
	}
}

func checkProbe(t testing.TB, where, kind string, p *corev1.Probe, want bool, why string) {
	t.Helper()
	switch {
	case want && p == nil:
		t.Errorf("%s has no %s (%s)", where, kind, why)
	case !want && p != nil:
		t.Errorf("%s must not have a %s (%s)", where, kind, why)
	}
}

func sameHandler(a, b corev1.ProbeHandler) bool {
	ja, _ := yaml.Marshal(a)
	jb, _ := yaml.Marshal(b)
	return string(ja) == string(jb)
}

// checkImage refuses an image that floats: no tag (Docker reads :latest) or the tag
// latest, unless a digest pins it.
func checkImage(t testing.TB, where, image string) {
	t.Helper()
	ref, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		t.Errorf("%s: image %q: %v", where, image, err)
		return
	}
	if _, digested := ref.(reference.Digested); digested {
		return
	}
	tagged, ok := ref.(reference.Tagged)
	switch {
	case !ok:
		t.Errorf("%s: image %q has neither tag nor digest", where, image)
	case tagged.Tag() == "latest":
		t.Errorf("%s: image %q floats with the tag latest; pin a version or a digest", where, image)
	}
}

// serviceSelectors returns a function telling whether a rendered Service selects a pod template.
func serviceSelectors(t testing.TB, ms []render.Manifest) func(*corev1.PodTemplateSpec) bool {
	t.Helper()
	var selectors []labels.Selector
	for _, m := range ms {
		obj, err := Decode(m)
		if err != nil {
			t.Fatalf("decoding: %v", err)
		}
		if svc, ok := obj.(*corev1.Service); ok && len(svc.Spec.Selector) > 0 {
			selectors = append(selectors, labels.SelectorFromSet(svc.Spec.Selector))
		}
	}
	return func(tpl *corev1.PodTemplateSpec) bool {
		for _, s := range selectors {
			if s.Matches(labels.Set(tpl.Labels)) {
				return true
			}
		}
		return false
	}
}
