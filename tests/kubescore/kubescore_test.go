// Package kubescore runs kube-score (github.com/zegl/kube-score), in-process, on the
// manifests of every golden case, of the charts' defaults and of every example, with
// every check enabled, the optional ones too. Any CRITICAL or WARNING fails the test
// unless the table of accepted findings below names it with its reason; the same table
// is in docs/security.md. An accepted finding that no longer occurs fails the test too,
// so the table cannot go stale.
//
// It is its own module because kube-score's parser imports k8s.io/api packages that
// k8s.io/api v0.37 (the generator's, through Helm 3.22) no longer has
// (autoscaling/v2beta2); here k8s.io/api stays at the version kube-score is built with.
// For the same reason it does not import the generator: golden manifests are files, and
// the examples are rendered by the gen binary ($GEN, or built from ../.. on the fly).
package kubescore

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zegl/kube-score/config"
	ks "github.com/zegl/kube-score/domain"
	"github.com/zegl/kube-score/parser"
	"github.com/zegl/kube-score/score"
	"github.com/zegl/kube-score/score/checks"
	"github.com/zegl/kube-score/scorecard"
)

// kubeVersion is the Kubernetes version the checks assume (the generator's default, 1.34).
const kubeVersion = "v1.34"

// accepted is a finding the charts keep on purpose.
type accepted struct {
	check string
	// components are the app.kubernetes.io/component values of the objects it applies
	// to; empty means every object.
	components []string
	// userContainersOnly: only when every container the finding names comes from the
	// descriptor's podTemplate (sidecars, init containers), not from the chart.
	userContainersOnly bool
	reason             string
}

// chartContainers are the names of the containers the charts render themselves.
var chartContainers = map[string]bool{"jobmanager": true, "taskmanager": true, "copy-config": true, "zetcd": true,
	"job-running": true, "driver": true, "driver-ui": true}

// acceptedFindings: every entry is explained in docs/security.md ("kube-score").
var acceptedFindings = []accepted{
	{check: "container-security-context-user-group-id",
		components: []string{"jobmanager", "taskmanager", "driver", "test"},
		reason:     "the official images run as their own users, flink 9999 and spark 185, who own the files in the image; a UID above 10000 has no passwd entry, which Hadoop's UserGroupInformation (s3a, hdfs) cannot handle"},
	{check: "container-image-pull-policy",
		reason: "images are pinned by tag or digest (descriptors refuse untagged and :latest), so IfNotPresent is correct; Always makes every restart depend on the registry; imagePullPolicy is a value"},
	{check: "container-ephemeral-storage-request-and-limit",
		components: []string{"jobmanager", "taskmanager", "driver"},
		reason:     "Flink keeps RocksDB state and spill files and Spark its scratch space in /tmp: their size depends on the job, so any fixed limit either evicts real jobs or limits nothing; the bounded emptyDirs carry a sizeLimit"},
	{check: "pod-networkpolicy", // WARNING: the policy covers ingress only
		reason: "egress is left open: the sources and sinks a job talks to (Kafka, S3, databases) are not known to the chart"},
	{check: "container-resource-requests-equal-limits", userContainersOnly: true,
		reason: "the resources of the descriptor's own sidecars and init containers are the descriptor's choice; the chart's containers have requests equal to limits (rendertest checks it)"},
	{check: "container-cpu-requests-equal-limits", userContainersOnly: true, reason: "as container-resource-requests-equal-limits"},
	{check: "container-memory-requests-equal-limits", userContainersOnly: true, reason: "as container-resource-requests-equal-limits"},
	{check: "deployment-strategy", components: []string{"jobmanager"},
		reason: "Recreate on purpose: two JobManagers of one job cluster must never run at once"},
	{check: "deployment-has-poddisruptionbudget", components: []string{"taskmanager"},
		reason: "a Flink job restarts as a whole (from its last checkpoint) when any TaskManager goes; a PodDisruptionBudget would turn one restart per drain into one per TaskManager, or block the drain"},
	{check: "deployment-has-host-podantiaffinity", components: []string{"taskmanager"},
		reason: "losing any TaskManager restarts the whole job, so spreading TaskManagers over nodes buys no availability, while packing them keeps shuffle traffic local; podTemplate.affinity can spread them"},
}

func (a accepted) covers(f finding) bool {
	if a.check != f.check {
		return false
	}
	if a.userContainersOnly {
		for _, c := range f.containers {
			if chartContainers[c] {
				return false
			}
		}
	}
	component := f.component
	if len(a.components) == 0 {
		return true
	}
	for _, c := range a.components {
		if c == component {
			return true
		}
	}
	return false
}

// finding is one CRITICAL or WARNING on one object.
type finding struct {
	input, kind, name, component, check string
	grade                               scorecard.Grade
	comments                            []string
	containers                          []string // the containers the comments name
}

func (f finding) String() string {
	return fmt.Sprintf("%s: %s %s/%s (%s): %s: %s", f.input, f.grade, f.kind, f.name, f.component, f.check, strings.Join(f.comments, "; "))
}

type namedReader struct {
	io.Reader
	name string
}

func (n namedReader) Name() string { return n.name }

// allChecks enables the optional checks too, as `kube-score score --all-default-optional`.
func runConfig(t *testing.T) *config.RunConfiguration {
	t.Helper()
	kv, err := config.ParseSemver(kubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	optional := map[string]struct{}{}
	for _, c := range score.RegisterAllChecks(parser.Empty(), nil, nil).All() {
		if c.Optional {
			optional[c.ID] = struct{}{}
		}
	}
	return &config.RunConfiguration{
		KubernetesVersion:     kv,
		EnabledOptionalTests:  optional,
		MinReplicasDeployment: 1, // a JobManager is one replica by design; deployment-replicas would only count them
	}
}

// scoreManifests scores one multi-document YAML stream and returns its CRITICAL and WARNING findings.
func scoreManifests(t *testing.T, input string, manifests []byte) []finding {
	t.Helper()
	p, err := parser.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	objects, err := p.ParseFiles([]ks.NamedReader{namedReader{bytes.NewReader(manifests), input}})
	if err != nil {
		t.Fatalf("%s: kube-score cannot parse the manifests: %v", input, err)
	}
	rc := runConfig(t)
	card, err := score.Score(objects, score.RegisterAllChecks(objects, &checks.Config{}, rc), rc)
	if err != nil {
		t.Fatalf("%s: %v", input, err)
	}
	var out []finding
	for _, o := range *card {
		for _, c := range o.Checks {
			if c.Skipped || c.Grade > scorecard.GradeWarning {
				continue
			}
			f := finding{input: input, kind: o.TypeMeta.Kind, name: o.ObjectMeta.Name,
				component: o.ObjectMeta.Labels["app.kubernetes.io/component"], check: c.Check.ID, grade: c.Grade}
			for _, cm := range c.Comments {
				f.comments = append(f.comments, strings.TrimPrefix(cm.Path+": "+cm.Summary, ": "))
				if cm.Path != "" {
					f.containers = append(f.containers, cm.Path)
				}
			}
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// inputs returns every manifest stream the gate scores, by name.
func inputs(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	golden, err := filepath.Glob("../golden/*/manifests.golden.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := filepath.Glob("../golden/chart-defaults/*.golden.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(golden) == 0 || len(defaults) != 2 {
		t.Fatalf("found %d golden cases and %d chart defaults", len(golden), len(defaults))
	}
	for _, path := range append(golden, defaults...) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimPrefix(path, "../")] = data
	}
	examples, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	gen := genBinary(t)
	for _, path := range examples {
		cmd := exec.Command(gen, "render", "--git-commit", "0123456789abcdef", path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		data, err := cmd.Output()
		if err != nil {
			t.Fatalf("gen render %s: %v\n%s", path, err, stderr.String())
		}
		out[strings.TrimPrefix(path, "../../")] = data
	}
	return out
}

// genBinary is $GEN (make passes bin/gen) or a gen built from the repository for this run.
func genBinary(t *testing.T) string {
	t.Helper()
	if gen := os.Getenv("GEN"); gen != "" {
		abs, err := filepath.Abs(gen)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(t.TempDir(), "gen")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/gen")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building gen: %v\n%s", err, out)
	}
	return bin
}

// gate splits findings into those the table accepts and those it does not, and
// counts the uses of each accepted entry.
func gate(findings []finding) (rejected []finding, used map[int]int) {
	used = map[int]int{}
	for _, f := range findings {
		ok := false
		for i, a := range acceptedFindings {
			if a.covers(f) {
				used[i]++
				ok = true
				break
			}
		}
		if !ok {
			rejected = append(rejected, f)
		}
	}
	return rejected, used
}

func TestKubeScore(t *testing.T) {
	in := inputs(t)
	names := make([]string, 0, len(in))
	for name := range in {
		names = append(names, name)
	}
	sort.Strings(names)
	var all []finding
	for _, name := range names {
		all = append(all, scoreManifests(t, name, in[name])...)
	}
	rejected, used := gate(all)
	for _, f := range rejected {
		t.Errorf("kube-score: %s\n\tfix it in the chart, or accept it in acceptedFindings and docs/security.md with its reason", f)
	}
	for i, a := range acceptedFindings {
		if used[i] == 0 {
			t.Errorf("accepted finding %s %v no longer occurs: remove it here and from docs/security.md", a.check, a.components)
		}
	}

	// The summary docs/security.md quotes: findings per check and grade, over all inputs.
	type key struct {
		check string
		grade scorecard.Grade
	}
	counts := map[key]int{}
	for _, f := range all {
		counts[key{f.check, f.grade}]++
	}
	keys := make([]key, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].grade != keys[j].grade {
			return keys[i].grade < keys[j].grade
		}
		return keys[i].check < keys[j].check
	})
	t.Logf("kube-score %s on %d manifest sets (all checks, optional included): %d findings, %d not accepted",
		kubeVersion, len(in), len(all), len(rejected))
	for _, k := range keys {
		t.Logf("  %-8s %-48s %3d objects", k.grade, k.check, counts[k])
	}
}

// TestGateCatchesNewCritical: the gate fails on a regression. A golden case with its
// containers' read-only root filesystem dropped must be reported as CRITICAL.
func TestGateCatchesNewCritical(t *testing.T) {
	data, err := os.ReadFile("../golden/minimal-1.20/manifests.golden.yaml")
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.ReplaceAll(string(data), "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
	if broken == string(data) {
		t.Fatal("the golden case has no readOnlyRootFilesystem to drop")
	}
	clean, _ := gate(scoreManifests(t, "minimal", data))
	if len(clean) != 0 {
		t.Fatalf("the unmodified case must pass: %v", clean)
	}
	rejected, _ := gate(scoreManifests(t, "minimal-broken", []byte(broken)))
	var got []string
	for _, f := range rejected {
		if f.grade == scorecard.GradeCritical && f.check == "container-security-context-readonlyrootfilesystem" {
			got = append(got, f.kind+"/"+f.name)
		}
	}
	sort.Strings(got)
	want := []string{"Deployment/wordcount-jobmanager", "Deployment/wordcount-taskmanager", "Pod/wordcount-test"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("CRITICAL readonlyrootfilesystem findings: got %v, want %v (all rejected: %v)", got, want, rejected)
	}
}
