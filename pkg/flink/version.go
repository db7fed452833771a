// Package flink holds what jobcharts needs to know about Apache Flink itself:
// the supported versions, version-dependent features, the configuration keys the
// chart owns and Flink's duration syntax. It does not depend on the descriptor.
package flink

import (
	"fmt"
	"regexp"
	"strconv"
)

// Version is a Flink release line, MAJOR.MINOR; patch releases never change what
// the chart renders.
type Version struct {
	Major, Minor int
}

// Supported range.
var (
	// MinVersion is the oldest supported release: application mode (standalone-job
	// with the JAR in the image) and the JobManager memory model
	// (jobmanager.memory.process.size) arrived in 1.11 (FLIP-85, FLIP-116).
	MinVersion = Version{1, 11}
	// MaxVersion is the newest release the chart has been checked against.
	MaxVersion = Version{2, 2}
)

// Version-dependent features used by validation and rendering.
var (
	// ZetcdMaxVersion is the newest release that can use zetcd for HA: Flink 1.15
	// dropped the ZooKeeper 3.4 client (FLINK-25146) and its 3.5+ client (Curator)
	// needs create2/createContainer, which zetcd does not implement.
	ZetcdMaxVersion = Version{1, 14}
	// KubernetesHAMinVersion is the first release with Kubernetes HA services (FLIP-144).
	KubernetesHAMinVersion = Version{1, 12}
	// ExponentialDelayRestartMinVersion is the first release with the
	// exponential-delay restart strategy (FLINK-19773, merged December 2020).
	ExponentialDelayRestartMinVersion = Version{1, 13}
	// RuntimeModeMinVersion is the first release with execution.runtime-mode
	// (batch execution of DataStream programs, FLIP-134).
	RuntimeModeMinVersion = Version{1, 12}
)

var versionRE = regexp.MustCompile(`^([0-9]+)\.([0-9]+)(\.[0-9]+)?$`)

// ParseVersion parses "MAJOR.MINOR" or "MAJOR.MINOR.PATCH"; the patch is ignored.
func ParseVersion(s string) (Version, error) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%q is not a Flink version; write MAJOR.MINOR, e.g. \"1.20\"", s)
	}
	major, err1 := strconv.Atoi(m[1])
	minor, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return Version{}, fmt.Errorf("%q is not a Flink version: number out of range", s)
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
	switch {
	case v.Major != o.Major:
		return sign(v.Major - o.Major)
	default:
		return sign(v.Minor - o.Minor)
	}
}

// AtLeast reports whether v is o or newer.
func (v Version) AtLeast(o Version) bool { return v.Compare(o) >= 0 }

// Supported reports whether v is within MinVersion..MaxVersion.
func (v Version) Supported() bool { return v.AtLeast(MinVersion) && MaxVersion.AtLeast(v) }

// SupportsZetcd reports whether zetcd HA works with v (see ZetcdMaxVersion).
func (v Version) SupportsZetcd() bool { return ZetcdMaxVersion.AtLeast(v) }

// SupportsKubernetesHA reports whether v has Kubernetes HA services.
func (v Version) SupportsKubernetesHA() bool { return v.AtLeast(KubernetesHAMinVersion) }

// SupportsExponentialDelayRestart reports whether v has the exponential-delay restart strategy.
func (v Version) SupportsExponentialDelayRestart() bool {
	return v.AtLeast(ExponentialDelayRestartMinVersion)
}

// SupportsRuntimeMode reports whether v understands execution.runtime-mode.
func (v Version) SupportsRuntimeMode() bool { return v.AtLeast(RuntimeModeMinVersion) }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
