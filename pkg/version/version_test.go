package version

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Version
		wantErr bool
	}{
		{in: "1.20", want: Version{Major: 1, Minor: 20}},
		{in: "1.11.6", want: Version{Major: 1, Minor: 11}},
		{in: "2.0", want: Version{Major: 2, Minor: 0}},
		{in: "4.10", want: Version{Major: 4, Minor: 10}},
		{in: "1", wantErr: true},
		{in: "v1.20", wantErr: true},
		{in: "1.20-SNAPSHOT", wantErr: true},
		{in: "4.2.0-preview5", wantErr: true},
		{in: "", wantErr: true},
		{in: "1.x", wantErr: true},
		{in: "1.99999999999999999999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse("Flink", "1.20", tt.in)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := Parse("Spark", "3.5", "latest")
	assert.EqualError(t, err, `"latest" is not a Spark version; write MAJOR.MINOR, e.g. "3.5"`)
}

func TestCompare(t *testing.T) {
	assert.True(t, Version{Major: 1, Minor: 20}.AtLeast(Version{Major: 1, Minor: 9}), "minor compared numerically")
	assert.True(t, Version{Major: 2, Minor: 0}.AtLeast(Version{Major: 1, Minor: 20}))
	assert.False(t, Version{Major: 1, Minor: 14}.AtLeast(Version{Major: 1, Minor: 15}))
	assert.True(t, Version{Major: 3, Minor: 5}.Within(Version{Major: 3, Minor: 3}, Version{Major: 4, Minor: 2}))
	assert.False(t, Version{Major: 4, Minor: 3}.Within(Version{Major: 3, Minor: 3}, Version{Major: 4, Minor: 2}))
	assert.Equal(t, "1.20", Version{Major: 1, Minor: 20}.String())
}
