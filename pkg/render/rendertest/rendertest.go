// Package rendertest holds assertions on rendered manifests shared by the tests.
package rendertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

// CheckPodSecurity asserts that every pod template passes Pod Security "restricted"
// (latest version), evaluated in-process with the admission plugin's own checks, and
// that every container has requests and limits.
func CheckPodSecurity(t testing.TB, ms []render.Manifest) {
	t.Helper()
	level := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	for name, tpl := range PodTemplates(t, ms) {
		meta := metav1.ObjectMeta{Name: name, Labels: tpl.Labels, Annotations: tpl.Annotations}
		result := policy.AggregateCheckResults(evaluator.EvaluatePod(level, &meta, &tpl.Spec))
		if !result.Allowed {
			t.Errorf("%s violates Pod Security restricted: %s", name, result.ForbiddenDetail())
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
