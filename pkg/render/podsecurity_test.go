package render_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jobcharts/jobcharts/pkg/descriptor"
	"github.com/jobcharts/jobcharts/pkg/render"
	"github.com/jobcharts/jobcharts/pkg/render/rendertest"
)

// psaBase are descriptors of both kinds with one volume (VOLUME), one sidecar whose
// extra lines go at SIDECAR, and pod annotations at ANNOTATIONS. The Spark one puts
// them on the executors, so the executor pod template Spark starts from is checked.
var psaBase = map[string]struct{ yaml, base string }{
	descriptor.KindFlinkJob: {base: "spec.podTemplate", yaml: `apiVersion: jobcharts.io/v1alpha1
kind: FlinkJob
metadata:
  name: psa
spec:
  flinkVersion: "1.20"
  image: registry.example.com/a/job:1.0.0
  job:
    jarURI: local:///opt/flink/usrlib/job.jar
  podTemplate:
    annotations: {ANNOTATIONS}
    volumes:
      - name: extra
        VOLUME
    sidecars:
      - name: side
        image: registry.example.com/a/side:1.0.0
        resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}
        SIDECAR
`},
	descriptor.KindSparkApp: {base: "spec.podTemplate.executor", yaml: `apiVersion: jobcharts.io/v1alpha1
kind: SparkApp
metadata:
  name: psa
spec:
  sparkVersion: "3.5"
  image: registry.example.com/a/app:1.0.0
  app:
    type: scala
    mainApplicationFile: local:///opt/spark/app/app.jar
    mainClass: com.example.App
  podTemplate:
    executor:
      annotations: {ANNOTATIONS}
      volumes:
        - name: extra
          VOLUME
      sidecars:
        - name: side
          image: registry.example.com/a/side:1.0.0
          resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}
          SIDECAR
`},
}

// psaVariant changes the base descriptor: a volume source, sidecar lines, pod annotations.
type psaVariant struct {
	volume, sidecar, annotations string
}

func (p psaVariant) descriptor(kind string) string {
	b := psaBase[kind]
	indent := "        "
	if kind == descriptor.KindSparkApp {
		indent = "          "
	}
	volume := p.volume
	if volume == "" {
		volume = "emptyDir: {}"
	}
	sidecar := strings.ReplaceAll(p.sidecar, "\n", "\n"+indent)
	return strings.NewReplacer("VOLUME", volume, "SIDECAR", sidecar, "ANNOTATIONS", p.annotations).Replace(b.yaml)
}

// renderUnchecked renders a descriptor that decodes, without validating it: what the
// charts would make of it if validation let it through.
func renderUnchecked(t *testing.T, kind, text string) []render.Manifest {
	t.Helper()
	doc, err := descriptor.Parse("t.yaml", []byte(text))
	require.NoError(t, err)
	var values map[string]any
	var chart string
	if kind == descriptor.KindFlinkJob {
		values, err = render.FlinkValues(doc.Flink, render.Traceability{GitCommit: "0123456"})
		chart = "flink-job"
	} else {
		values, err = render.SparkValues(doc.Spark, render.Traceability{GitCommit: "0123456"})
		chart = "spark-app"
	}
	require.NoError(t, err)
	ch, err := render.LoadChart(chart)
	require.NoError(t, err)
	ms, err := render.Render(ch, values, render.Options{ReleaseName: "psa", Namespace: "default", KubeVersion: render.DefaultKubeVersion})
	require.NoError(t, err)
	return ms
}

// restrictedViolations lists, per pod template, what Pod Security "restricted" (latest) forbids.
func restrictedViolations(t *testing.T, ms []render.Manifest) []string {
	t.Helper()
	var out []string
	for name, tpl := range rendertest.PodTemplates(t, ms) {
		if v := rendertest.PodSecurityViolation(name, tpl); v != "" {
			out = append(out, name+": "+v)
		}
	}
	return out
}

// TestPodSecurityRefusalsAreNecessary uses Pod Security admission's own checks as the
// oracle: each refused setting, rendered without validation, makes a pod fail
// "restricted", and validation refuses it at its field; each accepted variant
// validates and renders pods that pass.
func TestPodSecurityRefusalsAreNecessary(t *testing.T) {
	refused := []struct {
		name    string
		variant psaVariant
		field   string // relative to the kind's pod template
	}{
		{"hostPath volume", psaVariant{volume: "hostPath: {path: /var/run}"}, "volumes[0].hostPath"},
		{"nfs volume", psaVariant{volume: "nfs: {server: nfs.example.com, path: /export}"}, "volumes[0].nfs"},
		{"gitRepo volume", psaVariant{volume: "gitRepo: {repository: https://example.com/r.git}"}, "volumes[0].gitRepo"},
		{"privileged", psaVariant{sidecar: "securityContext: {privileged: true}"}, "sidecars[0].securityContext.privileged"},
		{"allowPrivilegeEscalation", psaVariant{sidecar: "securityContext: {allowPrivilegeEscalation: true}"}, "sidecars[0].securityContext.allowPrivilegeEscalation"},
		{"runAsUser 0", psaVariant{sidecar: "securityContext: {runAsUser: 0}"}, "sidecars[0].securityContext.runAsUser"},
		{"runAsNonRoot false", psaVariant{sidecar: "securityContext: {runAsNonRoot: false}"}, "sidecars[0].securityContext.runAsNonRoot"},
		{"capabilities.add SYS_ADMIN", psaVariant{sidecar: "securityContext: {capabilities: {add: [SYS_ADMIN]}}"}, "sidecars[0].securityContext.capabilities.add[0]"},
		{"capabilities.add CHOWN (baseline allows it)", psaVariant{sidecar: "securityContext: {capabilities: {add: [NET_BIND_SERVICE, CHOWN]}}"}, "sidecars[0].securityContext.capabilities.add[1]"},
		{"capabilities.drop without ALL", psaVariant{sidecar: "securityContext: {capabilities: {drop: [NET_RAW]}}"}, "sidecars[0].securityContext.capabilities.drop"},
		{"seccomp Unconfined", psaVariant{sidecar: "securityContext: {seccompProfile: {type: Unconfined}}"}, "sidecars[0].securityContext.seccompProfile.type"},
		{"procMount Unmasked", psaVariant{sidecar: "securityContext: {procMount: Unmasked}"}, "sidecars[0].securityContext.procMount"},
		{"windows hostProcess", psaVariant{sidecar: "securityContext: {windowsOptions: {hostProcess: true}}"}, "sidecars[0].securityContext.windowsOptions.hostProcess"},
		{"SELinux type spc_t", psaVariant{sidecar: "securityContext: {seLinuxOptions: {type: spc_t}}"}, "sidecars[0].securityContext.seLinuxOptions.type"},
		{"SELinux user", psaVariant{sidecar: "securityContext: {seLinuxOptions: {user: system_u}}"}, "sidecars[0].securityContext.seLinuxOptions.user"},
		{"SELinux role", psaVariant{sidecar: "securityContext: {seLinuxOptions: {role: system_r}}"}, "sidecars[0].securityContext.seLinuxOptions.role"},
		{"AppArmor Unconfined", psaVariant{sidecar: "securityContext: {appArmorProfile: {type: Unconfined}}"}, "sidecars[0].securityContext.appArmorProfile.type"},
		{"AppArmor annotation unconfined", psaVariant{annotations: "container.apparmor.security.beta.kubernetes.io/side: unconfined"}, "annotations.container.apparmor.security.beta.kubernetes.io/side"},
		{"hostPort", psaVariant{sidecar: "ports: [{containerPort: 8080, hostPort: 8080}]"}, "sidecars[0].ports[0].hostPort"},
		{"probe host", psaVariant{sidecar: "readinessProbe: {httpGet: {host: example.com, port: 8080}}"}, "sidecars[0].readinessProbe.httpGet.host"},
		{"lifecycle host", psaVariant{sidecar: "lifecycle: {preStop: {tcpSocket: {host: example.com, port: 8080}}}"}, "sidecars[0].lifecycle.preStop.tcpSocket.host"},
	}
	for _, kind := range descriptor.Kinds() {
		for _, tc := range refused {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				text := tc.variant.descriptor(kind)
				violations := restrictedViolations(t, renderUnchecked(t, kind, text))
				require.NotEmpty(t, violations, "without the refusal the pods would pass restricted: the refusal is not needed")

				doc, err := descriptor.Parse("t.yaml", []byte(text))
				require.NoError(t, err)
				errs := doc.Validate(descriptor.Options{})
				require.Len(t, errs, 1, errs.Error())
				field := psaBase[kind].base + "." + tc.field
				require.Equal(t, field, errs[0].Field, errs.Error())
				require.Contains(t, errs[0].Message, `Pod Security "`, errs.Error())
				require.NotEqual(t, 1, errs[0].Line, "reported at the field, not at the top: %s", errs.Error())
			})
		}
	}

	accepted := []psaVariant{
		{},
		{sidecar: "securityContext: {}"},
		{sidecar: "securityContext: {runAsUser: 1000, runAsGroup: 1000, readOnlyRootFilesystem: false}"},
		{sidecar: "securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false}"},
		{sidecar: "securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}"},
		{sidecar: "securityContext: {capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}}"},
		{sidecar: "securityContext: {capabilities: {drop: [ALL, NET_RAW]}}"},
		{sidecar: "securityContext: {seccompProfile: {type: RuntimeDefault}}"},
		{sidecar: "securityContext: {seccompProfile: {type: Localhost, localhostProfile: profiles/side.json}}"},
		{sidecar: "securityContext: {procMount: Default}"},
		{sidecar: "securityContext: {windowsOptions: {hostProcess: false}}"},
		{sidecar: "securityContext: {seLinuxOptions: {type: container_t, level: \"s0:c123,c456\"}}"},
		{sidecar: "securityContext: {appArmorProfile: {type: RuntimeDefault}}"},
		{sidecar: "securityContext: {appArmorProfile: {type: Localhost, localhostProfile: side}}"},
		{annotations: "container.apparmor.security.beta.kubernetes.io/side: runtime/default"},
		{annotations: "container.apparmor.security.beta.kubernetes.io/side: localhost/side"},
		{sidecar: "ports: [{containerPort: 8080}]"},
		{sidecar: "readinessProbe: {httpGet: {port: 8080}}\nlifecycle: {preStop: {exec: {command: [sleep, \"5\"]}}}"},
		{volume: "configMap: {name: cm}"},
		{volume: "secret: {secretName: s}"},
		{volume: "persistentVolumeClaim: {claimName: data}"},
		{volume: "csi: {driver: example.csi.k8s.io}"},
		{volume: "downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}"},
		{volume: "projected: {sources: [{serviceAccountToken: {path: token}}]}"},
		{volume: "ephemeral: {volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}}"},
		{volume: "image: {reference: registry.example.com/a/data:1.0.0}"},
	}
	for _, kind := range descriptor.Kinds() {
		for i, v := range accepted {
			t.Run(fmt.Sprintf("%s/accepted-%d", kind, i), func(t *testing.T) {
				text := v.descriptor(kind)
				doc, err := descriptor.Parse("t.yaml", []byte(text))
				require.NoError(t, err)
				require.Empty(t, doc.Validate(descriptor.Options{}), text)
				require.Empty(t, restrictedViolations(t, renderUnchecked(t, kind, text)), text)
			})
		}
	}
}
