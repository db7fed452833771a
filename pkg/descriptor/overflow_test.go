package descriptor

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A Volcano gang reserves the driver and every executor in one PodGroup; the sums
// must fit the chart's int64 arithmetic (they wrapped to a negative cpu before).
func TestVolcanoGangTotalsFit64Bits(t *testing.T) {
	gang := sparkHeader + `  executor:
    instances: 2147483647
    resources: {cpu: "2147483647", memory: 2147483647Mi, memoryOverhead: 2147483647Mi}
  batchScheduler: {name: volcano, gang: true}
`
	doc, err := Parse("t.yaml", []byte(gang))
	require.NoError(t, err)
	errs := doc.Validate(Options{})
	require.Len(t, errs, 2, errs.Error())
	require.Equal(t, "spec.batchScheduler.gang", errs[0].Field)
	require.Contains(t, errs[0].Message, "the gang's PodGroup reserves the driver and 2147483647 executors (spec.executor.instances) at once: 4611686014132420610000 millicores of cpu, beyond the 64-bit integers")
	require.Contains(t, errs[1].Message, "9671406547909835621400576 bytes of memory")

	// The most executors with the default resources fit; so does YuniKorn, which sums nothing.
	for _, ok := range []string{
		strings.Replace(gang, `    resources: {cpu: "2147483647", memory: 2147483647Mi, memoryOverhead: 2147483647Mi}`+"\n", "", 1),
		strings.Replace(gang, "name: volcano", "name: yunikorn", 1),
	} {
		doc, err := Parse("t.yaml", []byte(ok))
		require.NoError(t, err)
		require.Empty(t, doc.Validate(Options{}))
	}
}
