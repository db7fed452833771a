// Package spark holds what jobcharts needs to know about Apache Spark itself: the
// supported versions and the Spark properties the spark-app chart owns. It does
// not depend on the descriptor.
package spark

import (
	"fmt"
	"regexp"
	"strconv"
)

// Version is a Spark release line, MAJOR.MINOR; patch releases never change what
// the chart renders.
type Version struct {
	Major, Minor int
}

// Supported range.
var (
	// MinVersion is the oldest release line jobcharts supports and checks its
	// configuration against (older lines are end of life upstream).
	MinVersion = Version{3, 3}
	// MaxVersion is the newest release line the chart has been checked against.
	MaxVersion = Version{4, 2}
)

var versionRE = regexp.MustCompile(`^([0-9]+)\.([0-9]+)(\.[0-9]+)?$`)

// ParseVersion parses "MAJOR.MINOR" or "MAJOR.MINOR.PATCH"; the patch is ignored.
func ParseVersion(s string) (Version, error) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%q is not a Spark version; write MAJOR.MINOR, e.g. \"3.5\"", s)
	}
	major, err1 := strconv.Atoi(m[1])
	minor, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return Version{}, fmt.Errorf("%q is not a Spark version: number out of range", s)
	}
	return Version{Major: major, Minor: minor}, nil
}

// MustParseVersion is ParseVersion for constants in code and tests; it panics on error.
func MustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns "MAJOR.MINOR".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// Compare returns -1, 0 or +1 when v is older than, equal to or newer than o.
func (v Version) Compare(o Version) int {
	if v.Major != o.Major {
		return sign(v.Major - o.Major)
	}
	return sign(v.Minor - o.Minor)
}

// AtLeast reports whether v is o or newer.
func (v Version) AtLeast(o Version) bool { return v.Compare(o) >= 0 }

// Supported reports whether v is within MinVersion..MaxVersion.
func (v Version) Supported() bool { return v.AtLeast(MinVersion) && MaxVersion.AtLeast(v) }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
