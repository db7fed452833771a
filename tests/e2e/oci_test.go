//go:build e2e

package e2e

// TestOCIRepository: the packages of `gen chart --package` pushed with `gen push` to an OCI
// registry (CNCF distribution, .tools/bin/registry from hack/tools/registry, on loopback with
// htpasswd auth) and installed with `helm install oci://HOST/PATH/NAME --version V`, each into
// its own restricted namespace, as TestChartRepository does from a classic chart repository.

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestOCIRepository(t *testing.T) {
	t.Parallel()
	_, charts := packageExamples(t, "1.0.0")
	reg := startRegistry(t)
	repo := "oci://" + reg.host + "/jobs"
	files := make([]string, len(charts))
	for i, ch := range charts {
		files[i] = ch.file
	}

	digests := reg.push(t, repo, files...)
	for _, ch := range charts {
		if want := reg.host + "/jobs/" + ch.name + ":" + ch.version; digests[want] == "" {
			t.Fatalf("gen push did not report %s (it reported %v)", want, digests)
		}
	}

	// The same package pushed again is left as it is (a rerun release pipeline changes nothing).
	if again := reg.push(t, repo, files...); fmt.Sprint(again) != fmt.Sprint(digests) {
		t.Errorf("pushing the same packages again changed the manifests:\nfirst  %v\nagain  %v", digests, again)
	}
	// Without credentials the registry refuses the push (its auth is on, so the installs below
	// prove helm's --username/--password); the client reports the registry's basic-auth
	// challenge as "basic credential not found".
	_, stderr, err := genExec(t, reg.env(false), "push", "--repo", repo, "--plain-http", files[0])
	if code := exitCode(err); code != 1 || !strings.Contains(stderr, "credential") {
		t.Errorf("gen push without JOBCHARTS_REPO_USERNAME/PASSWORD: want exit 1 naming missing credentials, got exit %d: %s", code, stderr)
	}
	// A different package under the same version is refused, naming --force; with --force it
	// replaces the tag (elsewhere, not to disturb the installs).
	other := "oci://" + reg.host + "/overwrite"
	first := reg.push(t, other, files[0])
	_, changed := packageExamples(t, "1.0.0", "--app-version", "e2e-overwritten")
	_, stderr, err = genExec(t, reg.env(true), "push", "--repo", other, "--plain-http", changed[0].file)
	if code := exitCode(err); code != 1 || !strings.Contains(stderr, "already exists") || !strings.Contains(stderr, "--force") {
		t.Errorf("gen push of other content under a published version: want exit 1 naming --force, got exit %d: %s", code, stderr)
	}
	moved := reg.push(t, other, "--force", changed[0].file)
	if fmt.Sprint(first) == fmt.Sprint(moved) {
		t.Errorf("a package with another appVersion has the same manifest: %v", moved)
	}
	ref := other + "/" + charts[0].name
	out, _ := helmMust(t, ctxFor(t, time.Minute), append([]string{"show", "chart", ref}, reg.helmArgs(charts[0].version)...)...)
	if !strings.Contains(out, "appVersion: e2e-overwritten") {
		t.Errorf("%s %s after pushing a different package of that version (%v): helm shows\n%s", ref, charts[0].version, moved, out)
	}

	for _, ch := range charts {
		t.Run(ch.name, func(t *testing.T) {
			t.Parallel()
			installFromRepository(t, "oci/"+ch.name, ch.name, repo+"/"+ch.name, reg.helmArgs(ch.version)...)
		})
	}
}

// ociRegistry is a CNCF distribution registry on 127.0.0.1 with one htpasswd user.
type ociRegistry struct {
	host           string // 127.0.0.1:PORT
	user, password string
	home           string // empty Helm/Docker registry config: no login of the machine applies
}

// startRegistry runs .tools/bin/registry for the test on a free loopback port, its storage a
// temporary folder, with basic auth for a user made up here (bcrypt htpasswd), and waits until
// it serves that user.
func startRegistry(t *testing.T) *ociRegistry {
	t.Helper()
	bin := filepath.Join(env.bin, "registry")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run `make tools`", bin)
	}
	ports, err := freePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	password, err := randomHex(16)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := randomHex(16)
	if err != nil {
		t.Fatal(err)
	}
	reg := &ociRegistry{host: "127.0.0.1:" + strconv.Itoa(ports[0]), user: "e2e", password: password, home: t.TempDir()}
	dir := t.TempDir()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	htpasswd := filepath.Join(dir, "htpasswd")
	if err := os.WriteFile(htpasswd, []byte(reg.user+":"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(config, []byte(fmt.Sprintf(`version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: %q
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: %q
  secret: %q
auth:
  htpasswd:
    realm: e2e
    path: %q
`, filepath.Join(dir, "data"), reg.host, secret, htpasswd)), 0o600); err != nil {
		t.Fatal(err)
	}
	// No OpenTelemetry exporter: nothing to send traces to.
	p := startTestProcess(t, "registry-"+strings.ReplaceAll(t.Name(), "/", "-"),
		[]string{"OTEL_TRACES_EXPORTER=none", "OTEL_SDK_DISABLED=true"}, bin, "serve", config)
	gone := func() []string {
		if e := p.exited(); e != "" {
			return []string{e}
		}
		return nil
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(reg.user+":"+reg.password))
	if err := waitHTTP(ctxFor(t, time.Minute), gone, "registry", "http://"+reg.host+"/v2/", 30*time.Second,
		map[string]string{"Authorization": basic}); err != nil {
		t.Fatal(err)
	}
	return reg
}

// env is the environment of `gen push`: credentials only from JOBCHARTS_REPO_* (never flags),
// and registry configs of the test's own, so no login of the machine is used.
func (r *ociRegistry) env(withCredentials bool) []string {
	e := []string{
		"HELM_REGISTRY_CONFIG=" + filepath.Join(r.home, "registry.json"), "DOCKER_CONFIG=" + r.home,
		"JOBCHARTS_REPO_USERNAME=", "JOBCHARTS_REPO_PASSWORD=", "JOBCHARTS_REPO_TOKEN=",
	}
	if withCredentials {
		e = append(e, "JOBCHARTS_REPO_USERNAME="+r.user, "JOBCHARTS_REPO_PASSWORD="+r.password)
	}
	return e
}

// helmArgs are the flags of `helm show` / `helm install` for a chart of this registry.
func (r *ociRegistry) helmArgs(version string) []string {
	return []string{"--version", version, "--plain-http", "--username", r.user, "--password", r.password}
}

// push runs `gen push --repo REPO --plain-http FILES...` with the credentials in the environment
// and returns the digest of each reference it reports (HOST/PATH/NAME:VERSION).
// push runs gen push with args (package files, optionally flags such as --force) and returns
// the reported digests by reference; a package already published unchanged counts too.
func (r *ociRegistry) push(t *testing.T, repo string, args ...string) map[string]string {
	t.Helper()
	out, _, err := genExec(t, r.env(true), append([]string{"push", "--repo", repo, "--plain-http"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	digests := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		// pushed FILE HOST/PATH/NAME:VERSION@sha256:...
		// unchanged FILE HOST/PATH/NAME:VERSION@sha256:... (already published)
		f := strings.Fields(l)
		if len(f) < 3 || (f[0] != "pushed" && f[0] != "unchanged") {
			t.Fatalf("gen push printed %q, want `pushed|unchanged FILE REF@sha256:...`", l)
		}
		ref, digest, ok := strings.Cut(f[2], "@")
		if !ok || !strings.HasPrefix(digest, "sha256:") {
			t.Fatalf("gen push printed %q, want `pushed FILE REF@sha256:...`", l)
		}
		digests[ref] = digest
	}
	files := 0
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			files++
		}
	}
	if len(digests) != files {
		t.Fatalf("gen push of %d packages reported %d:\n%s", files, len(digests), out)
	}
	return digests
}

// exitCode is the exit status of a command's error (0 for nil, -1 if it did not exit).
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
