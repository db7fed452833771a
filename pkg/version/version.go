// Package version is the MAJOR.MINOR release-line model shared by the engines
// (pkg/flink, pkg/spark): patch releases never change what a chart renders.
package version

import (
	"fmt"
	"regexp"
	"strconv"
)

// Version is a release line, MAJOR.MINOR.
type Version struct {
	Major, Minor int
}

var versionRE = regexp.MustCompile(`^([0-9]+)\.([0-9]+)(\.[0-9]+)?$`)

// Parse parses "MAJOR.MINOR" or "MAJOR.MINOR.PATCH" (the patch is ignored); product
// and example ("Flink", "1.20") make the error message concrete.
func Parse(product, example, s string) (Version, error) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%q is not a %s version; write MAJOR.MINOR, e.g. %q", s, product, example)
	}
	major, err1 := strconv.Atoi(m[1])
	minor, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return Version{}, fmt.Errorf("%q is not a %s version: number out of range", s, product)
	}
	return Version{Major: major, Minor: minor}, nil
}

// Must returns v, or panics with err: for version constants in code and tests.
func Must(v Version, err error) Version {
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
	switch {
	case v.Major != o.Major:
		return sign(v.Major - o.Major)
	default:
		return sign(v.Minor - o.Minor)
	}
}

// AtLeast reports whether v is o or newer.
func (v Version) AtLeast(o Version) bool { return v.Compare(o) >= 0 }

// Within reports whether min <= v <= max.
func (v Version) Within(min, max Version) bool { return v.AtLeast(min) && max.AtLeast(v) }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
