package rendertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jobcharts/jobcharts/pkg/render"
)

// recorder collects what a check reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
	r.TB.FailNow()
}

const badDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: x-taskmanager
spec:
  selector:
    matchLabels: {app: x}
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
        - name: taskmanager
          image: registry.example.com/job:latest
          resources:
            requests: {cpu: 500m, memory: 1Gi}
            limits: {cpu: "1", memory: 1Gi}
          livenessProbe:
            tcpSocket: {port: 6122}
        - name: log-shipper
          image: registry.example.com/shipper
          resources:
            requests: {cpu: 100m}
`

const service = `apiVersion: v1
kind: Service
metadata:
  name: x
spec:
  selector: {app: x}
  ports: [{port: 80}]
`

func TestCheckContainersFindsEveryRule(t *testing.T) {
	r := &recorder{TB: t}
	CheckContainers(r, []render.Manifest{{Source: "d.yaml", Name: "x", Content: badDeployment}, {Source: "s.yaml", Name: "x", Content: service}})
	got := strings.Join(r.errs, "\n")
	for _, want := range []string{
		`container taskmanager: cpu request 500m differs from its limit 1`,
		`container taskmanager has no readinessProbe`,
		`image "registry.example.com/job:latest" floats with the tag latest`,
		`container log-shipper has no memory request`,
		`container log-shipper has no cpu limit`,
		`image "registry.example.com/shipper" has neither tag nor digest`,
		`a Service routes to these pods, but no container has a readiness probe`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if len(r.errs) != 8 {
		t.Errorf("want 8 problems, got %d:\n%s", len(r.errs), got)
	}
}
