package descriptor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sigs.k8s.io/yaml"
)

// fuzzTimeLimit is how long one Check may take before the fuzzer calls it a hang.
// It is generous: the machine may be busy, and a real hang never finishes.
const fuzzTimeLimit = 10 * time.Second

// fuzzSeeds are inputs that exercise the decoder's corners: YAML features,
// limits, wrong types and broken syntax, for both kinds.
var fuzzSeeds = []string{
	"",
	"\xef\xbb\xbf",
	"---\n",
	"~\n",
	"[]\n",
	"- a\n- b\n",
	"apiVersion: jobcharts.io/v1alpha1\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: SparkApp\nmetadata: ~\nspec: ~\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: [FlinkJob]\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\n---\nkind: SparkApp\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nmetadata: {name: a, name: b}\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nmetadata:\n  name: x\n\tnamespace: y\n",
	"apiVersion: jobcharts.io/v1alpha1\rkind: FlinkJob\rmetadata:\r  name: x\r",
	"apiVersion: jobcharts.io/v1alpha1\r\nkind: SparkApp\r\nspec:\r\n  image: [\r\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nspec: {flinkVersion: 1.20, image: !!binary aGVsbG8=}\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nspec:\n  job: {parallelism: 99999999999999999999, jarURI: 0x1F}\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nspec:\n  restartStrategy: {type: exponential-delay, backoffMultiplier: .nan, jitterFactor: 1e400}\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nspec:\n  flinkConfiguration: {? [a]: b, ~: c, 1: 2}\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nbase: &b {name: x}\nmetadata:\n  <<: *b\n  <<: [*b, {namespace: y}]\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nmetadata:\n  <<: 3\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nmetadata: &m\n  labels: *m\n",
	"a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
	strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: SparkApp\nspec:\n  podTemplate:\n    driver:\n      sidecars:\n        - name: s\n          resources: {limits: {memory: 1Qi}}\n          ports: [{containerPort: \"x\"}]\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: SparkApp\nspec:\n  sparkConf: {spark.a: \"multi\\nline\", spark.b: |\n      literal\n  }\n",
	"%YAML 1.1\n%YAML 1.1\n---\na: b\n",
	"!foo!bar a\n",
	"apiVersion: \"\\xff\\u2028\"\nkind: FlinkJob\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\n\xc3\x28: x\n",
	"key: 'unterminated\n",
	"apiVersion: jobcharts.io/v1alpha1\nkind: FlinkJob\nmetadata:\n  name: x\n  - y\n",
}

// FuzzCheck feeds arbitrary bytes to Check (decoding and validation of either kind).
// Invariants, besides never panicking or hanging:
//   - every problem is a FieldError in an ErrorList, at a 1-based line and column that
//     lie inside the document, and formats as FILE:LINE:COL;
//   - Check reports at least every problem Parse reports;
//   - an accepted descriptor, encoded back to YAML from its Go value (as sigs.k8s.io/yaml
//     writes it), is accepted again and decodes to the same value (compared as JSON).
func FuzzCheck(f *testing.F) {
	for _, name := range []string{"valid-flinkjob.yaml", "valid-sparkapp.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		f.Add(data, true)
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), false)
	}
	dir := f.TempDir()
	path := filepath.Join(dir, "fuzz.yaml")
	roundTripPath := filepath.Join(dir, "roundtrip.yaml")

	f.Fuzz(func(t *testing.T, data []byte, requireDigest bool) {
		opts := Options{RequireDigest: requireDigest}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		doc, err := Check(path, opts)
		if d := time.Since(start); d > fuzzTimeLimit {
			t.Errorf("Check took %v on %d bytes", d, len(data))
		}
		if err != nil {
			checkErrorPositions(t, path, data, err)
			_, parseErr := Parse(path, data)
			if parseErr != nil {
				checkErrors := err.Error() + "\n"
				for _, line := range strings.Split(parseErr.Error(), "\n") {
					if !strings.Contains(checkErrors, line+"\n") {
						t.Errorf("Parse reports %q, Check does not:\n%s", line, err)
					}
				}
			}
			return
		}
		if doc == nil {
			t.Fatal("Check returned neither a document nor an error")
		}
		if _, err := Parse(path, data); err != nil {
			t.Fatalf("Check accepts the descriptor, Parse refuses it:\n%v", err)
		}

		// Round trip through the descriptor's Go value.
		value := documentValue(t, doc)
		encoded, err := yaml.Marshal(value)
		if err != nil {
			t.Fatalf("encoding the accepted descriptor: %v", err)
		}
		if err := os.WriteFile(roundTripPath, encoded, 0o600); err != nil {
			t.Fatal(err)
		}
		again, err := Check(roundTripPath, opts)
		if err != nil {
			t.Fatalf("the accepted descriptor, re-encoded, is refused:\n%v\n--- re-encoded:\n%s", err, encoded)
		}
		if again.Kind != doc.Kind {
			t.Fatalf("kind %s became %s", doc.Kind, again.Kind)
		}
		before, after := jsonOf(t, value), jsonOf(t, documentValue(t, again))
		if before != after {
			t.Fatalf("the descriptor changed in a round trip:\nbefore: %s\nafter:  %s\n--- re-encoded:\n%s", before, after, encoded)
		}
	})
}

func documentValue(t *testing.T, doc *Document) any {
	t.Helper()
	switch doc.Kind {
	case KindFlinkJob:
		if doc.Flink == nil || doc.Spark != nil {
			t.Fatalf("kind %s with Flink %v, Spark %v", doc.Kind, doc.Flink != nil, doc.Spark != nil)
		}
		return doc.Flink
	case KindSparkApp:
		if doc.Spark == nil || doc.Flink != nil {
			t.Fatalf("kind %s with Flink %v, Spark %v", doc.Kind, doc.Flink != nil, doc.Spark != nil)
		}
		return doc.Spark
	}
	t.Fatalf("accepted a descriptor of unknown kind %q", doc.Kind)
	return nil
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding as JSON: %v", err)
	}
	return string(b)
}

// checkErrorPositions asserts that err lists problems positioned inside data.
func checkErrorPositions(t *testing.T, path string, data []byte, err error) {
	t.Helper()
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is %T, want an ErrorList: %v", err, err)
	}
	if len(list) == 0 {
		t.Fatal("empty ErrorList returned as an error")
	}
	// YAML breaks lines at \n, \r, \r\n, NEL, LS and PS; counting each of them
	// (\r\n twice) bounds the number of lines from above.
	text := string(data)
	maxLine := 1 + strings.Count(text, "\n") + strings.Count(text, "\r") +
		strings.Count(text, "\u0085") + strings.Count(text, "\u2028") + strings.Count(text, "\u2029")
	maxColumn := 1 + utf8.RuneCount(data)
	for _, e := range list {
		switch {
		case e.File != path:
			t.Errorf("problem in file %q, want %q: %v", e.File, path, e)
		case e.Line < 1 || e.Column < 1:
			t.Errorf("problem without a position: %v", e)
		case e.Line > maxLine+1:
			t.Errorf("problem at line %d of a %d-line document: %v", e.Line, maxLine, e)
		case e.Column > maxColumn:
			t.Errorf("problem at column %d of a %d-character document: %v", e.Column, maxColumn-1, e)
		case strings.TrimSpace(e.Message) == "":
			t.Errorf("problem without a message: %#v", e)
		case !strings.HasPrefix(e.Error(), fmt.Sprintf("%s:%d:%d: ", path, e.Line, e.Column)):
			t.Errorf("problem does not start with FILE:LINE:COL: %q", e.Error())
		}
	}
	if !bytes.HasPrefix([]byte(err.Error()), []byte(path+":")) {
		t.Errorf("error does not start with the file name: %q", err)
	}
}
