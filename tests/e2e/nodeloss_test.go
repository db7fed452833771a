//go:build e2e

package e2e

// TestSparkDriverNodeLoss (issue #4, scenario 4): the Spark driver Job replaces a driver pod lost
// with its node without counting it against backoffLimit, and still fails at once when the driver
// itself fails.
//
// What Kubernetes v1.34 does when a node object goes (pkg/controller/podgc): after a 40 s
// quarantine the pod garbage collector patches every pod still bound to it to phase Failed with
// the condition DisruptionTarget (reason DeletionByPodGC), then force-deletes it. No kubelet (and
// so not kwok's pod-terminate Stage, which only acts on Pending/Running pods) reports an exit
// code: the containers' last state stays "running". The Job controller's podFailurePolicy then
// matches the chart's `Ignore` rule on DisruptionTarget, and an ignored failure is neither added
// to .status.failed nor counted against backoffLimit (matchPodFailurePolicy returns
// countFailed=false; docs: "the Pod failure is ignored and the counter towards .spec.backoffLimit
// is not incremented"). The release runs with driver.retries 0 (backoffLimit 0), so had the lost
// pod counted, the Job would have failed with BackoffLimitExceeded. An ignored failure still
// delays the replacement by the Job's pod-failure back-off (10 s after the failure, doubling
// with each consecutive one), so the new driver starts ~10 s after the pod garbage collector
// marked the old one: about a minute after the node went, all told.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
)

const (
	nodeLossKey   = "e2e.jobcharts.io/spark-node-loss"
	nodeLossValue = "driver"
)

func TestSparkDriverNodeLoss(t *testing.T) {
	t.Parallel()
	ctx := ctxFor(t, 4*time.Minute)
	c := env.cluster
	start := time.Now()

	chart := filepath.Join(env.root, "charts", "spark-app")
	if dir := os.Getenv("E2E_CHARTS"); dir != "" {
		chart = filepath.Join(dir, "spark-app")
	}
	if _, err := os.Stat(filepath.Join(chart, "Chart.yaml")); err != nil {
		t.Skipf("the chart %s does not exist", chart)
	}
	tc := &testCase{
		name:       "node-loss/spark-scala-3.5",
		descriptor: filepath.Join(env.root, "tests", "golden", "spark-scala-3.5", "descriptor.yaml"),
		kind:       "SparkApp",
		release:    "daily-revenue",
		namespace:  "e2e-spark-driver-node-loss",
		chart:      chart,
		engine:     engines["SparkApp"],
	}

	// Two dedicated nodes, labelled for this test and tainted so that no other pod lands there.
	taint := corev1.Taint{Key: nodeLossKey, Value: nodeLossValue, Effect: corev1.TaintEffectNoSchedule}
	nodes := []string{"kwok-spark-node-loss-a", "kwok-spark-node-loss-b"}
	t.Cleanup(func() {
		for _, n := range nodes {
			if err := c.Client.CoreV1().Nodes().Delete(context.Background(), n, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				t.Errorf("deleting node %s: %v", n, err)
			}
		}
	})
	for _, n := range nodes {
		if err := c.AddNode(ctx, n, map[string]string{nodeLossKey: nodeLossValue}, []corev1.Taint{taint}); err != nil {
			t.Fatal(err)
		}
	}

	s := &sparkApp{release: newRelease(t, ctx, tc)}
	// The driver goes to the dedicated nodes only; backoffLimit 0, so any counted failure ends
	// the Job.
	extra := writeValues(t, tc.namespace+"-node-loss.yaml", map[string]any{
		"driver": map[string]any{"retries": 0},
		"podTemplate": map[string]any{"driver": map[string]any{
			"nodeSelector": map[string]any{nodeLossKey: nodeLossValue},
			"tolerations": []any{map[string]any{
				"key": nodeLossKey, "operator": "Equal", "value": nodeLossValue, "effect": "NoSchedule",
			}},
		}},
	})
	s.prepare(t, ctx, "podTemplate.executor")
	helmInstall(t, ctx, tc, s.valuesFile, extra)
	waitWorkloads(t, ctx, tc.namespace, s.selector(), time.Minute)
	t.Logf("installed and healthy in %v", since(start))

	job := s.driverJob(t, ctx)
	if deref(job.Spec.BackoffLimit) != 0 {
		t.Fatalf("driver Job %s: backoffLimit %d, want 0 (driver.retries 0)", job.Name, deref(job.Spec.BackoffLimit))
	}
	old := s.driverPod(t)
	if !metav1.IsControlledBy(old, job) {
		t.Fatalf("driver pod %s is not controlled by Job %s", old.Name, job.Name)
	}
	lost := old.Spec.NodeName
	var other string
	switch lost {
	case nodes[0]:
		other = nodes[1]
	case nodes[1]:
		other = nodes[0]
	default:
		t.Fatalf("driver pod %s runs on %s, not on a dedicated node %v: nodeSelector/tolerations not rendered", old.Name, lost, nodes)
	}
	execSel := s.component("executor")
	s.createExecutors(t, ctx, 1, old)
	waitRunning(t, ctx, tc.namespace, execSel, 1, time.Minute)

	// Watch the driver pods from here on: the lost pod's last states pass within milliseconds.
	seen := watchPods(t, ctx, tc.namespace, s.component("driver"))

	// The node goes.
	lossAt := time.Now()
	if err := c.Client.CoreV1().Nodes().Delete(ctx, lost, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("deleted node %s (driver pod %s, uid %s)", lost, old.Name, old.UID)

	// A new driver pod of the same Job Running on the other dedicated node, the old one gone.
	// The Job failing (had the lost pod counted: BackoffLimitExceeded) ends the wait at once.
	var fresh *corev1.Pod
	var state string
	if err := c.poll(ctx, 2*time.Minute, func(ctx context.Context) (bool, error) {
		if j := s.driverJob(t, ctx); finishedCondition(j) != "" {
			return false, fmt.Errorf("driver Job %s finished: %s; status.failed=%d", j.Name, finishedCondition(j), j.Status.Failed)
		}
		pods, err := c.Client.CoreV1().Pods(tc.namespace).List(ctx, metav1.ListOptions{LabelSelector: s.component("driver")})
		if err != nil {
			return false, err
		}
		fresh, state = nil, ""
		stale := false
		for i := range pods.Items {
			p := &pods.Items[i]
			state += fmt.Sprintf(" %s(uid %s, %s, node %s, deleting %v)", p.Name, p.UID, p.Status.Phase, p.Spec.NodeName, p.DeletionTimestamp != nil)
			switch {
			case p.UID == old.UID:
				stale = true
			case podRunning(p):
				fresh = p
			}
		}
		return fresh != nil && !stale, nil
	}); err != nil {
		t.Fatalf("driver pod lost with node %s: no new Running driver pod, or the old one is still there, within 2m (%v):%s", lost, err, state)
	}
	t.Logf("node %s deleted: new driver pod %s (created %v after it) Running on %s after %v", lost, fresh.Name,
		fresh.CreationTimestamp.Sub(lossAt).Round(time.Second), fresh.Spec.NodeName, since(lossAt))
	if !metav1.IsControlledBy(fresh, job) {
		t.Errorf("new driver pod %s is not controlled by Job %s (uid %s)", fresh.Name, job.Name, job.UID)
	}
	if fresh.Spec.NodeName != other {
		t.Errorf("new driver pod %s runs on %s, want the other dedicated node %s", fresh.Name, fresh.Spec.NodeName, other)
	}

	// What the lost pod went through: Failed with DisruptionTarget, no container exit code.
	hist := seen.of(old.UID)
	last, ok := hist.lastFailed()
	if !ok {
		t.Errorf("the lost driver pod was never seen Failed; its states:\n%s", hist)
	} else {
		dt := condition(last, corev1.DisruptionTarget)
		if dt == nil || dt.Status != corev1.ConditionTrue {
			t.Errorf("the lost driver pod is Failed without condition DisruptionTarget=True; its states:\n%s", hist)
		} else {
			failedAt, _ := hist.firstFailed()
			t.Logf("lost driver pod: %s %v after the node deletion, DisruptionTarget reason %s (%q), containers %s; deleted: %v",
				last.Status.Phase, failedAt.Sub(lossAt).Round(100*time.Millisecond), dt.Reason, dt.Message, containerStates(last), hist.deleted)
		}
	}
	if !hist.deleted {
		t.Errorf("no DELETED event for the lost driver pod; its states:\n%s", hist)
	}

	// The Job counted nothing: not Failed, .status.failed 0, one active Ready driver.
	if err := c.poll(ctx, 30*time.Second, func(ctx context.Context) (bool, error) {
		job = s.driverJob(t, ctx)
		return job.Status.Active == 1 && deref(job.Status.Ready) == 1 && deref(job.Status.Terminating) == 0, nil
	}); err != nil {
		t.Errorf("driver Job %s after the node loss: active=%d ready=%d terminating=%d, want 1/1/0", job.Name,
			job.Status.Active, deref(job.Status.Ready), deref(job.Status.Terminating))
	}
	if cond := finishedCondition(job); cond != "" {
		t.Errorf("driver Job %s after the node loss: %s", job.Name, cond)
	}
	if job.Status.Failed != 0 {
		t.Errorf("driver Job %s after the node loss: status.failed=%d, want 0 (the Ignore rule on DisruptionTarget)", job.Name, job.Status.Failed)
	}
	if u := job.Status.UncountedTerminatedPods; u != nil && len(u.Failed) > 0 {
		t.Errorf("driver Job %s after the node loss: uncountedTerminatedPods.failed=%v", job.Name, u.Failed)
	}
	t.Logf("driver Job %s after the node loss: active=%d ready=%d failed=%d succeeded=%d, no Failed condition",
		job.Name, job.Status.Active, deref(job.Status.Ready), job.Status.Failed, job.Status.Succeeded)

	// The lost driver's executor goes with it (owner reference, garbage collector).
	if err := c.poll(ctx, time.Minute, func(ctx context.Context) (bool, error) {
		pods, err := c.Client.CoreV1().Pods(tc.namespace).List(ctx, metav1.ListOptions{LabelSelector: execSel})
		return err == nil && len(pods.Items) == 0, err
	}); err != nil {
		t.Errorf("the executor of the lost driver pod %s remains: %v", old.Name, err)
	}

	// Contrast: the driver itself fails (exit code 1). The FailJob rule ends the Job at once.
	// kwok has no Stage for a Failed pod that is not being deleted, so the status stays as set.
	failAt := time.Now()
	s.failDriver(t, ctx, fresh, 1)
	var cond *batchv1.JobCondition
	if err := c.poll(ctx, 30*time.Second, func(ctx context.Context) (bool, error) {
		job = s.driverJob(t, ctx)
		cond = jobCondition(job, batchv1.JobFailed)
		return cond != nil && cond.Status == corev1.ConditionTrue, nil
	}); err != nil {
		t.Fatalf("driver pod %s exited 1: Job %s not Failed within 30s (%s, failed=%d)", fresh.Name, job.Name, finishedCondition(job), job.Status.Failed)
	}
	t.Logf("driver pod %s exited 1: Job %s Failed after %v: reason %s, %q; status.failed=%d",
		fresh.Name, job.Name, since(failAt), cond.Reason, cond.Message, job.Status.Failed)
	if cond.Reason != batchv1.JobReasonPodFailurePolicy || !strings.Contains(cond.Message, "exit code 1") {
		t.Errorf("Job %s: Failed with reason %s (%q), want %s naming exit code 1", job.Name, cond.Reason, cond.Message, batchv1.JobReasonPodFailurePolicy)
	}
	if job.Status.Failed != 1 {
		t.Errorf("Job %s: status.failed=%d after the driver exited 1, want 1", job.Name, job.Status.Failed)
	}

	helmChange(t, ctx, tc.namespace, "uninstall", tc.release)
	var except []string
	if !s.values.bool("serviceAccount.create") {
		except = append(except, "serviceaccounts/"+s.sa)
	}
	assertNamespaceEmpty(t, ctx, tc.namespace, except...)
	t.Logf("node loss scenario in %v", since(start))
}

// driverJob returns the release's driver Job.
func (s *sparkApp) driverJob(t *testing.T, ctx context.Context) *batchv1.Job {
	t.Helper()
	jobs, err := env.cluster.Client.BatchV1().Jobs(s.namespace).List(ctx, metav1.ListOptions{LabelSelector: s.component("driver")})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs.Items) != 1 {
		t.Fatalf("want one driver Job, have %d", len(jobs.Items))
	}
	return &jobs.Items[0]
}

// failDriver reports, as a kubelet would, that the driver container exited with code: the pod
// Failed, its driver container terminated.
func (s *sparkApp) failDriver(t *testing.T, ctx context.Context, pod *corev1.Pod, code int32) {
	t.Helper()
	c := env.cluster
	p, err := c.Client.CoreV1().Pods(s.namespace).Get(ctx, pod.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := metav1.Now()
	p.Status.Phase = corev1.PodFailed
	for i := range p.Status.Conditions {
		switch p.Status.Conditions[i].Type {
		case corev1.PodReady, corev1.ContainersReady:
			p.Status.Conditions[i].Status = corev1.ConditionFalse
			p.Status.Conditions[i].LastTransitionTime = now
		}
	}
	found := false
	for i := range p.Status.ContainerStatuses {
		cs := &p.Status.ContainerStatuses[i]
		if cs.Name != "driver" {
			continue
		}
		found = true
		started := now
		if cs.State.Running != nil {
			started = cs.State.Running.StartedAt
		}
		cs.Ready, cs.Started = false, ptr(false)
		cs.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: code, Reason: "Error", StartedAt: started, FinishedAt: now,
		}}
	}
	if !found {
		t.Fatalf("driver pod %s has no status for container driver", p.Name)
	}
	if _, err := c.Client.CoreV1().Pods(s.namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("reporting driver pod %s Failed (exit %d): %v", p.Name, code, err)
	}
}

// waitRunning waits until want pods matching sel are Running and Ready.
func waitRunning(t *testing.T, ctx context.Context, ns, sel string, want int, within time.Duration) {
	t.Helper()
	c := env.cluster
	running := 0
	if err := c.poll(ctx, within, func(ctx context.Context) (bool, error) {
		pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			return false, err
		}
		running = 0
		for i := range pods.Items {
			if podRunning(&pods.Items[i]) {
				running++
			}
		}
		return running == want, nil
	}); err != nil {
		t.Fatalf("%d of %d pods %s Running: %v", running, want, sel, err)
	}
}

func condition(p *corev1.Pod, typ corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == typ {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

func jobCondition(j *batchv1.Job, typ batchv1.JobConditionType) *batchv1.JobCondition {
	for i := range j.Status.Conditions {
		if j.Status.Conditions[i].Type == typ {
			return &j.Status.Conditions[i]
		}
	}
	return nil
}

// finishedCondition describes a Job's terminal (or about to be) conditions, or "".
func finishedCondition(j *batchv1.Job) string {
	var parts []string
	for _, cond := range j.Status.Conditions {
		switch cond.Type {
		case batchv1.JobFailed, batchv1.JobFailureTarget, batchv1.JobComplete, batchv1.JobSuccessCriteriaMet:
			if cond.Status == corev1.ConditionTrue {
				parts = append(parts, fmt.Sprintf("%s (%s: %s)", cond.Type, cond.Reason, cond.Message))
			}
		}
	}
	return strings.Join(parts, ", ")
}

func containerStates(p *corev1.Pod) string {
	var parts []string
	for _, cs := range p.Status.ContainerStatuses {
		switch {
		case cs.State.Terminated != nil:
			parts = append(parts, fmt.Sprintf("%s terminated exit %d (%s)", cs.Name, cs.State.Terminated.ExitCode, cs.State.Terminated.Reason))
		case cs.State.Running != nil:
			parts = append(parts, cs.Name+" running")
		default:
			parts = append(parts, cs.Name+" waiting")
		}
	}
	return strings.Join(parts, ", ")
}

// podWatch records every state of the pods a watch saw, by UID.
type podWatch struct {
	mu   sync.Mutex
	pods map[types.UID]*podHistory
}

type podHistory struct {
	states  []*corev1.Pod
	at      []time.Time // when each state was seen
	deleted bool
}

func (h podHistory) String() string {
	var b strings.Builder
	for _, p := range h.states {
		var conds []string
		for _, c := range p.Status.Conditions {
			conds = append(conds, fmt.Sprintf("%s=%s(%s)", c.Type, c.Status, c.Reason))
		}
		fmt.Fprintf(&b, "  phase=%s deleting=%v finalizers=%v conditions=%s containers=%s\n",
			p.Status.Phase, p.DeletionTimestamp != nil, p.Finalizers, strings.Join(conds, ","), containerStates(p))
	}
	fmt.Fprintf(&b, "  deleted=%v", h.deleted)
	return b.String()
}

// lastFailed returns the last state in which the pod was Failed.
func (h podHistory) lastFailed() (*corev1.Pod, bool) {
	for i := len(h.states) - 1; i >= 0; i-- {
		if h.states[i].Status.Phase == corev1.PodFailed {
			return h.states[i], true
		}
	}
	return nil, false
}

// firstFailed returns when the pod was first seen Failed.
func (h podHistory) firstFailed() (time.Time, bool) {
	for i, p := range h.states {
		if p.Status.Phase == corev1.PodFailed {
			return h.at[i], true
		}
	}
	return time.Time{}, false
}

func (w *podWatch) of(uid types.UID) podHistory {
	w.mu.Lock()
	defer w.mu.Unlock()
	if h := w.pods[uid]; h != nil {
		return podHistory{states: append([]*corev1.Pod(nil), h.states...), at: append([]time.Time(nil), h.at...), deleted: h.deleted}
	}
	return podHistory{}
}

// watchPods watches the pods matching sel in ns until the test ends.
func watchPods(t *testing.T, ctx context.Context, ns, sel string) *podWatch {
	t.Helper()
	c := env.cluster
	list, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	w := &podWatch{pods: map[types.UID]*podHistory{}}
	for i := range list.Items {
		w.pods[list.Items[i].UID] = &podHistory{states: []*corev1.Pod{&list.Items[i]}, at: []time.Time{time.Now()}}
	}
	wctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	wi, err := c.Client.CoreV1().Pods(ns).Watch(wctx, metav1.ListOptions{LabelSelector: sel, ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer wi.Stop()
		for ev := range wi.ResultChan() {
			p, ok := ev.Object.(*corev1.Pod)
			if !ok {
				continue
			}
			w.mu.Lock()
			h := w.pods[p.UID]
			if h == nil {
				h = &podHistory{}
				w.pods[p.UID] = h
			}
			h.states = append(h.states, p)
			h.at = append(h.at, time.Now())
			if ev.Type == watch.Deleted {
				h.deleted = true
			}
			w.mu.Unlock()
		}
	}()
	return w
}
