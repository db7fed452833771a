package descriptor

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// networkPolicyKinds are the minimal descriptors of both kinds; spec.networkPolicy is
// shared, so every case runs for both. The SparkApp header is 2 lines longer.
var networkPolicyKinds = []struct {
	kind, header string
	lineOffset   int
}{
	{KindFlinkJob, header, 0},
	{KindSparkApp, sparkHeader, 2},
}

// shiftLine moves the line of a "t.yaml:LINE:COL: ..." error by offset.
func shiftLine(want string, offset int) string {
	m := regexp.MustCompile(`^t\.yaml:(\d+):`).FindStringSubmatch(want)
	if m == nil {
		panic("want has no t.yaml:LINE: prefix: " + want)
	}
	line, _ := strconv.Atoi(m[1])
	return fmt.Sprintf("t.yaml:%d:%s", line+offset, want[len(m[0]):])
}

func TestValidNetworkPolicy(t *testing.T) {
	for _, k := range networkPolicyKinds {
		for _, spec := range []string{
			"  networkPolicy: {enabled: true}\n",
			"  networkPolicy: {enabled: false}\n",
			"  networkPolicy: {enabled: false, uiFrom: [], metricsFrom: []}\n",
			"  networkPolicy:\n    uiFrom:\n      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}\n" +
				"      - podSelector: {}\n" +
				"      - namespaceSelector: {}\n        podSelector:\n          matchExpressions:\n            - {key: app, operator: In, values: [grafana, kiali]}\n            - {key: tier, operator: DoesNotExist}\n" +
				"      - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.3.4/32]}\n" +
				"      - ipBlock: {cidr: \"2001:db8::/32\", except: [\"2001:db8:1::/48\"]}\n" +
				"      - ipBlock: {cidr: 0.0.0.0/0}\n",
			"  metrics: {prometheus: {enabled: true}}\n  networkPolicy:\n    metricsFrom:\n      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}\n        podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}\n",
		} {
			doc, err := Parse("t.yaml", []byte(k.header+spec))
			require.NoError(t, err, "%s\n%s", k.kind, spec)
			errs := doc.Validate(Options{})
			assert.Empty(t, errs, "%s\n%s\n%v", k.kind, spec, errs)
		}
	}
}

func TestValidateNetworkPolicy(t *testing.T) {
	const notCIDR = "write an address and a prefix length without leading zeros, e.g. 10.0.0.0/8 or 2001:db8::/32"
	tests := []struct {
		name string
		spec string // appended to the header of each kind
		want string // the whole error output, at the FlinkJob's positions
	}{
		// peers
		{
			name: "empty peer",
			spec: "  networkPolicy:\n    uiFrom:\n      - {}\n",
			want: `t.yaml:12:9: spec.networkPolicy.uiFrom[0]: is empty, which Kubernetes refuses; give podSelector, namespaceSelector (or both) or ipBlock, e.g. {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}`,
		},
		{
			name: "null peer",
			spec: "  networkPolicy:\n    uiFrom:\n      - namespaceSelector: {}\n      -\n",
			want: `t.yaml:13:8: spec.networkPolicy.uiFrom[1]: is empty, which Kubernetes refuses; give podSelector, namespaceSelector (or both) or ipBlock, e.g. {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}`,
		},
		{
			name: "ipBlock together with a selector",
			spec: "  networkPolicy:\n    uiFrom:\n      - namespaceSelector: {}\n        ipBlock: {cidr: 10.0.0.0/8}\n",
			want: `t.yaml:13:18: spec.networkPolicy.uiFrom[0].ipBlock: cannot be combined with podSelector or namespaceSelector in one peer (Kubernetes refuses it); make the ipBlock a peer of its own`,
		},
		// ipBlock
		{
			name: "cidr missing",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock: {except: [10.1.0.0/16]}\n",
			want: `t.yaml:12:18: spec.networkPolicy.uiFrom[0].ipBlock.cidr: required; the IP range to admit, e.g. 10.0.0.0/8 or 2001:db8::/32`,
		},
		{
			name: "cidr without a prefix length",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock: {cidr: 10.0.0.1}\n",
			want: `t.yaml:12:25: spec.networkPolicy.uiFrom[0].ipBlock.cidr: "10.0.0.1" is not a CIDR; ` + notCIDR,
		},
		{
			name: "cidr with leading zeros",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock: {cidr: 010.0.0.0/8}\n",
			want: `t.yaml:12:25: spec.networkPolicy.uiFrom[0].ipBlock.cidr: "010.0.0.0/8" is not a CIDR; ` + notCIDR,
		},
		{
			name: "cidr with host bits",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock: {cidr: 192.168.1.7/24}\n",
			want: `t.yaml:12:25: spec.networkPolicy.uiFrom[0].ipBlock.cidr: "192.168.1.7/24" is ambiguous: it has bits set beyond the prefix length (Kubernetes warns, and refuses it under strict CIDR validation); write 192.168.1.0/24 for the range, or 192.168.1.7/32 for the one address`,
		},
		{
			name: "cidr IPv4-mapped IPv6",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock: {cidr: \"::ffff:10.0.0.0/104\"}\n",
			want: `t.yaml:12:25: spec.networkPolicy.uiFrom[0].ipBlock.cidr: "::ffff:10.0.0.0/104" is an IPv4-mapped IPv6 range (Kubernetes warns, and refuses it under strict CIDR validation); write the IPv4 range, e.g. 10.0.0.0/8`,
		},
		{
			name: "except not a CIDR",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n          except: [10.1.0.0/16, 10.2.0.0]\n",
			want: `t.yaml:14:33: spec.networkPolicy.uiFrom[0].ipBlock.except[1]: "10.2.0.0" is not a CIDR; ` + notCIDR,
		},
		{
			name: "except outside cidr",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n          except: [192.168.0.0/16]\n",
			want: `t.yaml:14:20: spec.networkPolicy.uiFrom[0].ipBlock.except[0]: "192.168.0.0/16" is not strictly inside cidr 10.0.0.0/8; except lists ranges inside cidr to leave out, each with a prefix longer than /8`,
		},
		{
			name: "except equal to cidr",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n          except: [10.0.0.0/8]\n",
			want: `t.yaml:14:20: spec.networkPolicy.uiFrom[0].ipBlock.except[0]: "10.0.0.0/8" is not strictly inside cidr 10.0.0.0/8; except lists ranges inside cidr to leave out, each with a prefix longer than /8`,
		},
		{
			name: "except of the other IP family",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n          except: [\"2001:db8::/32\"]\n",
			want: `t.yaml:14:20: spec.networkPolicy.uiFrom[0].ipBlock.except[0]: "2001:db8::/32" is IPv6 and cidr 10.0.0.0/8 is IPv4; except lists ranges inside cidr to leave out, so they are of the same family`,
		},
		{
			name: "except with host bits",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n          except: [10.1.2.3/16]\n",
			want: `t.yaml:14:20: spec.networkPolicy.uiFrom[0].ipBlock.except[0]: "10.1.2.3/16" is ambiguous: it has bits set beyond the prefix length (Kubernetes warns, and refuses it under strict CIDR validation); write 10.1.0.0/16 for the range, or 10.1.2.3/32 for the one address`,
		},
		// label selectors
		{
			name: "matchLabels key invalid",
			spec: "  networkPolicy:\n    uiFrom:\n      - namespaceSelector:\n          matchLabels: {kubernetes.io/metadata name: ingress}\n",
			want: `t.yaml:13:25: spec.networkPolicy.uiFrom[0].namespaceSelector.matchLabels.kubernetes.io/metadata name: "kubernetes.io/metadata name" is not a valid label key: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
		},
		{
			name: "matchLabels value invalid",
			spec: "  networkPolicy:\n    uiFrom:\n      - podSelector:\n          matchLabels:\n            app: grafana ui\n",
			want: `t.yaml:14:13: spec.networkPolicy.uiFrom[0].podSelector.matchLabels.app: "grafana ui" is not a valid label value: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
		},
		{
			name: "matchExpressions operator unknown",
			spec: "  networkPolicy:\n    uiFrom:\n      - podSelector:\n          matchExpressions:\n            - {key: app, operator: Equals, values: [grafana]}\n",
			want: `t.yaml:14:36: spec.networkPolicy.uiFrom[0].podSelector.matchExpressions[0].operator: "Equals" is not valid; use one of In, NotIn, Exists, DoesNotExist`,
		},
		{
			name: "matchExpressions operator missing",
			spec: "  networkPolicy:\n    uiFrom:\n      - podSelector:\n          matchExpressions:\n            - {key: app, values: [grafana]}\n",
			want: `t.yaml:14:15: spec.networkPolicy.uiFrom[0].podSelector.matchExpressions[0].operator: required; use one of In, NotIn, Exists, DoesNotExist`,
		},
		{
			name: "matchExpressions In without values",
			spec: "  networkPolicy:\n    uiFrom:\n      - podSelector:\n          matchExpressions:\n            - {key: app, operator: In}\n",
			want: "t.yaml:14:15: spec.networkPolicy.uiFrom[0].podSelector.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'",
		},
		{
			name: "matchExpressions Exists with values",
			spec: "  networkPolicy:\n    uiFrom:\n      - namespaceSelector:\n          matchExpressions:\n            - {key: team, operator: Exists, values: [data]}\n",
			want: "t.yaml:14:53: spec.networkPolicy.uiFrom[0].namespaceSelector.matchExpressions[0].values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
		},
		{
			name: "matchExpressions key invalid",
			spec: "  networkPolicy:\n    uiFrom:\n      - podSelector:\n          matchExpressions:\n            - {key: -app, operator: Exists}\n",
			want: `t.yaml:14:21: spec.networkPolicy.uiFrom[0].podSelector.matchExpressions[0].key: "-app" is not valid: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
		},
		{
			name: "matchExpressions value invalid",
			spec: "  networkPolicy:\n    uiFrom:\n      - podSelector:\n          matchExpressions:\n            - {key: app, operator: NotIn, values: [ok, not ok]}\n",
			want: `t.yaml:14:56: spec.networkPolicy.uiFrom[0].podSelector.matchExpressions[0].values[1]: "not ok" is not valid: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
		},
		// peers that would have no effect
		{
			name: "uiFrom while disabled",
			spec: "  networkPolicy:\n    enabled: false\n    uiFrom:\n      - namespaceSelector: {}\n",
			want: `t.yaml:13:7: spec.networkPolicy.uiFrom: has no effect: spec.networkPolicy.enabled is false, so no NetworkPolicy is rendered; remove it or enable the NetworkPolicy (enabled: true)`,
		},
		{
			name: "metricsFrom while disabled",
			spec: "  metrics: {prometheus: {enabled: true}}\n  networkPolicy:\n    enabled: false\n    metricsFrom: [{namespaceSelector: {}}]\n",
			want: `t.yaml:13:18: spec.networkPolicy.metricsFrom: has no effect: spec.networkPolicy.enabled is false, so no NetworkPolicy is rendered; remove it or enable the NetworkPolicy (enabled: true)`,
		},
		{
			name: "metricsFrom without metrics",
			spec: "  networkPolicy:\n    metricsFrom:\n      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}\n",
			want: `t.yaml:12:7: spec.networkPolicy.metricsFrom: has no effect: spec.metrics.prometheus.enabled is false, so no metrics port is opened; remove it or set spec.metrics.prometheus.enabled: true`,
		},
		{
			name: "metricsFrom with metrics explicitly off",
			spec: "  metrics: {prometheus: {enabled: false}}\n  networkPolicy: {metricsFrom: [{podSelector: {}}]}\n",
			want: `t.yaml:11:32: spec.networkPolicy.metricsFrom: has no effect: spec.metrics.prometheus.enabled is false, so no metrics port is opened; remove it or set spec.metrics.prometheus.enabled: true`,
		},
	}
	for _, k := range networkPolicyKinds {
		for _, tt := range tests {
			t.Run(k.kind+"/"+tt.name, func(t *testing.T) {
				doc, err := Parse("t.yaml", []byte(k.header+tt.spec))
				require.NoError(t, err)
				errs := doc.Validate(Options{})
				assert.Equal(t, shiftLine(tt.want, k.lineOffset), errs.Error())
			})
		}
	}
}

// Every problem of the section is reported at once, and peers are checked even when
// the policy is off, so fixing the one error does not reveal the next.
func TestValidateNetworkPolicyReportsEveryProblem(t *testing.T) {
	for _, k := range networkPolicyKinds {
		doc, err := Parse("t.yaml", []byte(k.header+"  networkPolicy:\n    enabled: false\n    uiFrom: [{}]\n    metricsFrom: [{ipBlock: {cidr: 10.0.0.0/33}}]\n"))
		require.NoError(t, err)
		errs := doc.Validate(Options{})
		fields := make([]string, len(errs))
		for i, e := range errs {
			fields[i] = e.Field
		}
		assert.Equal(t, []string{
			"spec.networkPolicy.uiFrom", "spec.networkPolicy.uiFrom[0]",
			"spec.networkPolicy.metricsFrom", "spec.networkPolicy.metricsFrom[0].ipBlock.cidr",
		}, fields, k.kind)
	}
}

// The peers are Kubernetes types, decoded as strictly as the rest of the descriptor.
func TestParseNetworkPolicyErrors(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want string // at the FlinkJob's positions
	}{
		{
			name: "unknown field of a peer",
			spec: "  networkPolicy:\n    uiFrom:\n      - namespaceSelectr: {}\n",
			want: `t.yaml:12:9: spec.networkPolicy.uiFrom[0].namespaceSelectr: unknown field "namespaceSelectr" (did you mean "namespaceSelector"?)`,
		},
		{
			name: "unknown field of an ipBlock",
			spec: "  networkPolicy:\n    uiFrom:\n      - ipBlock: {cidr: 10.0.0.0/8, exclude: [10.1.0.0/16]}\n",
			want: `t.yaml:12:37: spec.networkPolicy.uiFrom[0].ipBlock.exclude: unknown field "exclude"; valid fields: cidr, except`,
		},
		{
			name: "peers given as a mapping",
			spec: "  networkPolicy:\n    metricsFrom: {namespaceSelector: {}}\n",
			want: `t.yaml:11:18: spec.networkPolicy.metricsFrom: expected a list, got a mapping`,
		},
		{
			name: "enabled given a string",
			spec: "  networkPolicy: {enabled: \"false\"}\n",
			want: `t.yaml:10:28: spec.networkPolicy.enabled: expected a boolean (true or false), got string "false"`,
		},
	}
	for _, k := range networkPolicyKinds {
		for _, tt := range tests {
			t.Run(k.kind+"/"+tt.name, func(t *testing.T) {
				_, err := Parse("t.yaml", []byte(k.header+tt.spec))
				require.Error(t, err)
				assert.Equal(t, shiftLine(tt.want, k.lineOffset), err.Error())
			})
		}
	}
}
