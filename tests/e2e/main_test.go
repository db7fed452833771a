//go:build e2e

// Package e2e proves the charts and examples against a real Kubernetes API: validation,
// admission (Pod Security), RBAC, controllers and the garbage collector. TestMain starts etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake nodes) on free loopback
// ports in a temporary folder and tears them down at the end, also on failure.
//
// Run it with `make e2e` (it builds the pinned tools into .tools/bin first), or
// `go test -tags e2e ./tests/e2e/ -v` once `make tools` has run.
//
// Environment:
//
//	E2E_TOOLS_BIN  folder with kube-apiserver, kube-controller-manager, kube-scheduler, kwok, helm
//	               and registry (TestOCIRepository only) (default: .tools/bin of the repository)
//	E2E_ETCD       etcd binary (default: etcd on PATH, then /usr/bin/etcd)
//	E2E_GEN        a prebuilt gen binary; by default the suite builds ./cmd/gen itself
//	E2E_CHARTS     a folder holding the charts helm installs (flink-job/, spark-app/) instead of
//	               charts/, e.g. a patched copy; gen render still uses the charts built into gen
//	E2E_KEEP=1     keep the cluster's folder (logs, etcd data) after the run
//	E2E_PARALLEL   how many cases run at once unless -parallel is given (default 4)
package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// env is what every test uses: the cluster and the paths of the repository and tools.
var env struct {
	cluster *Cluster
	root    string // repository root
	bin     string // pinned tools
	work    string // scratch files of the tests (values files, helm home)
}

// testProcesses are the processes single tests start besides the control plane (the OCI
// registry); each test stops its own, the signal handler stops what is left.
var testProcesses struct {
	mu   sync.Mutex
	list []*process
}

// startTestProcess starts a process for one test (see startProcess, log in the cluster's logs
// folder) and stops it when the test ends, printing the tail of its log if the test failed.
func startTestProcess(t *testing.T, name string, extraEnv []string, path string, args ...string) *process {
	t.Helper()
	p, err := startProcess(name, t.TempDir(), filepath.Join(env.cluster.Dir, "logs", name+".log"), extraEnv, path, args...)
	if err != nil {
		t.Fatal(err)
	}
	testProcesses.mu.Lock()
	testProcesses.list = append(testProcesses.list, p)
	testProcesses.mu.Unlock()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Log("\n" + p.logTail(60))
		}
	})
	return p
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	// Cases spend their time waiting for the control plane, not computing: run more of them at
	// once than go test's default of GOMAXPROCS, unless -parallel was given.
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		p := os.Getenv("E2E_PARALLEL")
		if p == "" {
			p = "4"
		}
		if err := flag.Set("test.parallel", p); err != nil {
			return fail("E2E_PARALLEL=%s: %v", p, err)
		}
	}

	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return fail("%v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fail("the repository root %s has no go.mod: run the suite from tests/e2e (go test ./tests/e2e/)", root)
	}
	env.root = root
	env.bin = os.Getenv("E2E_TOOLS_BIN")
	if env.bin == "" {
		env.bin = filepath.Join(root, ".tools", "bin")
	}
	for _, tool := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "helm"} {
		if _, err := os.Stat(filepath.Join(env.bin, tool)); err != nil {
			return fail("%s is missing in %s: run `make tools` first", tool, env.bin)
		}
	}
	etcd, err := findEtcd()
	if err != nil {
		return fail("%v", err)
	}

	dir, err := os.MkdirTemp("", "jobcharts-e2e-")
	if err != nil {
		return fail("%v", err)
	}
	keep := os.Getenv("E2E_KEEP") == "1"
	// etcd fsyncs a lot; a tmpfs keeps that off the disk.
	dataDir, err := os.MkdirTemp("/dev/shm", "jobcharts-e2e-etcd-")
	if err != nil {
		dataDir = ""
	} else {
		defer os.RemoveAll(dataDir)
	}
	env.work = filepath.Join(dir, "work")
	if err := os.MkdirAll(env.work, 0o755); err != nil {
		return fail("%v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	c, err := StartCluster(ctx, ClusterOptions{
		Bin:        env.bin,
		Etcd:       etcd,
		Dir:        dir,
		DataDir:    dataDir,
		KwokStages: filepath.Join(root, "tests", "e2e", "testdata", "kwok-stages.yaml"),
		Nodes:      3,
	})
	if err != nil {
		if c != nil {
			fmt.Fprint(os.Stderr, c.LogTails(40))
		}
		fmt.Fprintf(os.Stderr, "e2e: control plane logs are in %s\n", dir)
		return fail("starting the control plane: %v", err)
	}
	env.cluster = c
	fmt.Fprintf(os.Stderr, "e2e: control plane with %d fake nodes ready in %s (folder %s, KUBECONFIG=%s)\n",
		len(c.Nodes), time.Since(start).Round(100*time.Millisecond), dir, c.Kubeconfig)

	// Stop everything on Ctrl-C / SIGTERM too; Pdeathsig covers a test binary that is killed.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		fmt.Fprintf(os.Stderr, "e2e: %v: stopping the control plane (logs in %s)\n", s, filepath.Join(dir, "logs"))
		testProcesses.mu.Lock()
		for _, p := range testProcesses.list {
			p.stop()
		}
		testProcesses.mu.Unlock()
		c.Stop()
		os.RemoveAll(dataDir)
		os.Exit(130)
	}()

	code := func() int {
		if err := installFixtures(ctx, c); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: installing fixtures: %v\n", err)
			return 1
		}
		return m.Run()
	}()

	if gone := c.Exited(); len(gone) > 0 {
		fmt.Fprintf(os.Stderr, "e2e: control plane processes exited during the run: %v\n", gone)
		code = 1
	}
	c.Stop()
	if code != 0 {
		fmt.Fprint(os.Stderr, c.LogTails(60))
		fmt.Fprintf(os.Stderr, "e2e: FAILED; control plane logs are in %s\n", filepath.Join(dir, "logs"))
		keep = true
	}
	if !keep {
		os.RemoveAll(dir)
	}
	return code
}

func fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", args...)
	return 1
}

func findEtcd() (string, error) {
	if p := os.Getenv("E2E_ETCD"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("etcd"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/etcd"); err == nil {
		return "/usr/bin/etcd", nil
	}
	return "", errors.New("etcd is missing: run `make tools` (it installs Debian's etcd-server)")
}
