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

var strictDecoder = serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()

// Decode decodes one manifest strictly into its k8s.io/api type: an unknown field,
// a duplicate field or a wrong type is an error. Kinds outside the client-go scheme
// (PodMonitor) come back as nil after a check of their envelope.
func Decode(m render.Manifest) (runtime.Object, error) {
	obj, _, err := strictDecoder.Decode([]byte(m.Content), nil, nil)
	if err == nil {
		return obj, nil
	}
	var tm metav1.TypeMeta
	if yerr := yaml.Unmarshal([]byte(m.Content), &tm); yerr == nil && runtime.IsNotRegisteredError(err) && tm.GroupVersionKind().Group == "monitoring.coreos.com" {
		var u map[string]any
		if err := yaml.UnmarshalStrict([]byte(m.Content), &u); err != nil {
			return nil, err
		}
		if _, ok := u["spec"].(map[string]any); !ok {
			return nil, fmt.Errorf("%s %s has no spec", tm.Kind, m.Name)
		}
		return nil, nil
	}
	return nil, fmt.Errorf("%s (%s): %w", m.Source, m.Name, err)
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
