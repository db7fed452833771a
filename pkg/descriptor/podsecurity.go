package descriptor

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// The pods the charts render pass Pod Security "restricted". The descriptor's own
// volumes, sidecars and init containers are refused here when one of their settings
// would make a pod fail that level, so `gen validate` says so instead of the
// namespace's admission (or nothing, in a namespace that enforces no level). The
// rules follow k8s.io/pod-security-admission's checks for the latest version; a
// securityContext field left out gets the chart's default (allowPrivilegeEscalation
// false, capabilities.drop [ALL], readOnlyRootFilesystem true), and the pod sets
// runAsNonRoot, the image's user and seccompProfile RuntimeDefault.

// RestrictedVolumeTypes are the volume sources Pod Security "restricted" admits.
var RestrictedVolumeTypes = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"}

// seLinuxTypes are the SELinux types Pod Security "baseline" admits.
var seLinuxTypes = []string{"container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

// appArmorAnnotationPrefix is the deprecated per-container AppArmor annotation, still checked by Pod Security.
const appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

// forbidden reports a setting Pod Security "restricted" refuses (and "baseline" too,
// when baseline is set), with what to do instead.
func (v *validator) forbidden(path string, baseline bool, rule, fix string) {
	also := ""
	if baseline {
		also = ` (so does "baseline")`
	}
	v.errorf(path, "refused: Pod Security \"restricted\" forbids %s%s, and the job's pods must pass it; %s", rule, also, fix)
}

// podSecurity checks a pod template's volumes and containers.
func (v *validator) podSecurity(base string, pt *PodTemplate) {
	for i, vol := range pt.Volumes {
		v.volumeSource(fmt.Sprintf("%s.volumes[%d]", base, i), vol.VolumeSource)
	}
	for _, group := range []struct {
		field string
		list  []corev1.Container
	}{{"sidecars", pt.Sidecars}, {"initContainers", pt.InitContainers}} {
		for i := range group.list {
			v.containerSecurity(fmt.Sprintf("%s.%s[%d]", base, group.field, i), &group.list[i])
		}
	}
}

// volumeSource refuses volume types outside RestrictedVolumeTypes, and a volume
// with no source or several (Kubernetes would refuse several, and default none to
// an emptyDir the descriptor does not show).
func (v *validator) volumeSource(path string, src corev1.VolumeSource) {
	rv := reflect.ValueOf(src)
	var names []string
	for i := 0; i < rv.NumField(); i++ {
		if !rv.Field(i).IsNil() {
			name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ",")
			names = append(names, name)
		}
	}
	switch len(names) {
	case 0:
		v.errorf(path, "no volume source; set one of %s, e.g. emptyDir: {} for scratch space", strings.Join(RestrictedVolumeTypes, ", "))
	case 1:
	default:
		v.errorf(path, "%d volume sources (%s); a volume has exactly one", len(names), strings.Join(names, ", "))
	}
	for _, name := range names {
		if slices.Contains(RestrictedVolumeTypes, name) {
			continue
		}
		baseline := name == "hostPath"
		rule := fmt.Sprintf("%s volumes (it admits only %s)", name, strings.Join(RestrictedVolumeTypes, ", "))
		fix := "use a persistentVolumeClaim (or csi) volume for shared storage, emptyDir for scratch space"
		if baseline {
			rule = "hostPath volumes, which expose the node's file system"
		}
		v.forbidden(path+"."+name, baseline, rule, fix)
	}
}

// containerSecurity refuses a sidecar's or init container's settings that fail Pod Security "restricted".
func (v *validator) containerSecurity(path string, c *corev1.Container) {
	for j, p := range c.Ports {
		if p.HostPort != 0 {
			v.forbidden(fmt.Sprintf("%s.ports[%d].hostPort", path, j), true, "host ports",
				"remove hostPort: other pods reach the container at its containerPort (through a Service)")
		}
	}
	for _, probe := range []struct {
		field string
		p     *corev1.Probe
	}{{"livenessProbe", c.LivenessProbe}, {"readinessProbe", c.ReadinessProbe}, {"startupProbe", c.StartupProbe}} {
		if probe.p != nil {
			v.handlerHost(path+"."+probe.field, probe.p.HTTPGet, probe.p.TCPSocket)
		}
	}
	if l := c.Lifecycle; l != nil {
		for _, h := range []struct {
			field string
			h     *corev1.LifecycleHandler
		}{{"postStart", l.PostStart}, {"preStop", l.PreStop}} {
			if h.h != nil {
				v.handlerHost(path+".lifecycle."+h.field, h.h.HTTPGet, h.h.TCPSocket)
			}
		}
	}
	sc := c.SecurityContext
	if sc == nil {
		return
	}
	path += ".securityContext"
	if sc.Privileged != nil && *sc.Privileged {
		v.forbidden(path+".privileged", true, "privileged containers", "remove privileged (or set it to false)")
	}
	if sc.AllowPrivilegeEscalation != nil && *sc.AllowPrivilegeEscalation {
		v.forbidden(path+".allowPrivilegeEscalation", false, "allowPrivilegeEscalation: true", "remove it; the chart sets false")
	}
	if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		v.forbidden(path+".runAsUser", false, "running as root (runAsUser: 0)", "remove runAsUser to run as the pod's user, or set a non-zero user id")
	}
	if sc.RunAsNonRoot != nil && !*sc.RunAsNonRoot {
		v.forbidden(path+".runAsNonRoot", false, "runAsNonRoot: false", "remove it; the pod sets runAsNonRoot: true")
	}
	if caps := sc.Capabilities; caps != nil {
		for j, c := range caps.Add {
			if c != "NET_BIND_SERVICE" {
				v.forbidden(fmt.Sprintf("%s.capabilities.add[%d]", path, j), false, fmt.Sprintf("adding the capability %q (it admits only NET_BIND_SERVICE)", c), "remove it")
			}
		}
		if len(caps.Drop) > 0 && !slices.Contains(caps.Drop, "ALL") {
			v.forbidden(path+".capabilities.drop", false, "keeping capabilities: drop must contain ALL", `add "ALL" to the list, or remove drop to get the chart's [ALL]`)
		}
	}
	if p := sc.SeccompProfile; p != nil && p.Type != corev1.SeccompProfileTypeRuntimeDefault && p.Type != corev1.SeccompProfileTypeLocalhost {
		v.forbidden(path+".seccompProfile.type", p.Type == corev1.SeccompProfileTypeUnconfined,
			fmt.Sprintf("the seccomp profile %q (it admits RuntimeDefault and Localhost)", p.Type), "remove seccompProfile to get the pod's RuntimeDefault")
	}
	if sc.ProcMount != nil && *sc.ProcMount != corev1.DefaultProcMount {
		v.forbidden(path+".procMount", true, fmt.Sprintf("procMount %q", *sc.ProcMount), "remove procMount (or set Default)")
	}
	if w := sc.WindowsOptions; w != nil && w.HostProcess != nil && *w.HostProcess {
		v.forbidden(path+".windowsOptions.hostProcess", true, "Windows host process containers", "remove hostProcess")
	}
	if se := sc.SELinuxOptions; se != nil {
		if se.Type != "" && !slices.Contains(seLinuxTypes, se.Type) {
			v.forbidden(path+".seLinuxOptions.type", true, fmt.Sprintf("the SELinux type %q (it admits %s)", se.Type, strings.Join(seLinuxTypes, ", ")), "remove it or use one of those")
		}
		if se.User != "" {
			v.forbidden(path+".seLinuxOptions.user", true, "setting the SELinux user", "remove it")
		}
		if se.Role != "" {
			v.forbidden(path+".seLinuxOptions.role", true, "setting the SELinux role", "remove it")
		}
	}
	if p := sc.AppArmorProfile; p != nil && p.Type != corev1.AppArmorProfileTypeRuntimeDefault && p.Type != corev1.AppArmorProfileTypeLocalhost {
		v.forbidden(path+".appArmorProfile.type", true, fmt.Sprintf("the AppArmor profile %q (it admits RuntimeDefault and Localhost)", p.Type), "remove appArmorProfile, or use RuntimeDefault or Localhost")
	}
}

// handlerHost refuses a probe or lifecycle handler aimed at another host.
func (v *validator) handlerHost(path string, httpGet *corev1.HTTPGetAction, tcp *corev1.TCPSocketAction) {
	const fix = "remove host: the kubelet then connects to the pod's own IP"
	if httpGet != nil && httpGet.Host != "" {
		v.forbidden(path+".httpGet.host", true, "probe and lifecycle handlers with a host", fix)
	}
	if tcp != nil && tcp.Host != "" {
		v.forbidden(path+".tcpSocket.host", true, "probe and lifecycle handlers with a host", fix)
	}
}

// appArmorAnnotations refuses the deprecated AppArmor annotation with a profile Pod Security forbids.
func (v *validator) appArmorAnnotations(path string, annotations map[string]string) {
	for _, k := range sortedKeys(annotations) {
		val := annotations[k]
		if strings.HasPrefix(k, appArmorAnnotationPrefix) && val != "" && val != corev1.DeprecatedAppArmorBetaProfileRuntimeDefault && !strings.HasPrefix(val, corev1.DeprecatedAppArmorBetaProfileNamePrefix) {
			v.forbidden(path+"."+k, true, fmt.Sprintf("the AppArmor profile %q (it admits runtime/default and localhost/<profile>)", val), "remove the annotation")
		}
	}
}
