// Package kubescore runs kube-score (github.com/zegl/kube-score), in-process and with its
// default configuration, on the manifests of every golden case, of the charts' defaults and
// of every example. The gate is what anyone running `kube-score score` on them sees:
//
//   - no CRITICAL at all. The checks the charts depart from on purpose are switched off
//     where kube-score itself reads it, in the kube-score/ignore annotation of the objects
//     concerned; every check named there must be in ignoredChecks (and so documented in
//     docs/security.md) and must still fire on that object without the annotation, and no
//     pod template may carry the annotation;
//   - a WARNING only when acceptedWarnings names it, with its reason; an accepted WARNING
//     that no longer occurs fails the test too, so the table cannot go stale.
//
// Both tables are in docs/security.md ("kube-score"); TestTablesMatchDocs keeps them equal.
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
	"regexp"
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

// ignoreAnnotation is the object annotation kube-score reads the checks to skip from.
const ignoreAnnotation = "kube-score/ignore"

// ignoredChecks are the checks the charts may switch off through kube-score/ignore, each
// with its reason; the charts' kubeScoreIgnore helpers decide which objects carry which.
var ignoredChecks = map[string]string{
	"container-security-context-user-group-id": "the official images run as their own users, flink 9999 and spark 185, " +
		"who own the files in the image; a UID above 10000 has no passwd entry, which Hadoop's UserGroupInformation (s3a, hdfs) cannot handle",
	"container-image-pull-policy": "images are pinned by tag or digest (descriptors refuse untagged and :latest), so IfNotPresent is correct; " +
		"Always makes every restart depend on the registry; the descriptor's imagePullPolicy can choose Always",
	"container-ephemeral-storage-request-and-limit": "Flink keeps RocksDB state and spill files and Spark its scratch space in /tmp: " +
		"their size depends on the job, so any fixed limit either evicts real jobs or limits nothing; the bounded emptyDirs carry a sizeLimit",
	"deployment-has-poddisruptionbudget": "a Flink job restarts as a whole (from its last checkpoint) when any TaskManager goes; " +
		"a PodDisruptionBudget would turn one restart per drain into one per TaskManager, or block the drain",
}

// accepted is a WARNING the charts keep on purpose.
type accepted struct {
	check string
	// components are the app.kubernetes.io/component values of the objects it applies
	// to; empty means every object.
	components []string
	reason     string
}

// acceptedWarnings: every entry is explained in docs/security.md ("kube-score").
var acceptedWarnings = []accepted{
	{check: "pod-networkpolicy", // the policy covers ingress only
		reason: "egress is left open: the sources and sinks a job talks to (Kafka, S3, databases) are not known to the chart"},
	{check: "deployment-strategy", components: []string{"jobmanager"},
		reason: "Recreate on purpose: two JobManagers of one job cluster must never run at once"},
	{check: "deployment-replicas", components: []string{"jobmanager"},
		reason: "one JobManager per job cluster by design; its restarts are covered by Flink's recovery (checkpoints, HA), not by a second replica"},
	{check: "deployment-has-host-podantiaffinity", components: []string{"taskmanager"},
		reason: "losing any TaskManager restarts the whole job, so spreading TaskManagers over nodes buys no availability, while packing them keeps shuffle traffic local; podTemplate.affinity can spread them"},
}

func (a accepted) covers(f finding) bool {
	if f.grade != scorecard.GradeWarning || a.check != f.check {
		return false
	}
	if len(a.components) == 0 {
		return true
	}
	for _, c := range a.components {
		if c == f.component {
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
}

func (f finding) String() string {
	return fmt.Sprintf("%s: %s %s/%s (%s): %s: %s", f.input, f.grade, f.kind, f.name, f.component, f.check, strings.Join(f.comments, "; "))
}

// ignore is the kube-score/ignore annotation of one object.
type ignore struct {
	input, kind, name, component string
	checks                       []string
}

type namedReader struct {
	io.Reader
	name string
}

func (n namedReader) Name() string { return n.name }

// runConfig is kube-score's default configuration, as `kube-score score` without flags:
// the default checks only (the optional ones stay off), the kube-score/ignore and
// kube-score/enable annotations honoured, at least 2 replicas for a Deployment behind a
// Service. useIgnores false is `--disable-ignore-checks-annotations`: what the
// annotations hide.
func runConfig(t *testing.T, useIgnores bool) *config.RunConfiguration {
	t.Helper()
	kv, err := config.ParseSemver(kubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	return &config.RunConfiguration{
		KubernetesVersion:           kv,
		UseIgnoreChecksAnnotation:   useIgnores,
		UseOptionalChecksAnnotation: true,
		MinReplicasDeployment:       2,
		MinReplicasHPA:              2,
	}
}

// parse reads one multi-document YAML stream as kube-score does.
func parse(t *testing.T, input string, manifests []byte) ks.AllTypes {
	t.Helper()
	p, err := parser.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	objects, err := p.ParseFiles([]ks.NamedReader{namedReader{bytes.NewReader(manifests), input}})
	if err != nil {
		t.Fatalf("%s: kube-score cannot parse the manifests: %v", input, err)
	}
	return objects
}

// scoreManifests scores one multi-document YAML stream and returns its CRITICAL and
// WARNING findings; with useIgnores false, the kube-score/ignore annotations are not applied.
func scoreManifests(t *testing.T, input string, manifests []byte, useIgnores bool) []finding {
	t.Helper()
	objects := parse(t, input, manifests)
	rc := runConfig(t, useIgnores)
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
			}
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// ignores returns the kube-score/ignore annotations of the objects of one stream, and the
// pod templates that carry one (which the charts must not do: a pod template annotation
// changed would restart the pods).
func ignores(t *testing.T, input string, manifests []byte) (objects []ignore, templates []string) {
	t.Helper()
	all := parse(t, input, manifests)
	for _, m := range all.Metas() {
		v, ok := m.ObjectMeta.Annotations[ignoreAnnotation]
		if !ok {
			continue
		}
		ig := ignore{input: input, kind: m.TypeMeta.Kind, name: m.ObjectMeta.Name,
			component: m.ObjectMeta.Labels["app.kubernetes.io/component"]}
		for _, c := range strings.Split(v, ",") {
			ig.checks = append(ig.checks, strings.TrimSpace(c))
		}
		objects = append(objects, ig)
	}
	for _, p := range all.PodSpeccers() {
		if _, ok := p.GetPodTemplateSpec().Annotations[ignoreAnnotation]; ok {
			templates = append(templates, fmt.Sprintf("%s: %s/%s", input, p.GetTypeMeta().Kind, p.GetObjectMeta().Name))
		}
	}
	sort.Slice(objects, func(i, j int) bool { return objects[i].kind+"/"+objects[i].name < objects[j].kind+"/"+objects[j].name })
	return objects, templates
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

// gate returns the findings the gate refuses (every CRITICAL, every WARNING that
// acceptedWarnings does not name) and counts the uses of each accepted WARNING.
func gate(findings []finding) (rejected []finding, used map[int]int) {
	used = map[int]int{}
	for _, f := range findings {
		ok := false
		for i, a := range acceptedWarnings {
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

// checkIgnores refuses a kube-score/ignore annotation that names a check not in
// ignoredChecks, or one that kube-score would not report on that object anyway (raw are
// the stream's findings with the annotations disabled), and a pod template carrying one.
func checkIgnores(objects []ignore, templates []string, raw []finding) (problems []string) {
	for _, tpl := range templates {
		problems = append(problems, fmt.Sprintf("%s: the pod template carries %s; put it on the object", tpl, ignoreAnnotation))
	}
	fires := map[string]bool{}
	for _, f := range raw {
		fires[f.kind+"/"+f.name+" "+f.check] = true
	}
	for _, o := range objects {
		seen := map[string]bool{}
		for _, c := range o.checks {
			switch {
			case ignoredChecks[c] == "":
				problems = append(problems, fmt.Sprintf("%s: %s/%s: %s names %q, which ignoredChecks and docs/security.md do not list",
					o.input, o.kind, o.name, ignoreAnnotation, c))
			case seen[c]:
				problems = append(problems, fmt.Sprintf("%s: %s/%s: %s names %q twice", o.input, o.kind, o.name, ignoreAnnotation, c))
			case !fires[o.kind+"/"+o.name+" "+c]:
				problems = append(problems, fmt.Sprintf("%s: %s/%s: %s names %q, which kube-score does not report on it: drop it there",
					o.input, o.kind, o.name, ignoreAnnotation, c))
			}
			seen[c] = true
		}
	}
	return problems
}

// gradeKey counts findings per check and grade.
type gradeKey struct {
	check string
	grade scorecard.Grade
}

func countFindings(fs []finding) (critical, warning int, perCheck map[gradeKey]int) {
	perCheck = map[gradeKey]int{}
	for _, f := range fs {
		if f.grade == scorecard.GradeCritical {
			critical++
		} else {
			warning++
		}
		perCheck[gradeKey{f.check, f.grade}]++
	}
	return critical, warning, perCheck
}

func TestKubeScore(t *testing.T) {
	in := inputs(t)
	names := make([]string, 0, len(in))
	for name := range in {
		names = append(names, name)
	}
	sort.Strings(names)
	var all, allRaw []finding
	ignoredPerCheck := map[string]int{}
	t.Logf("kube-score %s, default checks, on %d manifest sets: CRITICAL/WARNING, then (in brackets) the same with the kube-score/ignore annotations disabled", kubeVersion, len(in))
	for _, name := range names {
		found := scoreManifests(t, name, in[name], true)
		raw := scoreManifests(t, name, in[name], false)
		objects, templates := ignores(t, name, in[name])
		for _, p := range checkIgnores(objects, templates, raw) {
			t.Error(p)
		}
		for _, o := range objects {
			for _, c := range o.checks {
				ignoredPerCheck[c]++
			}
		}
		all, allRaw = append(all, found...), append(allRaw, raw...)
		c, w, _ := countFindings(found)
		rc, rw, _ := countFindings(raw)
		t.Logf("  %-58s %d/%-3d (%d/%d)", name, c, w, rc, rw)
	}
	rejected, used := gate(all)
	for _, f := range rejected {
		if f.grade == scorecard.GradeCritical {
			t.Errorf("kube-score: %s\n\tfix it in the chart; if it is deliberate, ignore the check on that object through the chart's kubeScoreIgnore helper, with its reason in ignoredChecks and docs/security.md", f)
		} else {
			t.Errorf("kube-score: %s\n\tfix it in the chart, or accept it in acceptedWarnings and docs/security.md with its reason", f)
		}
	}
	for i, a := range acceptedWarnings {
		if used[i] == 0 {
			t.Errorf("accepted WARNING %s %v no longer occurs: remove it here and from docs/security.md", a.check, a.components)
		}
	}
	for c := range ignoredChecks {
		if ignoredPerCheck[c] == 0 {
			t.Errorf("ignored check %s is on no object any more: remove it from ignoredChecks and docs/security.md", c)
		}
	}

	// The summary docs/security.md quotes: objects per check and grade, over all inputs.
	critical, warning, counts := countFindings(all)
	rawCritical, rawWarning, rawCounts := countFindings(allRaw)
	keys := make([]gradeKey, 0, len(rawCounts))
	for k := range rawCounts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].grade != keys[j].grade {
			return keys[i].grade < keys[j].grade
		}
		return keys[i].check < keys[j].check
	})
	t.Logf("total: %d CRITICAL, %d WARNING (%d refused); without the annotations %d CRITICAL, %d WARNING", critical, warning, len(rejected), rawCritical, rawWarning)
	for _, k := range keys {
		t.Logf("  %-8s %-48s %3d objects (%d without the annotations; on %d objects' %s)", k.grade, k.check, counts[k], rawCounts[k], ignoredPerCheck[k.check], ignoreAnnotation)
	}
}

// docTable returns the check ids in the first column of the docs/security.md table, in
// its "kube-score" section, whose header row starts with the given cell.
func docTable(t *testing.T, firstHeader string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile("../../docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start := strings.Index(doc, "\n### kube-score\n")
	if start < 0 {
		t.Fatal(`docs/security.md has no "### kube-score" section`)
	}
	section := doc[start+1:]
	if end := strings.Index(section[1:], "\n#"); end >= 0 {
		section = section[:end+1]
	}
	header := "| " + firstHeader + " |"
	at := strings.Index(section, header)
	if at < 0 {
		t.Fatalf("docs/security.md (kube-score) has no table starting %q", header)
	}
	ids := map[string]bool{}
	id := regexp.MustCompile("`([a-z0-9-]+)`")
	for i, line := range strings.Split(section[at:], "\n") {
		if !strings.HasPrefix(line, "|") {
			break
		}
		if i < 2 { // header and separator
			continue
		}
		first := strings.SplitN(strings.TrimPrefix(line, "|"), "|", 2)[0]
		for _, m := range id.FindAllStringSubmatch(first, -1) {
			ids[m[1]] = true
		}
	}
	return ids
}

// TestTablesMatchDocs: ignoredChecks and acceptedWarnings name the checks the tables of
// docs/security.md name, no more, no fewer.
func TestTablesMatchDocs(t *testing.T) {
	compare := func(what string, code, doc map[string]bool) {
		for c := range code {
			if !doc[c] {
				t.Errorf("%s: %s is in the test but not in docs/security.md", what, c)
			}
		}
		for c := range doc {
			if !code[c] {
				t.Errorf("%s: %s is in docs/security.md but not in the test", what, c)
			}
		}
	}
	ignored := map[string]bool{}
	for c := range ignoredChecks {
		ignored[c] = true
	}
	compare("kube-score/ignore checks", ignored, docTable(t, "ignored check"))
	warnings := map[string]bool{}
	for _, a := range acceptedWarnings {
		warnings[a.check] = true
	}
	compare("accepted WARNINGs", warnings, docTable(t, "accepted WARNING"))
}

// TestGateCatchesNewCritical: the gate fails on a regression. A golden case with its
// containers' read-only root filesystem dropped must be reported as CRITICAL, and so
// must a check no annotation names any more.
func TestGateCatchesNewCritical(t *testing.T) {
	data, err := os.ReadFile("../golden/minimal-1.20/manifests.golden.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clean, _ := gate(scoreManifests(t, "minimal", data, true))
	if len(clean) != 0 {
		t.Fatalf("the unmodified case must pass: %v", clean)
	}
	criticals := func(input, manifests, check string) []string {
		rejected, _ := gate(scoreManifests(t, input, []byte(manifests), true))
		var got []string
		for _, f := range rejected {
			if f.grade == scorecard.GradeCritical && f.check == check {
				got = append(got, f.kind+"/"+f.name)
			}
		}
		sort.Strings(got)
		return got
	}

	broken := strings.ReplaceAll(string(data), "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
	if broken == string(data) {
		t.Fatal("the golden case has no readOnlyRootFilesystem to drop")
	}
	want := []string{"Deployment/wordcount-jobmanager", "Deployment/wordcount-taskmanager", "Pod/wordcount-test"}
	if got := criticals("minimal-broken", broken, "container-security-context-readonlyrootfilesystem"); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("CRITICAL readonlyrootfilesystem findings: got %v, want %v", got, want)
	}

	unignored := strings.ReplaceAll(string(data), ",container-image-pull-policy", "")
	if unignored == string(data) {
		t.Fatal("the golden case ignores no container-image-pull-policy")
	}
	if got := criticals("minimal-unignored", unignored, "container-image-pull-policy"); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("CRITICAL image-pull-policy findings without the annotation: got %v, want %v", got, want)
	}
}

// TestCheckIgnoresRefuses: an undocumented check, a check that does not fire on the object
// and an annotated pod template are each refused.
func TestCheckIgnoresRefuses(t *testing.T) {
	raw := []finding{{kind: "Deployment", name: "x", check: "container-image-pull-policy"}}
	objects := []ignore{{input: "in", kind: "Deployment", name: "x",
		checks: []string{"container-image-pull-policy", "pod-probes", "deployment-has-poddisruptionbudget"}}}
	got := checkIgnores(objects, []string{"in: Deployment/x"}, raw)
	if len(got) != 3 {
		t.Fatalf("want 3 problems (template, pod-probes undocumented, pdb not firing), got %d: %v", len(got), got)
	}
	if p := checkIgnores(objects[:0], nil, raw); len(p) != 0 {
		t.Fatalf("no annotation, no problem: %v", p)
	}
}
