package render

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/jobcharts/jobcharts/pkg/descriptor"
)

// Traceability is what ties rendered objects to the reviewed source.
type Traceability struct {
	// DescriptorSha256 is the hex sha256 of the descriptor file's bytes.
	DescriptorSha256 string
	// GitCommit is the commit of the repository holding the descriptor, when known.
	GitCommit string
}

// FlinkValues derives the complete flink-job chart values from a validated FlinkJob.
// Every value is explicit (defaults applied) so `gen values` shows the whole picture.
func FlinkValues(f *descriptor.FlinkJob, trace Traceability) (map[string]any, error) {
	s := &f.Spec
	jmRes, err := chartResources(s.JobManagerResources())
	if err != nil {
		return nil, fmt.Errorf("spec.jobManager.resources: %w", err)
	}
	tmRes, err := chartResources(s.TaskManagerResources())
	if err != nil {
		return nil, fmt.Errorf("spec.taskManager.resources: %w", err)
	}
	v, err := commonValues(f.Metadata, s.Image, s.PullPolicy(), s.ImagePullSecrets, s.NetworkPolicy, trace)
	if err != nil {
		return nil, err
	}
	for key, val := range map[string]any{
		"flinkVersion": s.FlinkVersion,
		"job":          flinkJobValues(s),
		"jobManager":   map[string]any{"resources": jmRes},
		"taskManager":  map[string]any{"replicas": s.TaskManagerReplicas(), "taskSlots": s.TaskSlots(), "resources": tmRes},
		"checkpointing": map[string]any{
			"mode":         s.CheckpointingMode(),
			"stateBackend": s.StateBackend(),
		},
		"highAvailability": map[string]any{"type": s.HAType()},
		"metrics": map[string]any{"prometheus": map[string]any{
			"enabled": s.PrometheusEnabled(), "port": s.PrometheusPort(), "podMonitor": s.Metrics != nil && s.Metrics.Prometheus != nil && s.Metrics.Prometheus.PodMonitor,
		}},
		"serviceAccount": map[string]any{"create": s.CreateServiceAccount()},
	} {
		v[key] = val
	}
	if c := s.Checkpointing; c != nil {
		cp := v["checkpointing"].(map[string]any)
		cp["interval"], cp["dir"], cp["incremental"] = c.Interval, c.Dir, c.Incremental
	}
	if s.Savepoints != nil {
		v["savepoints"] = map[string]any{"dir": s.Savepoints.Dir}
	}
	if ha := s.HighAvailability; ha != nil {
		h := v["highAvailability"].(map[string]any)
		h["storageDir"] = ha.StorageDir
		switch s.HAType() {
		case descriptor.HATypeZooKeeper:
			h["zookeeper"] = map[string]any{"quorum": ha.ZooKeeper.Quorum, "rootPath": s.ZooKeeperRootPath()}
		case descriptor.HATypeZetcd:
			h["zookeeper"] = map[string]any{"rootPath": s.ZooKeeperRootPath()}
			h["zetcd"] = map[string]any{"etcdEndpoints": ha.Zetcd.EtcdEndpoints, "image": s.ZetcdImage(), "replicas": s.ZetcdReplicas()}
		}
	}
	if rs := s.RestartStrategy; rs != nil {
		v["restartStrategy"] = restartValues(rs)
	}
	if len(s.FlinkConfiguration) > 0 {
		v["flinkConfiguration"] = scalars(s.FlinkConfiguration)
	}
	if sa := s.ServiceAccount; sa != nil && sa.Name != "" {
		v["serviceAccount"].(map[string]any)["name"] = sa.Name
	}
	for key, obj := range map[string]any{"env": s.Env, "envFrom": s.EnvFrom, "podTemplate": s.PodTemplate} {
		g, err := generic(obj)
		if err != nil {
			return nil, fmt.Errorf("spec.%s: %w", key, err)
		}
		if g != nil {
			v[key] = g
		}
	}
	return v, nil
}

// commonValues are the values both charts take the same way: image, labels, annotations,
// the NetworkPolicy and traceability.
func commonValues(m descriptor.ObjectMeta, image string, policy corev1.PullPolicy, secrets []string, np *descriptor.NetworkPolicy, trace Traceability) (map[string]any, error) {
	netpol, err := networkPolicyValues(np)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"image":             image,
		"imagePullPolicy":   string(policy),
		"imagePullSecrets":  orEmptyList(secrets),
		"commonLabels":      orEmptyMap(m.Labels),
		"commonAnnotations": orEmptyMap(m.Annotations),
		"networkPolicy":     netpol,
		"traceability": map[string]any{
			"descriptorSha256": trace.DescriptorSha256,
			"gitCommit":        trace.GitCommit,
		},
	}, nil
}

// networkPolicyValues writes the whole networkPolicy section, the peers as plain maps
// and absent lists as empty ones, so the values show what the chart will render.
func networkPolicyValues(np *descriptor.NetworkPolicy) (map[string]any, error) {
	var ui, metrics []networkingv1.NetworkPolicyPeer
	if np != nil {
		ui, metrics = np.UIFrom, np.MetricsFrom
	}
	v := map[string]any{"enabled": np.IsEnabled()}
	for key, peers := range map[string][]networkingv1.NetworkPolicyPeer{"uiFrom": ui, "metricsFrom": metrics} {
		g, err := generic(peers)
		if err != nil {
			return nil, fmt.Errorf("spec.networkPolicy.%s: %w", key, err)
		}
		if g == nil {
			g = []any{}
		}
		v[key] = g
	}
	return v, nil
}

func flinkJobValues(s *descriptor.FlinkJobSpec) map[string]any {
	j := s.Job
	v := map[string]any{
		"jarURI":      j.JarURI,
		"entryClass":  j.EntryClass,
		"args":        orEmptyList(j.Args),
		"parallelism": s.JobParallelism(),
		"mode":        s.JobMode(),
		"jobId":       j.JobID,
		"archiveDir":  j.ArchiveDir,
	}
	if r := j.RestoreFrom; r != nil {
		v["restoreFrom"] = map[string]any{"path": r.Path, "allowNonRestoredState": r.AllowNonRestoredState}
	}
	return v
}

func restartValues(rs *descriptor.RestartStrategy) map[string]any {
	v := map[string]any{"type": rs.Type}
	set := func(key string, val any) { v[key] = val }
	if rs.Attempts != nil {
		set("attempts", *rs.Attempts)
	}
	if rs.MaxFailuresPerInterval != nil {
		set("maxFailuresPerInterval", *rs.MaxFailuresPerInterval)
	}
	if rs.BackoffMultiplier != nil {
		set("backoffMultiplier", *rs.BackoffMultiplier)
	}
	if rs.JitterFactor != nil {
		set("jitterFactor", *rs.JitterFactor)
	}
	for key, s := range map[string]string{"delay": rs.Delay, "failureRateInterval": rs.FailureRateInterval,
		"initialBackoff": rs.InitialBackoff, "maxBackoff": rs.MaxBackoff, "resetBackoffThreshold": rs.ResetBackoffThreshold} {
		if s != "" {
			set(key, s)
		}
	}
	return v
}

// chartResources gives memory to the chart in whole MiB, the unit it converts to
// Flink's process size.
func chartResources(r descriptor.Resources) (map[string]any, error) {
	mi, err := descriptor.MemoryMiB(r.Memory)
	if err != nil {
		return nil, err
	}
	return map[string]any{"cpu": r.CPU, "memory": fmt.Sprintf("%dMi", mi)}, nil
}

// generic turns a typed Kubernetes object into plain maps and lists, nil when empty.
func generic(obj any) (any, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	switch o := out.(type) {
	case nil:
		return nil, nil
	case []any:
		if len(o) == 0 {
			return nil, nil
		}
	case map[string]any:
		if len(o) == 0 {
			return nil, nil
		}
	}
	return out, nil
}

func orEmptyList[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

func orEmptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
