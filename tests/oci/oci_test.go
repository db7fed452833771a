// Package oci tests `gen push` against a real OCI registry: CNCF distribution, started
// in-process on loopback. It is its own module so the registry's dependencies (otel,
// grpc, redis clients, ...) stay out of the generator's go.mod.
package oci

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/distribution/distribution/v3/configuration"
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	"github.com/distribution/distribution/v3/registry/handlers"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
	"helm.sh/helm/v3/pkg/registry"

	"github.com/jobcharts/jobcharts/pkg/jobchart"
	"github.com/jobcharts/jobcharts/pkg/publish"
	"github.com/jobcharts/jobcharts/pkg/render"
)

// startRegistry serves an in-memory registry on 127.0.0.1 with htpasswd basic auth.
func startRegistry(t *testing.T, user, password string) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	require.NoError(t, err)
	htpasswd := filepath.Join(t.TempDir(), "htpasswd")
	require.NoError(t, os.WriteFile(htpasswd, []byte(user+":"+string(hash)+"\n"), 0o600))
	config := &configuration.Configuration{
		Storage: configuration.Storage{
			"inmemory":    configuration.Parameters{},
			"maintenance": configuration.Parameters{"uploadpurging": map[any]any{"enabled": false}},
		},
		Auth: configuration.Auth{"htpasswd": configuration.Parameters{"realm": "test", "path": htpasswd}},
	}
	return serveRegistry(t, config)
}

// serveRegistry runs a distribution registry with config on loopback until the test
// ends and returns its host:port.
func serveRegistry(t *testing.T, config *configuration.Configuration) string {
	config.Log.Level = "error"
	config.HTTP.Secret = "test-secret"
	srv := httptest.NewServer(handlers.NewApp(context.Background(), config))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func pkg(t *testing.T, version string) []byte {
	t.Helper()
	return pkgAt(t, version, "0123456789abcdef")
}

// pkgAt packages the example as of a commit (the commit is in Chart.yaml and the values).
func pkgAt(t *testing.T, version, commit string) []byte {
	t.Helper()
	job, err := render.Prepare("../../examples/clickstream-enricher.yaml", render.Settings{GitCommit: commit})
	require.NoError(t, err)
	c, err := jobchart.Build(job, jobchart.Options{Version: version, Time: time.Unix(1700000000, 0)})
	require.NoError(t, err)
	data, err := c.Package()
	require.NoError(t, err)
	return data
}

func TestPushToOCIRegistry(t *testing.T) {
	t.Setenv("HELM_REGISTRY_CONFIG", filepath.Join(t.TempDir(), "config.json"))
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	host := startRegistry(t, "ci", "s3cret")
	data := pkg(t, "1.0.0")
	o := publish.Options{Repo: "oci://" + host + "/jobs", PlainHTTP: true, Credentials: publish.Credentials{Username: "ci", Password: "s3cret"}}
	require.NoError(t, o.Validate())

	res, err := publish.Push(context.Background(), data, o)
	require.NoError(t, err)
	require.Equal(t, host+"/jobs/clickstream-enricher:1.0.0", res.Ref)
	require.True(t, strings.HasPrefix(res.Digest, "sha256:"), res.Digest)

	// The same package pushed elsewhere has the same manifest digest: the creation
	// time is the package's, not now.
	again := o
	again.Repo = "oci://" + host + "/mirror"
	res2, err := publish.Push(context.Background(), data, again)
	require.NoError(t, err)
	require.Equal(t, res.Digest, res2.Digest)

	// A version is published once: the same bytes again change nothing (a pipeline rerun)...
	same, err := publish.Push(context.Background(), data, o)
	require.NoError(t, err)
	require.True(t, same.Unchanged)
	require.Equal(t, res.Digest, same.Digest)
	// ...other bytes under that version are refused, unless --force moves the tag.
	other := pkgAt(t, "1.0.0", "fedcba9876543210")
	_, err = publish.Push(context.Background(), other, again)
	require.ErrorIs(t, err, publish.ErrExists)
	require.ErrorContains(t, err, "--force")
	forced := again
	forced.Force = true
	moved, err := publish.Push(context.Background(), other, forced)
	require.NoError(t, err)
	require.NotEqual(t, res.Digest, moved.Digest)

	// Helm pulls back exactly the package bytes, with the manifest annotations it expects.
	client, err := registry.NewClient(registry.ClientOptPlainHTTP(), registry.ClientOptBasicAuth("ci", "s3cret"))
	require.NoError(t, err)
	pulled, err := client.Pull(res.Ref)
	require.NoError(t, err)
	require.Equal(t, data, pulled.Chart.Data)
	require.Equal(t, "clickstream-enricher", pulled.Chart.Meta.Name)
	require.Equal(t, res.Digest, pulled.Manifest.Digest)
	var manifest struct {
		Annotations map[string]string `json:"annotations"`
	}
	require.NoError(t, json.Unmarshal(pulled.Manifest.Data, &manifest))
	require.Equal(t, time.Unix(1700000000, 0).UTC().Format(time.RFC3339), manifest.Annotations["org.opencontainers.image.created"])

	// Wrong credentials are refused.
	bad := o
	bad.Credentials.Password = "wrong"
	_, err = publish.Push(context.Background(), pkg(t, "1.0.1"), bad)
	require.Error(t, err)
	require.Contains(t, fmt.Sprint(err), "401")
}

func TestRegistryIsReachable(t *testing.T) {
	host := startRegistry(t, "ci", "s3cret")
	resp, err := http.Get("http://" + host + "/v2/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the registry asks for credentials")
}
