// Package spark holds what jobcharts needs to know about Apache Spark itself: the
// supported versions and the Spark properties the spark-app chart owns. It does
// not depend on the descriptor.
package spark

import (
	"github.com/jobcharts/jobcharts/pkg/version"
)

// Version is a Spark release line, MAJOR.MINOR.
type Version = version.Version

// Supported range.
var (
	// MinVersion is the oldest release line jobcharts supports and checks its
	// configuration against (older lines are end of life upstream).
	MinVersion = Version{Major: 3, Minor: 3}
	// MaxVersion is the newest release line the chart has been checked against.
	MaxVersion = Version{Major: 4, Minor: 2}
)

// ParseVersion parses "MAJOR.MINOR" or "MAJOR.MINOR.PATCH"; the patch is ignored.
func ParseVersion(s string) (Version, error) { return version.Parse("Spark", "3.5", s) }

// MustParseVersion is ParseVersion for constants in code and tests; it panics on error.
func MustParseVersion(s string) Version { return version.Must(ParseVersion(s)) }

// Supported reports whether v is within MinVersion..MaxVersion.
func Supported(v Version) bool { return v.Within(MinVersion, MaxVersion) }
