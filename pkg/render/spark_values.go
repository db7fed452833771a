package render

import (
	"fmt"

	"github.com/jobcharts/jobcharts/pkg/descriptor"
)

// SparkValues derives the complete spark-app chart values from a validated SparkApp.
func SparkValues(a *descriptor.SparkApp, trace Traceability) (map[string]any, error) {
	s := &a.Spec
	driverRes, err := sparkResources(s.DriverResources())
	if err != nil {
		return nil, fmt.Errorf("spec.driver.resources: %w", err)
	}
	execRes, err := sparkResources(s.ExecutorResources())
	if err != nil {
		return nil, fmt.Errorf("spec.executor.resources: %w", err)
	}
	app := map[string]any{
		"type":                s.App.Type,
		"mainApplicationFile": s.App.MainApplicationFile,
		"mainClass":           s.App.MainClass,
		"args":                orEmptyList(s.App.Args),
	}
	if d := s.App.Deps; d != nil {
		app["deps"] = map[string]any{"jars": orEmptyList(d.Jars), "files": orEmptyList(d.Files), "pyFiles": orEmptyList(d.PyFiles)}
	}
	da := map[string]any{"enabled": s.DynamicAllocationEnabled()}
	if s.DynamicAllocationEnabled() {
		da["minExecutors"], da["maxExecutors"] = s.MinExecutors(), s.MaxExecutors()
		if s.DynamicAllocation.InitialExecutors != nil {
			da["initialExecutors"] = *s.DynamicAllocation.InitialExecutors
		}
	}
	v, err := commonValues(a.Metadata, s.Image, s.PullPolicy(), s.ImagePullSecrets, s.NetworkPolicy, trace)
	if err != nil {
		return nil, err
	}
	for key, val := range map[string]any{
		"sparkVersion":      s.SparkVersion,
		"app":               app,
		"driver":            map[string]any{"resources": driverRes, "retries": s.DriverRetries()},
		"executor":          map[string]any{"instances": s.ExecutorInstances(), "resources": execRes, "deleteOnTermination": s.ExecutorDeleteOnTermination()},
		"dynamicAllocation": da,
		"eventLog":          map[string]any{"dir": s.EventLogDir()},
		"metrics":           map[string]any{"prometheus": map[string]any{"enabled": s.PrometheusEnabled(), "podMonitor": s.PodMonitorEnabled()}},
		"timeouts": map[string]any{
			"activeDeadlineSeconds":   s.ActiveDeadlineSeconds(),
			"ttlSecondsAfterFinished": s.TTLSecondsAfterFinished(),
		},
		"serviceAccount": map[string]any{"create": s.CreateServiceAccount()},
	} {
		v[key] = val
	}
	if b := s.BatchScheduler; b != nil {
		v["batchScheduler"] = map[string]any{"name": b.Name, "queue": b.Queue, "gang": b.Gang}
	}
	if len(s.SparkConf) > 0 {
		v["sparkConf"] = scalars(s.SparkConf)
	}
	if len(s.HadoopConf) > 0 {
		v["hadoopConf"] = scalars(s.HadoopConf)
	}
	if sa := s.ServiceAccount; sa != nil && sa.Name != "" {
		v["serviceAccount"].(map[string]any)["name"] = sa.Name
	}
	pods := map[string]any{}
	if pt := s.PodTemplate; pt != nil {
		for role, tpl := range map[string]*descriptor.PodTemplate{"driver": pt.Driver, "executor": pt.Executor} {
			g, err := generic(tpl)
			if err != nil {
				return nil, fmt.Errorf("spec.podTemplate.%s: %w", role, err)
			}
			if g != nil {
				pods[role] = g
			}
		}
	}
	if len(pods) > 0 {
		v["podTemplate"] = pods
	}
	for key, obj := range map[string]any{"env": s.Env, "envFrom": s.EnvFrom} {
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

// sparkResources gives the chart CPU in millicores and memory in whole MiB, the units
// it does arithmetic with (task slots, container memory = heap + overhead).
func sparkResources(r descriptor.SparkResources) (map[string]any, error) {
	milli, err := descriptor.MilliCPU(r.CPU)
	if err != nil {
		return nil, err
	}
	mem, err := descriptor.MemoryMiB(r.Memory)
	if err != nil {
		return nil, err
	}
	overhead, err := descriptor.MemoryMiB(r.MemoryOverhead)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"cpu":            fmt.Sprintf("%dm", milli),
		"memory":         fmt.Sprintf("%dMi", mem),
		"memoryOverhead": fmt.Sprintf("%dMi", overhead),
	}, nil
}

// scalars keeps configuration values as strings: YAML would turn 1000000 into a float64.
func scalars(m map[string]descriptor.Scalar) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}
