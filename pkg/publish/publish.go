// Package publish uploads chart packages to a chart repository: a ChartMuseum-compatible
// HTTP repository (POST /api/charts) or an OCI registry (oci://host/path).
package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/registry"
	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/jobcharts/jobcharts/pkg/jobchart"
)

// Environment variables holding repository credentials; they are never flags, so they
// stay out of shell histories and process listings.
const (
	EnvUsername = "JOBCHARTS_REPO_USERNAME"
	EnvPassword = "JOBCHARTS_REPO_PASSWORD"
	EnvToken    = "JOBCHARTS_REPO_TOKEN"
)

// Credentials for the repository. A token is sent as a bearer token and wins over
// username and password.
type Credentials struct {
	Username, Password, Token string
}

// CredentialsFromEnv reads JOBCHARTS_REPO_USERNAME, JOBCHARTS_REPO_PASSWORD and
// JOBCHARTS_REPO_TOKEN.
func CredentialsFromEnv() Credentials {
	return Credentials{Username: os.Getenv(EnvUsername), Password: os.Getenv(EnvPassword), Token: os.Getenv(EnvToken)}
}

// Options of a push.
type Options struct {
	// Repo is https://host[/path] (ChartMuseum API) or oci://host[/path].
	Repo string
	// Force overwrites an existing chart version with different content (ChartMuseum
	// ?force; for OCI, moving the version's tag).
	Force bool
	// PlainHTTP allows http:// and OCI without TLS, to loopback hosts only.
	PlainHTTP bool
	// Credentials; CredentialsFromEnv in the CLI.
	Credentials Credentials
	// HTTPClient for ChartMuseum; nil means a client with a 5-minute timeout.
	HTTPClient *http.Client
}

// AddFlags binds the options to command-line flags (credentials are not flags).
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Repo, "repo", "", "chart repository: https://HOST[/PATH] (ChartMuseum API) or oci://HOST[/PATH]")
	fs.BoolVar(&o.Force, "force", false, "overwrite a chart version that already exists with other content")
	fs.BoolVar(&o.PlainHTTP, "plain-http", false, "allow plain HTTP, to a loopback host only (tests)")
}

// Validate checks the options themselves (usage errors).
func (o *Options) Validate() error {
	if o.Repo == "" {
		return errors.New("--repo is required")
	}
	u, err := url.Parse(o.Repo)
	if err != nil {
		return fmt.Errorf("--repo %q: %w", o.Repo, err)
	}
	switch u.Scheme {
	case "https":
	case "oci":
	case "http":
		if !o.PlainHTTP {
			return fmt.Errorf("--repo %q is plain HTTP: use https, or --plain-http for a loopback test server", o.Repo)
		}
	default:
		return fmt.Errorf("--repo %q: the scheme must be https, oci (or http with --plain-http)", o.Repo)
	}
	if u.Host == "" {
		return fmt.Errorf("--repo %q has no host", o.Repo)
	}
	if o.PlainHTTP && !isLoopback(u.Hostname()) {
		return fmt.Errorf("--plain-http is allowed only for loopback hosts (localhost, 127.0.0.0/8, ::1), not %q", u.Hostname())
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Result of pushing one package.
type Result struct {
	// Ref is where the chart went: the upload URL or the OCI reference.
	Ref string
	// Digest is the OCI manifest digest (empty for ChartMuseum).
	Digest string
	// Unchanged means the repository already had exactly this package: nothing was pushed.
	Unchanged bool
}

// Push uploads one chart package (the bytes of NAME-VERSION.tgz).
func Push(ctx context.Context, data []byte, o Options) (*Result, error) {
	ch, err := loader.LoadArchive(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a chart package: %w", err)
	}
	name, version := ch.Metadata.Name, ch.Metadata.Version
	if strings.HasPrefix(o.Repo, "oci://") {
		return pushOCI(data, name, version, o)
	}
	return pushChartMuseum(ctx, data, name, version, o)
}

// ErrExists is returned when the repository already has the chart version.
var ErrExists = errors.New("chart version already exists")

// uploadURL maps a repository URL to its ChartMuseum upload endpoint: the repository at
// https://host/org/repo uploads to https://host/api/org/repo/charts (multi-tenant),
// https://host to https://host/api/charts.
func uploadURL(repo string, force bool) (string, error) {
	u, err := url.Parse(repo)
	if err != nil {
		return "", err
	}
	u.Path = "/api" + strings.TrimSuffix(u.Path, "/") + "/charts"
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	if force {
		u.RawQuery = "force"
	}
	return u.String(), nil
}

func pushChartMuseum(ctx context.Context, data []byte, name, version string, o Options) (*Result, error) {
	target, err := uploadURL(o.Repo, o.Force)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/gzip")
	switch c := o.Credentials; {
	case c.Token != "":
		req.Header.Set("Authorization", "Bearer "+c.Token)
	case c.Username != "" || c.Password != "":
		req.SetBasicAuth(c.Username, c.Password)
	}
	client := o.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Minute}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("pushing %s-%s: %w", name, version, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	msg := strings.TrimSpace(string(body))
	switch {
	case resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK:
		return &Result{Ref: target}, nil
	case resp.StatusCode == http.StatusConflict:
		return nil, fmt.Errorf("pushing %s-%s to %s: %w (%s); publish a new version, or overwrite with --force", name, version, o.Repo, ErrExists, msg)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("pushing %s-%s to %s: %s (%s); set %s and %s, or %s", name, version, o.Repo, resp.Status, msg, EnvUsername, EnvPassword, EnvToken)
	default:
		return nil, fmt.Errorf("pushing %s-%s to %s: %s (%s)", name, version, o.Repo, resp.Status, msg)
	}
}

func pushOCI(data []byte, name, version string, o Options) (*Result, error) {
	opts := []registry.ClientOption{registry.ClientOptWriter(io.Discard)}
	if o.PlainHTTP {
		opts = append(opts, registry.ClientOptPlainHTTP())
	}
	if c := o.Credentials; c.Token != "" || c.Username != "" {
		authorizer := auth.Client{Client: http.DefaultClient, Cache: auth.NewCache()}
		cred := auth.Credential{Username: c.Username, Password: c.Password}
		if c.Token != "" {
			cred = auth.Credential{AccessToken: c.Token}
		}
		authorizer.Credential = auth.StaticCredential(strings.SplitN(strings.TrimPrefix(o.Repo, "oci://"), "/", 2)[0], cred)
		opts = append(opts, registry.ClientOptAuthorizer(authorizer))
	}
	client, err := registry.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	_, created, err := jobchart.ReadPackage(data)
	if err != nil {
		return nil, err
	}
	repo := strings.TrimSuffix(strings.TrimPrefix(o.Repo, "oci://"), "/") + "/" + name
	ref := repo + ":" + version
	// A version is published once: the same package again is a no-op (pipelines rerun),
	// other content under that version is refused unless --force moves the tag.
	if tags, err := client.Tags(repo); err == nil && slices.Contains(tags, version) {
		existing, err := client.Pull(ref)
		if err != nil {
			return nil, fmt.Errorf("reading the published %s-%s from %s: %w", name, version, o.Repo, ociHint(err))
		}
		if bytes.Equal(existing.Chart.Data, data) {
			return &Result{Ref: ref, Digest: existing.Manifest.Digest, Unchanged: true}, nil
		}
		if !o.Force {
			return nil, fmt.Errorf("pushing %s-%s to %s: %w with other content (manifest %s); publish a new version, or replace it with --force", name, version, o.Repo, ErrExists, existing.Manifest.Digest)
		}
	}
	// The manifest's org.opencontainers.image.created is the package's own time, so the
	// same package gives the same manifest digest.
	res, err := client.Push(data, ref, registry.PushOptCreationTime(created.UTC().Format(time.RFC3339)))
	if err != nil {
		return nil, fmt.Errorf("pushing %s-%s to %s: %w", name, version, o.Repo, ociHint(err))
	}
	return &Result{Ref: res.Ref, Digest: res.Manifest.Digest}, nil
}

// ociHint adds what to do to the registry client's authentication errors, which do
// not say where jobcharts takes credentials from.
func ociHint(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "credential not found") || strings.Contains(msg, "401") || strings.Contains(msg, "unauthorized") {
		return fmt.Errorf("%w; set JOBCHARTS_REPO_USERNAME and JOBCHARTS_REPO_PASSWORD, or JOBCHARTS_REPO_TOKEN", err)
	}
	return err
}
