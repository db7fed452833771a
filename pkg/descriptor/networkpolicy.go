package descriptor

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// selectorOperators are the operators of a label selector's matchExpressions.
var selectorOperators = []string{
	string(metav1.LabelSelectorOpIn), string(metav1.LabelSelectorOpNotIn),
	string(metav1.LabelSelectorOpExists), string(metav1.LabelSelectorOpDoesNotExist),
}

// networkPolicy checks spec.networkPolicy of either kind; metricsEnabled is
// spec.metrics.prometheus.enabled, without which the chart opens no metrics port.
// Peers are checked as the API server checks a NetworkPolicy, so a release never
// fails at install, and peers the chart would drop are refused, not ignored.
func (v *validator) networkPolicy(np *NetworkPolicy, metricsEnabled bool) {
	if np == nil {
		return
	}
	const base = "spec.networkPolicy"
	v.networkPolicyPeers(base+".uiFrom", np.UIFrom)
	v.networkPolicyPeers(base+".metricsFrom", np.MetricsFrom)
	if !np.IsEnabled() {
		const disabled = "has no effect: spec.networkPolicy.enabled is false, so no NetworkPolicy is rendered; remove it or enable the NetworkPolicy (enabled: true)"
		if len(np.UIFrom) > 0 {
			v.errorf(base+".uiFrom", disabled)
		}
		if len(np.MetricsFrom) > 0 {
			v.errorf(base+".metricsFrom", disabled)
		}
		return
	}
	if len(np.MetricsFrom) > 0 && !metricsEnabled {
		v.errorf(base+".metricsFrom", "has no effect: spec.metrics.prometheus.enabled is false, so no metrics port is opened; remove it or set spec.metrics.prometheus.enabled: true")
	}
}

func (v *validator) networkPolicyPeers(path string, peers []networkingv1.NetworkPolicyPeer) {
	for i := range peers {
		v.networkPolicyPeer(fmt.Sprintf("%s[%d]", path, i), &peers[i])
	}
}

func (v *validator) networkPolicyPeer(path string, p *networkingv1.NetworkPolicyPeer) {
	switch {
	case p.PodSelector == nil && p.NamespaceSelector == nil && p.IPBlock == nil:
		v.errorf(path, "is empty, which Kubernetes refuses; give podSelector, namespaceSelector (or both) or ipBlock, e.g. {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}")
		return
	case p.IPBlock != nil && (p.PodSelector != nil || p.NamespaceSelector != nil):
		v.errorf(path+".ipBlock", "cannot be combined with podSelector or namespaceSelector in one peer (Kubernetes refuses it); make the ipBlock a peer of its own")
	}
	v.labelSelector(path+".podSelector", p.PodSelector)
	v.labelSelector(path+".namespaceSelector", p.NamespaceSelector)
	if p.IPBlock != nil {
		v.ipBlock(path+".ipBlock", p.IPBlock)
	}
}

// labelSelector checks a label selector with Kubernetes' own rules. matchLabels go
// through v.labels, which reports each label at its key (Kubernetes reports them all
// at matchLabels), and the operator is checked first to name the valid ones.
func (v *validator) labelSelector(path string, s *metav1.LabelSelector) {
	if s == nil {
		return
	}
	v.labels(path+".matchLabels", s.MatchLabels)
	for i, req := range s.MatchExpressions {
		opPath := fmt.Sprintf("%s.matchExpressions[%d].operator", path, i)
		switch op := string(req.Operator); {
		case op == "":
			v.errorf(opPath, "required; use one of %s", strings.Join(selectorOperators, ", "))
		case !slices.Contains(selectorOperators, op):
			v.errorf(opPath, "%q is not valid; use one of %s", op, strings.Join(selectorOperators, ", "))
		}
	}
	expressions := metav1.LabelSelector{MatchExpressions: s.MatchExpressions}
	opts := metav1validation.LabelSelectorValidationOptions{AllowUnknownOperatorInRequirement: true}
	for _, e := range metav1validation.ValidateLabelSelector(&expressions, opts, field.NewPath(path)) {
		v.errorf(e.Field, "%s", kubernetesMessage(e))
	}
}

// kubernetesMessage words an error of Kubernetes' own validation like this
// package's messages: the refused value first, then the rule.
func kubernetesMessage(e *field.Error) string {
	if e.Type == field.ErrorTypeInvalid {
		return fmt.Sprintf("%q is not valid: %s", fmt.Sprint(e.BadValue), e.Detail)
	}
	return e.Detail
}

// ipBlock checks cidr and except as the API server does with strict CIDR validation
// (the StrictIPCIDRValidation feature gate, Kubernetes 1.33+): the forms it refuses
// are ambiguous, and the server only warns about them without the gate.
func (v *validator) ipBlock(path string, b *networkingv1.IPBlock) {
	if b.CIDR == "" {
		v.errorf(path+".cidr", "required; the IP range to admit, e.g. 10.0.0.0/8 or 2001:db8::/32")
		return
	}
	cidr, cidrOK := v.cidr(path+".cidr", b.CIDR)
	for i, text := range b.Except {
		exceptPath := fmt.Sprintf("%s.except[%d]", path, i)
		except, ok := v.cidr(exceptPath, text)
		switch {
		case !ok || !cidrOK:
		case except.Addr().Is4() != cidr.Addr().Is4():
			v.errorf(exceptPath, "%q is %s and cidr %s is %s; except lists ranges inside cidr to leave out, so they are of the same family", text, ipFamily(except), cidr, ipFamily(cidr))
		case except.Bits() <= cidr.Bits() || !cidr.Contains(except.Addr()):
			v.errorf(exceptPath, "%q is not strictly inside cidr %s; except lists ranges inside cidr to leave out, each with a prefix longer than /%d", text, cidr, cidr.Bits())
		}
	}
}

// cidr parses a CIDR and reports what strict CIDR validation would refuse in it.
func (v *validator) cidr(path, text string) (netip.Prefix, bool) {
	const strict = "Kubernetes warns, and refuses it under strict CIDR validation"
	prefix, err := netip.ParsePrefix(text)
	switch {
	case err != nil:
		v.errorf(path, "%q is not a CIDR; write an address and a prefix length without leading zeros, e.g. 10.0.0.0/8 or 2001:db8::/32", text)
	case prefix.Addr().Is4In6():
		v.errorf(path, "%q is an IPv4-mapped IPv6 range (%s); write the IPv4 range, e.g. 10.0.0.0/8", text, strict)
	case prefix != prefix.Masked():
		v.errorf(path, "%q is ambiguous: it has bits set beyond the prefix length (%s); write %s for the range, or %s for the one address",
			text, strict, prefix.Masked(), netip.PrefixFrom(prefix.Addr(), prefix.Addr().BitLen()))
	default:
		return prefix, true
	}
	return netip.Prefix{}, false
}

func ipFamily(p netip.Prefix) string {
	if p.Addr().Is4() {
		return "IPv4"
	}
	return "IPv6"
}
