//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Cluster is a real control plane on 127.0.0.1: etcd, kube-apiserver (token auth, RBAC, the default
// admission plugins including PodSecurity), kube-controller-manager, kube-scheduler and kwok, which
// keeps fake nodes Ready and moves the pods scheduled to them to Running. No container runs.
type Cluster struct {
	// Dir holds every file of the cluster: etcd data, certificates, kubeconfig and the logs.
	Dir string
	// Kubeconfig is the admin kubeconfig (system:masters).
	Kubeconfig string
	// Config is the admin REST config; Client, Dynamic and Mapper are built from it.
	Config  *rest.Config
	Client  kubernetes.Interface
	Dynamic dynamic.Interface
	Mapper  *restmapper.DeferredDiscoveryRESTMapper
	// Nodes are the names of the fake nodes every test may use.
	Nodes []string

	bin   string // folder of kube-apiserver, kube-controller-manager, kube-scheduler, kwok
	procs []*process
}

// ClusterOptions say where the binaries are and what to start.
type ClusterOptions struct {
	// Bin is the folder with kube-apiserver, kube-controller-manager, kube-scheduler and kwok.
	Bin string
	// Etcd is the etcd binary.
	Etcd string
	// Dir is an empty folder the cluster owns.
	Dir string
	// DataDir is where etcd keeps its data (a tmpfs makes it faster); empty means Dir.
	DataDir string
	// KwokStages is the file of kwok Stage documents.
	KwokStages string
	// Nodes is how many fake nodes to register.
	Nodes int
}

// process is one started binary, in its own process group, logging to a file.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{} // closed when the process has exited
	err  error         // set before done is closed
}

// StartCluster starts the control plane and waits until it serves, nodes included. On error it
// stops what it started; the logs stay in opts.Dir.
func StartCluster(ctx context.Context, opts ClusterOptions) (c *Cluster, err error) {
	c = &Cluster{Dir: opts.Dir, bin: opts.Bin}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	dataDir := opts.DataDir
	if dataDir == "" {
		dataDir = opts.Dir
	}
	ports, err := freePorts(7)
	if err != nil {
		return c, err
	}
	etcdPort, etcdPeer, apiPort, kcmPort, schedPort, kwokPort := ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]

	// etcd
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(etcdPort)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(etcdPeer)
	if err := c.start("etcd", opts.Etcd,
		"--name=e2e",
		"--data-dir="+filepath.Join(dataDir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=e2e="+peerURL,
		"--logger=zap", "--log-outputs=stderr",
	); err != nil {
		return c, err
	}
	if err := c.waitHTTP(ctx, "etcd", etcdURL+"/health", 30*time.Second, nil); err != nil {
		return c, err
	}

	// kube-apiserver
	token, err := randomHex(16)
	if err != nil {
		return c, err
	}
	saKey, saPub := filepath.Join(c.Dir, "sa.key"), filepath.Join(c.Dir, "sa.pub")
	if err := writeServiceAccountKeys(saKey, saPub); err != nil {
		return c, err
	}
	tokens := filepath.Join(c.Dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(token+",admin,admin,system:masters\n"), 0o600); err != nil {
		return c, err
	}
	certDir := filepath.Join(c.Dir, "certs")
	apiURL := "https://127.0.0.1:" + strconv.Itoa(apiPort)
	if err := c.start("kube-apiserver", filepath.Join(c.bin, "kube-apiserver"),
		"--etcd-servers="+etcdURL,
		"--cert-dir="+certDir,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port="+strconv.Itoa(apiPort),
		"--token-auth-file="+tokens,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+saPub,
		"--service-account-signing-key-file="+saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		// The default admission plugins stay on (PodSecurity among them): --enable-admission-plugins
		// is not given on purpose.
		"--allow-privileged=true",
		// Debian's etcd 3.4 cannot serve RequestWatchProgress, so streaming lists (WatchList) fail
		// with an error that kwok's client-go (v0.36) retries with back-off, seconds late; with the
		// gate off the API server refuses them as invalid and clients fall back to LIST+WATCH.
		"--feature-gates=WatchList=false",
		"--profiling=false",
	); err != nil {
		return c, err
	}
	bearer := map[string]string{"Authorization": "Bearer " + token}
	if err := c.waitHTTP(ctx, "kube-apiserver", apiURL+"/readyz", 90*time.Second, bearer); err != nil {
		return c, err
	}

	c.Kubeconfig = filepath.Join(c.Dir, "kubeconfig")
	if err := writeKubeconfig(c.Kubeconfig, apiURL, token); err != nil {
		return c, err
	}
	c.Config = &rest.Config{
		Host:            apiURL,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{Insecure: true},
		QPS:             200,
		Burst:           400,
		WarningHandler:  rest.NoWarnings{},
	}
	if c.Client, err = kubernetes.NewForConfig(c.Config); err != nil {
		return c, err
	}
	if c.Dynamic, err = dynamic.NewForConfig(c.Config); err != nil {
		return c, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(c.Config)
	if err != nil {
		return c, err
	}
	c.Mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))

	// kube-controller-manager and kube-scheduler
	if err := c.start("kube-controller-manager", filepath.Join(c.bin, "kube-controller-manager"),
		"--kubeconfig="+c.Kubeconfig,
		"--authentication-kubeconfig="+c.Kubeconfig,
		"--authorization-kubeconfig="+c.Kubeconfig,
		"--leader-elect=false",
		"--controllers=*",
		"--service-account-private-key-file="+saKey,
		"--root-ca-file="+filepath.Join(certDir, "apiserver.crt"),
		"--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(kcmPort),
	); err != nil {
		return c, err
	}
	// One scheduler, three profiles: besides the default scheduler it stands in for the batch
	// schedulers charts may name (schedulerName volcano / yunikorn), so those pods schedule too.
	// It schedules pod by pod: gangs, queues and PodGroups are not simulated.
	schedConfig := filepath.Join(c.Dir, "scheduler.yaml")
	if err := os.WriteFile(schedConfig, []byte(fmt.Sprintf(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: %q
leaderElection:
  leaderElect: false
profiles:
- schedulerName: default-scheduler
- schedulerName: volcano
- schedulerName: yunikorn
`, c.Kubeconfig)), 0o644); err != nil {
		return c, err
	}
	if err := c.start("kube-scheduler", filepath.Join(c.bin, "kube-scheduler"),
		"--config="+schedConfig,
		"--authentication-kubeconfig="+c.Kubeconfig,
		"--authorization-kubeconfig="+c.Kubeconfig,
		"--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(schedPort),
	); err != nil {
		return c, err
	}
	// kwok reads $HOME/.kwok/kwok.yaml too: give it a home of its own.
	kwokHome := filepath.Join(c.Dir, "kwok-home")
	if err := os.MkdirAll(kwokHome, 0o755); err != nil {
		return c, err
	}
	if err := c.startEnv("kwok", []string{"HOME=" + kwokHome}, filepath.Join(c.bin, "kwok"),
		"--kubeconfig="+c.Kubeconfig,
		"--manage-all-nodes=true",
		"--server-address=127.0.0.1:"+strconv.Itoa(kwokPort),
		"--cidr=10.244.0.0/16",
		"--node-ip=10.255.0.1",
		// kwok renews a Lease per node (the kubelet's heartbeat); without it the node lifecycle
		// controller marks every node NotReady after its grace period and evicts the pods.
		"--node-lease-duration-seconds=40",
		"--config="+opts.KwokStages,
	); err != nil {
		return c, err
	}
	for _, p := range []struct {
		name string
		url  string
	}{
		{"kube-controller-manager", "https://127.0.0.1:" + strconv.Itoa(kcmPort) + "/healthz"},
		{"kube-scheduler", "https://127.0.0.1:" + strconv.Itoa(schedPort) + "/healthz"},
		{"kwok", "http://127.0.0.1:" + strconv.Itoa(kwokPort) + "/healthz"},
	} {
		if err := c.waitHTTP(ctx, p.name, p.url, 60*time.Second, nil); err != nil {
			return c, err
		}
	}

	// The controller-manager is really working once it made the default ServiceAccount.
	if err := c.poll(ctx, 60*time.Second, func(ctx context.Context) (bool, error) {
		_, err := c.Client.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	}); err != nil {
		return c, fmt.Errorf("waiting for the default ServiceAccount (kube-controller-manager): %w", err)
	}
	for i := range opts.Nodes {
		name := fmt.Sprintf("kwok-node-%d", i)
		if err := c.AddNode(ctx, name, nil, nil); err != nil {
			return c, err
		}
		c.Nodes = append(c.Nodes, name)
	}
	return c, nil
}

// AddNode registers a fake node that kwok manages, with extra labels and taints, and waits until
// it is Ready. A node of that name that exists already is only waited for, so parallel tests may
// ask for the same node.
func (c *Cluster) AddNode(ctx context.Context, name string, labels map[string]string, taints []corev1.Taint) error {
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("64"),
		corev1.ResourceMemory: resource.MustParse("512Gi"),
		corev1.ResourcePods:   resource.MustParse("250"),
		// a real kubelet reports its node's local storage; pods requesting some must schedule
		corev1.ResourceEphemeralStorage: resource.MustParse("1Ti"),
	}
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Annotations: map[string]string{"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
			Labels: map[string]string{
				"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
				"type": "kwok",
			},
		},
		Spec:   corev1.NodeSpec{Taints: taints},
		Status: corev1.NodeStatus{Capacity: capacity, Allocatable: capacity},
	}
	for k, v := range labels {
		node.Labels[k] = v
	}
	if _, err := c.Client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating node %s: %w", name, err)
	}
	if err := c.poll(ctx, 60*time.Second, func(ctx context.Context) (bool, error) {
		n, err := c.Client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		for _, cond := range n.Status.Conditions {
			if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	}); err != nil {
		return fmt.Errorf("waiting for node %s to be Ready (kwok): %w", name, err)
	}
	return nil
}

// start starts a binary in its own process group with its output in DIR/logs/NAME.log.
func (c *Cluster) start(name, path string, args ...string) error {
	return c.startEnv(name, nil, path, args...)
}

func (c *Cluster) startEnv(name string, env []string, path string, args ...string) error {
	p, err := startProcess(name, c.Dir, filepath.Join(c.Dir, "logs", name+".log"), env, path, args...)
	if err != nil {
		return err
	}
	c.procs = append(c.procs, p)
	return nil
}

// startProcess starts a binary in dir, in its own process group, with its output in logPath
// (whose folder it creates) and env added to the test binary's environment.
func startProcess(name, dir, logPath string, env []string, path string, args ...string) (*process, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	// Own process group (stop kills the group), and killed with the test binary if that dies
	// without running Stop (e.g. go test -timeout).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// stop ends the process: SIGTERM to its process group, SIGKILL after 10 s.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

// exited names the process and how it ended if it has, else returns "".
func (p *process) exited() string {
	select {
	case <-p.done:
		return fmt.Sprintf("%s (%v)", p.name, p.err)
	default:
		return ""
	}
}

// logTail returns the last n lines of the process's log under a header.
func (p *process) logTail(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "===== %s (%s), last %d lines =====\n", p.name, p.log, n)
	lines, err := tail(p.log, n)
	if err != nil {
		fmt.Fprintf(&b, "(%v)\n", err)
	}
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// Stop ends every process, newest first.
func (c *Cluster) Stop() {
	for i := len(c.procs) - 1; i >= 0; i-- {
		c.procs[i].stop()
	}
}

// Exited names the processes that ended although nobody stopped them.
func (c *Cluster) Exited() []string {
	var out []string
	for _, p := range c.procs {
		if e := p.exited(); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// LogTails returns the last n lines of every process's log, one block per process.
func (c *Cluster) LogTails(n int) string {
	var b strings.Builder
	for _, p := range c.procs {
		b.WriteString(p.logTail(n))
	}
	return b.String()
}

func tail(path string, n int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ring []string
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for s.Scan() {
		ring = append(ring, s.Text())
		if len(ring) > n {
			ring = ring[1:]
		}
	}
	return ring, s.Err()
}

// waitHTTP polls url until it answers 200, a control-plane process exits, or timeout passes.
func (c *Cluster) waitHTTP(ctx context.Context, name, url string, timeout time.Duration, header map[string]string) error {
	return waitHTTP(ctx, c.Exited, name, url, timeout, header)
}

// waitHTTP polls url until it answers 200, gone names an exited process, or timeout passes.
func waitHTTP(ctx context.Context, gone func() []string, name, url string, timeout time.Duration, header map[string]string) error {
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // self-signed test cluster
	}
	var last string
	err := pollAlive(ctx, timeout, gone, func(ctx context.Context) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			last = err.Error()
			return false, nil
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		last = fmt.Sprintf("%s: %s", resp.Status, bytes.TrimSpace(body))
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for %s at %s (last answer: %s): %w", name, url, last, err)
	}
	return nil
}

// poll runs cond every 250 ms until it is true, fails, the timeout passes, or a control-plane
// process exits.
func (c *Cluster) poll(ctx context.Context, timeout time.Duration, cond wait.ConditionWithContextFunc) error {
	return pollAlive(ctx, timeout, c.Exited, cond)
}

// pollAlive runs cond every 250 ms until it is true, fails, the timeout passes, or gone names
// an exited process.
func pollAlive(ctx context.Context, timeout time.Duration, gone func() []string, cond wait.ConditionWithContextFunc) error {
	return wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if g := gone(); len(g) > 0 {
			return false, fmt.Errorf("process exited: %s", strings.Join(g, ", "))
		}
		return cond(ctx)
	})
}

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// writeServiceAccountKeys writes the RSA key pair that signs and verifies service account tokens.
func writeServiceAccountKeys(keyPath, pubPath string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644)
}

func writeKubeconfig(path, server, token string) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["e2e"] = &clientcmdapi.Cluster{Server: server, InsecureSkipTLSVerify: true}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts["e2e"] = &clientcmdapi.Context{Cluster: "e2e", AuthInfo: "admin", Namespace: "default"}
	cfg.CurrentContext = "e2e"
	return clientcmd.WriteToFile(*cfg, path)
}

// warnings collects the warnings the API server returns (PodSecurity "would violate ...",
// deprecations, unknown fields under fieldValidation=Warn).
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) HandleWarningHeader(code int, agent, text string) {
	if code != 299 || text == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

func (w *warnings) All() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.list...)
}

// WithWarnings returns clients whose API warnings land in the returned collector.
func (c *Cluster) WithWarnings() (kubernetes.Interface, dynamic.Interface, *warnings, error) {
	w := &warnings{}
	cfg := rest.CopyConfig(c.Config)
	cfg.WarningHandler = w
	kc, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	dc, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	return kc, dc, w, nil
}

// As returns a client that impersonates user (e.g. system:serviceaccount:NS:NAME) and whose API
// warnings land in the returned collector.
func (c *Cluster) As(user string) (kubernetes.Interface, *warnings, error) {
	w := &warnings{}
	cfg := rest.CopyConfig(c.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user}
	cfg.WarningHandler = w
	kc, err := kubernetes.NewForConfig(cfg)
	return kc, w, err
}
