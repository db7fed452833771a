package flink

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DurationRE matches Flink's duration syntax as parsed by
// org.apache.flink.util.TimeUtils.parseDuration: a non-negative integer, optional
// whitespace and an optional unit (case-insensitive); no unit means milliseconds.
// Go-style compound durations such as "1m30s" are not Flink durations.
var DurationRE = regexp.MustCompile(`(?i)^([0-9]+)\s*(` + unitAlternatives() + `)?$`)

// durationUnits maps every unit label TimeUtils accepts to its length.
var durationUnits = map[string]time.Duration{
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"h": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"min": time.Minute, "m": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"ms": time.Millisecond, "milli": time.Millisecond, "millis": time.Millisecond,
	"millisecond": time.Millisecond, "milliseconds": time.Millisecond,
	"µs": time.Microsecond, "us": time.Microsecond, "micro": time.Microsecond, "micros": time.Microsecond,
	"microsecond": time.Microsecond, "microseconds": time.Microsecond,
	"ns": time.Nanosecond, "nano": time.Nanosecond, "nanos": time.Nanosecond,
	"nanosecond": time.Nanosecond, "nanoseconds": time.Nanosecond,
}

// unitAlternatives lists the unit labels longest first so the regexp never
// settles for a prefix ("m" of "min").
func unitAlternatives() string {
	labels := make([]string, 0, len(durationUnits))
	for l := range durationUnits {
		labels = append(labels, regexp.QuoteMeta(l))
	}
	sort.Slice(labels, func(i, j int) bool {
		if len(labels[i]) != len(labels[j]) {
			return len(labels[i]) > len(labels[j])
		}
		return labels[i] < labels[j]
	})
	return strings.Join(labels, "|")
}

// ValidDuration reports whether s is a Flink duration.
func ValidDuration(s string) bool {
	_, err := ParseDuration(s)
	return err == nil
}

// ParseDuration parses a Flink duration (see DurationRE). It fails on syntax
// errors and on values that do not fit a time.Duration (about 292 years).
func ParseDuration(s string) (time.Duration, error) {
	m := DurationRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a Flink duration; write a whole number and a unit, e.g. \"30s\", \"5 min\", \"500ms\" (units: ms, s, min, h, d)", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is too large a duration", s)
	}
	unit := time.Millisecond
	if m[2] != "" {
		var known bool
		// Case-insensitive matching may accept a case variant (e.g. of "µ") that
		// Flink's toLowerCase does not map back to a known label.
		if unit, known = durationUnits[strings.ToLower(m[2])]; !known {
			return 0, fmt.Errorf("%q has an unknown duration unit %q (units: ms, s, min, h, d)", s, m[2])
		}
	}
	if n > math.MaxInt64/int64(unit) {
		return 0, fmt.Errorf("%q is too large a duration", s)
	}
	return time.Duration(n) * unit, nil
}
