package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Resource limits: descriptors built to exhaust the generator are refused
// quickly, with little memory, and with a clear message. The bounds are
// generous (this is a refusal, not a benchmark): a second of wall time and
// 64 MiB allocated per refusal, for every input.
//
// The costliest inputs are files just under the size limit made of tiny nodes (a
// flat list of one-letter strings or of empty lists, a flat mapping): yaml.v3
// builds the whole tree before the node limit can be checked, so their cost is
// bounded by descriptor.MaxFileSize (256 KiB).
const (
	maxRefusalTime  = time.Second
	maxRefusalAlloc = 64 << 20
)

// billionLaughs is an alias bomb: each level lists the previous one nine times,
// so the last expands to 9^levels strings.
func billionLaughs(levels int) string {
	var b strings.Builder
	b.WriteString("apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nmetadata:\n  name: clicks\n  annotations:\n")
	b.WriteString(`    l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i < levels; i++ {
		b.WriteString("    l" + strconv.Itoa(i) + ": &l" + strconv.Itoa(i) + " [" + strings.TrimSuffix(strings.Repeat("*l"+strconv.Itoa(i-1)+",", 9), ",") + "]\n")
	}
	return b.String()
}

type limitCase struct {
	name  string
	write func(path string) error
	want  string // the exact standard error, FILE for the path
}

const (
	maxFile      = 256 << 10 // descriptor.MaxFileSize
	tooLarge     = "FILE:1:1: file is larger than 262144 bytes (256 KiB); a descriptor is a small file (real ones are a few KiB)"
	tooManyNodes = "more than 10000 YAML nodes once aliases are expanded; a descriptor is small (nested aliases that multiply are refused)"
)

// under repeats unit between head and tail as often as fits in maxFile bytes.
func under(head, unit, tail string) string {
	return head + strings.Repeat(unit, (maxFile-len(head)-len(tail))/len(unit)) + tail
}

func limitCases() []limitCase {
	text := func(s string) func(string) error {
		return func(path string) error { return os.WriteFile(path, []byte(s), 0o644) }
	}
	return []limitCase{
		{"sparse-1GiB", func(path string) error {
			// A 1 GiB file that costs no disk: only 256 KiB + 1 byte of it may be read.
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(1 << 30)
		}, tooLarge},
		{"one-byte-over", text(catalogFlink + "#" + strings.Repeat("x", maxFile-len(catalogFlink)-1) + "\n"), tooLarge},
		{"billion-laughs", text(billionLaughs(10)),
			"FILE:10:14: more than 10000 YAML nodes once aliases are expanded, reached while expanding *l3; a descriptor is small (nested aliases that multiply are refused)"},
		{"nested-lists-10000", text("apiVersion: jobcharts.io/v1alpha1\nkind: SparkApp\nspec: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n"),
			"FILE:3:71: nested deeper than 64 levels"},
		{"nested-mappings-10000", text("apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nspec: " + strings.Repeat("{a: ", 10000) + "x" + strings.Repeat("}", 10000) + "\n"),
			"FILE:3:260: nested deeper than 64 levels"},
		{"nested-beyond-parser-limit", text("spec: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"),
			"FILE:1:1: nested deeper than 64 levels"},
		// Just under the size limit: the most nodes a file can hold, per shape.
		{"flat-list-under-limit", text(under("spec: [", "a,", "]\n")),
			"FILE:1:20002: " + tooManyNodes},
		{"flat-empty-lists-under-limit", text(under("spec: [", "[],", "]\n")),
			"FILE:1:29999: " + tooManyNodes},
		{"flat-mapping-under-limit", text(under("spec: {", "a: ,", "}\n")),
			"FILE:1:20003: " + tooManyNodes},
		{"block-list-under-limit", text(under("spec:\n", "- a\n", "")),
			"FILE:9999:3: " + tooManyNodes},
	}
}

func TestResourceLimitsAreRefusedQuickly(t *testing.T) {
	dir := t.TempDir()
	// Warm up: the first run initialises the command tree and packages.
	warm := filepath.Join(dir, "warm.yaml")
	if err := os.WriteFile(warm, []byte("kind: FlinkJob\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gen(t, "validate", warm)

	for _, c := range limitCases() {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, c.name+".yaml")
			if err := c.write(file); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range [][]string{
				{"validate", "--git-commit", "0123456789abcdef", file},
				{"render", "-o", filepath.Join(t.TempDir(), "out"), "--git-commit", "0123456789abcdef", file},
			} {
				var code int
				var stderr string
				elapsed, allocated := measure(func() { code, _, stderr = gen(t, cmd...) })
				t.Logf("gen %s: %v, %.1f MiB allocated", cmd[0], elapsed.Round(time.Millisecond), float64(allocated)/(1<<20))
				if got := strings.ReplaceAll(stderr, file, "FILE"); code != exitInvalid || got != c.want+"\n" {
					t.Errorf("gen %s: exit %d, stderr:\n%s\nwant exit 1 and:\n%s", cmd[0], code, got, c.want)
				}
				maxTime, maxAlloc := time.Duration(maxRefusalTime), uint64(maxRefusalAlloc)
				if elapsed > maxTime && !raceDetector {
					t.Errorf("gen %s took %v to refuse; want under %v", cmd[0], elapsed, maxTime)
				}
				if allocated > maxAlloc {
					t.Errorf("gen %s allocated %.1f MiB to refuse; want under %d MiB", cmd[0], float64(allocated)/(1<<20), maxAlloc>>20)
				}
			}
		})
	}
}

// measure runs f and returns its wall time and the bytes it allocated.
func measure(f func()) (time.Duration, uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return elapsed, after.TotalAlloc - before.TotalAlloc
}
