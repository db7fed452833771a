package render_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/jobcharts/jobcharts/pkg/render"
	"github.com/jobcharts/jobcharts/pkg/render/rendertest"
)

// jobManagerProbes renders a descriptor and returns the probe script from the ConfigMap
// and the JobManager container's startup, liveness and readiness probe commands.
func jobManagerProbes(t *testing.T) (script string, probes map[string][]string, jobID string) {
	t.Helper()
	job, err := render.Prepare("../../tests/golden/ha-kubernetes-1.20/descriptor.yaml", render.Settings{GitCommit: "0123456"})
	require.NoError(t, err)
	ms, err := job.Render(render.Settings{})
	require.NoError(t, err)
	probes = map[string][]string{}
	for _, m := range ms {
		obj, err := rendertest.Decode(m)
		require.NoError(t, err)
		switch o := obj.(type) {
		case *corev1.ConfigMap:
			script = o.Data["probe.sh"]
		case *appsv1.Deployment:
			for _, c := range o.Spec.Template.Spec.Containers {
				if c.Name == "jobmanager" {
					probes["startup"] = c.StartupProbe.Exec.Command
					probes["liveness"] = c.LivenessProbe.Exec.Command
					probes["readiness"] = c.ReadinessProbe.Exec.Command
				}
			}
		}
	}
	require.NotEmpty(t, script)
	require.Len(t, probes, 3)
	jobID = probes["liveness"][len(probes["liveness"])-1]
	require.Regexp(t, `^[0-9a-f]{32}$`, jobID)
	return script, probes, jobID
}

// runProbe runs a probe command as the kubelet would, with the script at the path the
// command names mapped into a temp dir and the REST endpoint pointed at url.
func runProbe(t *testing.T, script string, command []string, url string) int {
	t.Helper()
	require.Equal(t, []string{"bash", "/opt/flink/conf/probe.sh"}, command[:2])
	path := filepath.Join(t.TempDir(), "probe.sh")
	require.NoError(t, os.WriteFile(path, []byte(script), 0o755))
	args := append([]string{path}, command[2:]...)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, command[0], args...)
	cmd.Env = append(os.Environ(), "FLINK_PROBE_URL="+url)
	out, err := cmd.CombinedOutput()
	t.Logf("%s -> %s", strings.Join(command[2:], " "), strings.TrimSpace(string(out)))
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

// flinkREST fakes GET /jobs/<id> of the Flink REST API.
func flinkREST(t *testing.T, jobID string, status int, state string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jobs/"+jobID || status == http.StatusNotFound {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"errors":["Job could not be found."]}`)
			return
		}
		if status != http.StatusOK {
			w.WriteHeader(status)
			fmt.Fprint(w, `{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}`)
			return
		}
		// Shaped like JobDetailsInfo: vertices carry "status", only the job has "state".
		fmt.Fprintf(w, `{"jid":"%s","name":"orders","isStoppable":false,"state":"%s","job-type":"STREAMING","start-time":1,"end-time":-1,`+
			`"timestamps":{"RUNNING":2,"CREATED":1},"vertices":[{"id":"v1","name":"Source: \"state\":\"SUSPENDED\"","status":"RUNNING"}],`+
			`"status-counts":{"RUNNING":1}}`, jobID, state)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestJobManagerProbes(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("the probe test needs curl (as the Flink image has): apt-get install -y curl")
	}
	script, probes, jobID := jobManagerProbes(t)
	type want struct{ startup, liveness, readiness int }
	alive := want{0, 0, 1}
	cases := []struct {
		name   string
		status int
		state  string
		want   want
	}{
		{"running", 200, "RUNNING", want{0, 0, 0}},
		{"initializing", 200, "INITIALIZING", alive},
		{"created", 200, "CREATED", alive},
		{"restarting", 200, "RESTARTING", alive},
		{"reconciling", 200, "RECONCILING", alive},
		{"failing", 200, "FAILING", alive},
		{"cancelling", 200, "CANCELLING", alive},
		// A globally terminal job stays alive: a restart cannot bring it back.
		{"finished", 200, "FINISHED", alive},
		{"failed", 200, "FAILED", alive},
		{"canceled", 200, "CANCELED", alive},
		{"suspended", 200, "SUSPENDED", want{0, 1, 1}},
		{"job missing", 404, "", want{1, 1, 1}},
		{"leader election 503", 503, "", want{1, 1, 1}},
		// No job submitted yet (empty /jobs list): Flink answers 404 for the id.
		{"empty job list", 404, "", want{1, 1, 1}},
		// 200 without a state (a future REST shape): alive, never ready.
		{"no state in answer", 200, "", want{0, 0, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := flinkREST(t, jobID, c.status, c.state)
			if c.name == "no state in answer" {
				srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{}`) })
			}
			got := want{
				runProbe(t, script, probes["startup"], srv.URL),
				runProbe(t, script, probes["liveness"], srv.URL),
				runProbe(t, script, probes["readiness"], srv.URL),
			}
			require.Equal(t, c.want, got, "exit codes of startup, liveness, readiness")
		})
	}
	t.Run("dead server", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		for _, mode := range []string{"startup", "liveness", "readiness"} {
			require.Equal(t, 1, runProbe(t, script, probes[mode], url), mode)
		}
	})
}
