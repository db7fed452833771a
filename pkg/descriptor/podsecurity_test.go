package descriptor

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The oracle for these refusals (each is needed for Pod Security "restricted", the
// accepted variants pass it) is pkg/render's TestPodSecurityRefusalsAreNecessary; these
// pin the exact messages.
func TestPodSecurityMessages(t *testing.T) {
	flink := header + `  podTemplate:
    volumes:
      - {name: host, hostPath: {path: /var/run}}
    sidecars:
      - name: side
        image: registry.example.com/side:1.0.0
        securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}
`
	doc, err := Parse("t.yaml", []byte(flink))
	require.NoError(t, err)
	got := doc.Validate(Options{}).Error()
	require.Contains(t, got, `t.yaml:12:32: spec.podTemplate.volumes[0].hostPath: refused: Pod Security "restricted" forbids hostPath volumes, which expose the node's file system (so does "baseline"), and the job's pods must pass it; use a persistentVolumeClaim (or csi) volume for shared storage, emptyDir for scratch space`)
	require.Contains(t, got, `t.yaml:16:39: spec.podTemplate.sidecars[0].securityContext.privileged: refused: Pod Security "restricted" forbids privileged containers (so does "baseline"), and the job's pods must pass it; remove privileged (or set it to false)`)
	require.Contains(t, got, `t.yaml:16:66: spec.podTemplate.sidecars[0].securityContext.capabilities.add[0]: refused: Pod Security "restricted" forbids adding the capability "SYS_ADMIN" (it admits only NET_BIND_SERVICE), and the job's pods must pass it; remove it`)

	// Spark creates the executor pods itself from these keys.
	spark := sparkHeader + `  sparkConf:
    spark.kubernetes.executor.volumes.hostPath.host.mount.path: /host
    spark.kubernetes.executor.volumes.nfs.share.options.server: nfs.example.com
    spark.kubernetes.executor.volumes.persistentVolumeClaim.data.options.claimName: data
`
	doc, err = Parse("t.yaml", []byte(spark))
	require.NoError(t, err)
	errs := doc.Validate(Options{})
	require.Len(t, errs, 2, errs.Error())
	require.Equal(t, "spec.sparkConf.spark.kubernetes.executor.volumes.hostPath.host.mount.path", errs[0].Field)
	require.Contains(t, errs[0].Message, `hostPath volumes in the executor pods Spark creates (so does "baseline")`)
	require.Equal(t, "spec.sparkConf.spark.kubernetes.executor.volumes.nfs.share.options.server", errs[1].Field)
}

// Sidecars and init containers need what rendertest.CheckContainers asks of every
// container: cpu and memory requests and limits.
func TestUserContainerResources(t *testing.T) {
	flink := header + `  podTemplate:
    sidecars:
      - {name: none, image: "r.example.com/s:1"}
      - {name: partial, image: "r.example.com/s:1", resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 8Mi}}}
    initContainers:
      - {name: full, image: "r.example.com/s:1", resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}}
`
	doc, err := Parse("t.yaml", []byte(flink))
	require.NoError(t, err)
	const why = "every container of the job's pods has cpu and memory requests and limits, so the scheduler reserves what the pod uses and a runaway container cannot starve the others"
	require.Equal(t, `t.yaml:12:9: spec.podTemplate.sidecars[0].resources: required: set cpu and memory requests and limits, e.g. {requests: {cpu: 50m, memory: 64Mi}, limits: {cpu: 100m, memory: 128Mi}}; `+why+`
t.yaml:13:86: spec.podTemplate.sidecars[1].resources.requests.memory: 16Mi is above the limit 8Mi; Kubernetes refuses a request above its limit
t.yaml:13:109: spec.podTemplate.sidecars[1].resources.limits.cpu: required and above 0, e.g. 100m; `+why, doc.Validate(Options{}).Error())
}

// A volume needs exactly one source: Kubernetes refuses several, and turns none into
// an emptyDir (found by FuzzRender: the volume's emptyDir deleted).
func TestVolumeSourceCount(t *testing.T) {
	doc, err := Parse("t.yaml", []byte(header+`  podTemplate:
    volumes:
      - name: spill
      - {name: both, emptyDir: {}, configMap: {name: settings}}
      - {name: scratch, emptyDir: {}}
`))
	require.NoError(t, err)
	errs := doc.Validate(Options{})
	require.Len(t, errs, 2, errs.Error())
	require.Equal(t, `t.yaml:12:9: spec.podTemplate.volumes[0]: no volume source; set one of configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret, e.g. emptyDir: {} for scratch space`, errs[0].Error())
	require.Equal(t, `t.yaml:13:9: spec.podTemplate.volumes[1]: 2 volume sources (emptyDir, configMap); a volume has exactly one`, errs[1].Error())
}
