// Package flink holds what jobcharts needs to know about Apache Flink itself:
// the supported versions, version-dependent features, the configuration keys the
// chart owns and Flink's duration syntax. It does not depend on the descriptor.
package flink

import (
	"github.com/jobcharts/jobcharts/pkg/version"
)

// Version is a Flink release line, MAJOR.MINOR.
type Version = version.Version

// Supported range.
var (
	// MinVersion is the oldest supported release: application mode (standalone-job
	// with the JAR in the image) and the JobManager memory model
	// (jobmanager.memory.process.size) arrived in 1.11 (FLIP-85, FLIP-116).
	MinVersion = Version{Major: 1, Minor: 11}
	// MaxVersion is the newest release the chart has been checked against.
	MaxVersion = Version{Major: 2, Minor: 2}
)

// Version-dependent features used by validation and rendering.
var (
	// ZetcdMaxVersion is the newest release that can use zetcd for HA: Flink 1.15
	// dropped the ZooKeeper 3.4 client (FLINK-25146) and its 3.5+ client (Curator)
	// needs create2/createContainer, which zetcd does not implement.
	ZetcdMaxVersion = Version{Major: 1, Minor: 14}
	// KubernetesHAMinVersion is the first release with Kubernetes HA services (FLIP-144).
	KubernetesHAMinVersion = Version{Major: 1, Minor: 12}
	// ExponentialDelayRestartMinVersion is the first release with the
	// exponential-delay restart strategy (FLINK-19773, merged December 2020).
	ExponentialDelayRestartMinVersion = Version{Major: 1, Minor: 13}
	// RuntimeModeMinVersion is the first release with execution.runtime-mode
	// (batch execution of DataStream programs, FLIP-134).
	RuntimeModeMinVersion = Version{Major: 1, Minor: 12}
	// StandardYAMLMinVersion is the first release that reads config.yaml as standard
	// YAML (FLIP-366); before, flink-conf.yaml is read line by line, a line split at
	// its first ": " and cut at its first '#', so a value cannot contain '#'.
	StandardYAMLMinVersion = Version{Major: 1, Minor: 19}
)

// ParseVersion parses "MAJOR.MINOR" or "MAJOR.MINOR.PATCH"; the patch is ignored.
func ParseVersion(s string) (Version, error) { return version.Parse("Flink", "1.20", s) }

// MustParseVersion is ParseVersion for constants in code and tests; it panics on error.
func MustParseVersion(s string) Version { return version.Must(ParseVersion(s)) }

// Supported reports whether v is within MinVersion..MaxVersion.
func Supported(v Version) bool { return v.Within(MinVersion, MaxVersion) }

// SupportsZetcd reports whether zetcd HA works with v (see ZetcdMaxVersion).
func SupportsZetcd(v Version) bool { return ZetcdMaxVersion.AtLeast(v) }

// SupportsKubernetesHA reports whether v has Kubernetes HA services.
func SupportsKubernetesHA(v Version) bool { return v.AtLeast(KubernetesHAMinVersion) }

// SupportsExponentialDelayRestart reports whether v has the exponential-delay restart strategy.
func SupportsExponentialDelayRestart(v Version) bool {
	return v.AtLeast(ExponentialDelayRestartMinVersion)
}

// SupportsStandardYAML reports whether v reads its configuration as standard YAML
// (config.yaml) rather than flink-conf.yaml's line format.
func SupportsStandardYAML(v Version) bool { return v.AtLeast(StandardYAMLMinVersion) }

// SupportsRuntimeMode reports whether v understands execution.runtime-mode.
func SupportsRuntimeMode(v Version) bool { return v.AtLeast(RuntimeModeMinVersion) }
