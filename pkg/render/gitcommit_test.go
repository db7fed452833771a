package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestGitCommitOfTheCheckout(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	t.Setenv("GIT_DIR", "") // restored after the test
	os.Unsetenv("GIT_DIR")  // gitCommit finds the checkout itself
	repo := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	deep := filepath.Join(repo, "teams", "ads", "jobs")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(deep, "j.yaml"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", ".")
	git("commit", "-q", "-m", "one")
	head := git("rev-parse", "HEAD")

	if got := gitCommit(deep); got != head {
		t.Errorf("gitCommit(%s) = %q, want HEAD %q", deep, got, head)
	}
	if got := gitCommit(repo); got != head {
		t.Errorf("gitCommit(%s) = %q, want HEAD %q", repo, got, head)
	}
	if root := checkoutRoot(deep); root != repo {
		t.Errorf("checkoutRoot(%s) = %q, want %q", deep, root, repo)
	}
	if got := gitCommit(t.TempDir()); got != "" {
		t.Errorf("outside a checkout: got %q, want none", got)
	}
}
