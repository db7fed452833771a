package descriptor

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Check reports decoding and validation problems together, without repeating a
// decoding problem as a validation one.
func TestCheckReportsDecodingAndValidationTogether(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`apiVersion: jobcharts.io/v1alpha1
kind: FlinkJob
metadata:
  name: Bad_Name
spec:
  flinkVersion: 1.20
  image: registry.example.com/a/b:1
  job:
    jarURI: local:///opt/flink/usrlib/a.jar
    paralelism: 3
`), 0o644))
	_, err := Check(path, Options{})
	require.Error(t, err)
	list := err.(ErrorList)
	fields := map[string]int{}
	for _, e := range list {
		fields[e.Field]++
	}
	require.Equal(t, map[string]int{
		"metadata.name":       1, // validation
		"spec.flinkVersion":   1, // decoding (a number, not a string), not also "required"
		"spec.job.paralelism": 1, // decoding
	}, fields, list.Error())
}
