package publish_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/chart/loader"

	"github.com/jobcharts/jobcharts/pkg/jobchart"
	"github.com/jobcharts/jobcharts/pkg/publish"
	"github.com/jobcharts/jobcharts/pkg/render"
)

// chartMuseum implements ChartMuseum's upload API as its README documents it:
// POST /api[/<tenant path>]/charts with the raw .tgz body; 201 {"saved":true};
// 409 {"error":"file already exists"} unless ?force; basic or bearer auth.
type chartMuseum struct {
	mu       sync.Mutex
	charts   map[string][]byte // path + name-version -> package
	user     string
	password string
	token    string
	requests []*http.Request
}

func (m *chartMuseum) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests = append(m.requests, r)
	reply := func(code int, body any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(body)
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/api/") || !strings.HasSuffix(r.URL.Path, "/charts") {
		reply(http.StatusNotFound, map[string]string{"error": "not found"})
		return
	}
	user, password, basic := r.BasicAuth()
	switch {
	case m.token != "" && r.Header.Get("Authorization") == "Bearer "+m.token:
	case m.user != "" && basic && user == m.user && password == m.password:
	case m.token == "" && m.user == "":
	default:
		reply(http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
		return
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		reply(http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	ch, err := loader.LoadArchive(bytes.NewReader(data))
	if err != nil {
		reply(http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	key := r.URL.Path + ":" + ch.Metadata.Name + "-" + ch.Metadata.Version
	_, force := r.URL.Query()["force"]
	if _, exists := m.charts[key]; exists && !force {
		reply(http.StatusConflict, map[string]string{"error": "file already exists"})
		return
	}
	m.charts[key] = data
	reply(http.StatusCreated, map[string]bool{"saved": true})
}

func testPackage(t *testing.T, version string) []byte {
	t.Helper()
	job, err := render.Prepare("../../examples/clickstream-enricher.yaml", render.Settings{GitCommit: "0123456789abcdef"})
	require.NoError(t, err)
	c, err := jobchart.Build(job, jobchart.Options{Version: version, Time: time.Unix(1700000000, 0)})
	require.NoError(t, err)
	data, err := c.Package()
	require.NoError(t, err)
	return data
}

func TestChartMuseumUpload(t *testing.T) {
	cm := &chartMuseum{charts: map[string][]byte{}, user: "ci", password: "s3cret"}
	srv := httptest.NewServer(cm)
	defer srv.Close()
	pkg := testPackage(t, "1.0.0")
	ctx := context.Background()
	o := publish.Options{Repo: srv.URL, PlainHTTP: true, Credentials: publish.Credentials{Username: "ci", Password: "s3cret"}}
	require.NoError(t, o.Validate())

	res, err := publish.Push(ctx, pkg, o)
	require.NoError(t, err)
	require.Equal(t, srv.URL+"/api/charts", res.Ref)
	require.Equal(t, pkg, cm.charts["/api/charts:clickstream-enricher-1.0.0"], "the raw tgz is the body")
	require.Equal(t, "application/gzip", cm.requests[0].Header.Get("Content-Type"))

	_, err = publish.Push(ctx, pkg, o)
	require.ErrorIs(t, err, publish.ErrExists)
	require.ErrorContains(t, err, "file already exists")
	require.ErrorContains(t, err, "--force")

	o.Force = true
	res, err = publish.Push(ctx, pkg, o)
	require.NoError(t, err)
	require.Equal(t, srv.URL+"/api/charts?force", res.Ref)

	bad := o
	bad.Credentials.Password = "wrong"
	_, err = publish.Push(ctx, testPackage(t, "1.0.1"), bad)
	require.ErrorContains(t, err, "401 Unauthorized")
	require.ErrorContains(t, err, publish.EnvPassword)

	tenant := o
	tenant.Repo = srv.URL + "/growth/streaming/"
	tenant.Force = false
	_, err = publish.Push(ctx, pkg, tenant)
	require.NoError(t, err)
	require.Contains(t, cm.charts, "/api/growth/streaming/charts:clickstream-enricher-1.0.0", "multi-tenant repositories upload under /api/<path>/charts")

	_, err = publish.Push(ctx, []byte("not a chart"), o)
	require.ErrorContains(t, err, "not a chart package")
}

func TestChartMuseumBearerToken(t *testing.T) {
	cm := &chartMuseum{charts: map[string][]byte{}, token: "t0ken"}
	srv := httptest.NewServer(cm)
	defer srv.Close()
	o := publish.Options{Repo: srv.URL, PlainHTTP: true, Credentials: publish.Credentials{Token: "t0ken", Username: "ignored", Password: "ignored"}}
	_, err := publish.Push(context.Background(), testPackage(t, "1.0.0"), o)
	require.NoError(t, err)
	require.Equal(t, "Bearer t0ken", cm.requests[0].Header.Get("Authorization"))
	o.Credentials = publish.Credentials{}
	_, err = publish.Push(context.Background(), testPackage(t, "1.0.1"), o)
	require.ErrorContains(t, err, "401")
}

func TestCredentialsFromEnv(t *testing.T) {
	t.Setenv(publish.EnvUsername, "u")
	t.Setenv(publish.EnvPassword, "p")
	t.Setenv(publish.EnvToken, "")
	require.Equal(t, publish.Credentials{Username: "u", Password: "p"}, publish.CredentialsFromEnv())
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		o   publish.Options
		err string
	}{
		{publish.Options{Repo: "https://charts.example.com"}, ""},
		{publish.Options{Repo: "oci://registry.example.com/jobs"}, ""},
		{publish.Options{Repo: "http://127.0.0.1:8080", PlainHTTP: true}, ""},
		{publish.Options{Repo: "oci://localhost:5000/jobs", PlainHTTP: true}, ""},
		{publish.Options{}, "--repo is required"},
		{publish.Options{Repo: "http://charts.example.com"}, "plain HTTP"},
		{publish.Options{Repo: "http://charts.example.com", PlainHTTP: true}, "only for loopback"},
		{publish.Options{Repo: "oci://registry.example.com/jobs", PlainHTTP: true}, "only for loopback"},
		{publish.Options{Repo: "oci://registry.example.com/jobs", Force: true}, ""},
		{publish.Options{Repo: "ftp://x"}, "scheme"},
	} {
		err := c.o.Validate()
		if c.err == "" {
			require.NoError(t, err, c.o.Repo)
		} else {
			require.ErrorContains(t, err, c.err, c.o.Repo)
		}
	}
}
