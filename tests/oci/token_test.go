package oci

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/distribution/distribution/v3/configuration"
	_ "github.com/distribution/distribution/v3/registry/auth/token"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/registry"
	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/jobcharts/jobcharts/pkg/publish"
)

const (
	tokenIssuer  = "jobcharts-test-token-service"
	tokenService = "jobcharts-test-registry"
)

// access is one entry of a registry token's "access" claim: the actions granted on a
// repository (Docker's token authentication specification).
type access struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

// tokenClaims are the claims a registry token service signs.
type tokenClaims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"`
	Audience  string   `json:"aud"`
	Expiry    int64    `json:"exp"`
	NotBefore int64    `json:"nbf"`
	IssuedAt  int64    `json:"iat"`
	ID        string   `json:"jti"`
	Access    []access `json:"access"`
}

// tokenIssuerKey is the test's token service: an ECDSA key and its self-signed
// certificate, which the registry trusts through its rootcertbundle.
type tokenIssuerKey struct {
	key  *ecdsa.PrivateKey
	cert []byte // DER
}

func newTokenIssuerKey(t *testing.T) *tokenIssuerKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: tokenIssuer},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return &tokenIssuerKey{key: key, cert: der}
}

// sign issues a registry token (ES256 JWS with the certificate in x5c) for the access
// items, valid from an hour before exp until exp.
func (k *tokenIssuerKey) sign(t *testing.T, exp time.Time, items ...access) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("x5c", []string{base64.StdEncoding.EncodeToString(k.cert)})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k.key}, opts)
	require.NoError(t, err)
	raw, err := jwt.Signed(signer).Claims(tokenClaims{
		Issuer:    tokenIssuer,
		Subject:   "ci",
		Audience:  tokenService,
		Expiry:    exp.Unix(),
		NotBefore: exp.Add(-time.Hour).Unix(),
		IssuedAt:  exp.Add(-time.Hour).Unix(),
		ID:        "test-" + exp.Format(time.RFC3339Nano),
		Access:    items,
	}).Serialize()
	require.NoError(t, err)
	return raw
}

func repoAccess(name string, actions ...string) access {
	return access{Type: "repository", Name: name, Actions: actions}
}

// startTokenRegistry serves an in-memory registry on 127.0.0.1 with token auth: it
// accepts bearer tokens signed by the issuer's key and challenges with a realm that
// fails the test if anything asks it for a token (a JOBCHARTS_REPO_TOKEN is the access
// token itself, sent as it is).
func startTokenRegistry(t *testing.T, issuer *tokenIssuerKey) string {
	t.Helper()
	var realmHits atomic.Int32
	realm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		realmHits.Add(1)
		http.Error(w, "the test's token service issues no tokens", http.StatusForbidden)
	}))
	t.Cleanup(func() {
		realm.Close()
		if n := realmHits.Load(); n != 0 {
			t.Errorf("the token service's realm was asked for a token %d times; the access token should be used as it is", n)
		}
	})
	bundle := filepath.Join(t.TempDir(), "token-issuer.pem")
	require.NoError(t, os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: issuer.cert}), 0o600))
	config := &configuration.Configuration{
		Storage: configuration.Storage{
			"inmemory":    configuration.Parameters{},
			"maintenance": configuration.Parameters{"uploadpurging": map[any]any{"enabled": false}},
		},
		Auth: configuration.Auth{"token": configuration.Parameters{
			"realm":          realm.URL + "/token",
			"service":        tokenService,
			"issuer":         tokenIssuer,
			"rootcertbundle": bundle,
		}},
	}
	return serveRegistry(t, config)
}

// bearerClient is Helm's registry client sending a fixed access token.
func bearerClient(t *testing.T, host, token string) *registry.Client {
	t.Helper()
	authorizer := auth.Client{Client: http.DefaultClient, Credential: auth.StaticCredential(host, auth.Credential{AccessToken: token})}
	c, err := registry.NewClient(registry.ClientOptPlainHTTP(), registry.ClientOptWriter(io.Discard), registry.ClientOptAuthorizer(authorizer))
	require.NoError(t, err)
	return c
}

// pushWithEnvToken pushes the way `gen push` does: credentials from the environment,
// with JOBCHARTS_REPO_TOKEN set to token and no username or password.
func pushWithEnvToken(t *testing.T, host, token string, data []byte) (*publish.Result, error) {
	t.Helper()
	t.Setenv(publish.EnvUsername, "")
	t.Setenv(publish.EnvPassword, "")
	t.Setenv(publish.EnvToken, token)
	o := publish.Options{Repo: "oci://" + host + "/jobs", PlainHTTP: true}
	require.NoError(t, o.Validate())
	o.Credentials = publish.CredentialsFromEnv()
	return publish.Push(context.Background(), data, o)
}

func TestPushToOCIRegistryWithToken(t *testing.T) {
	t.Setenv("HELM_REGISTRY_CONFIG", filepath.Join(t.TempDir(), "config.json"))
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	issuer := newTokenIssuerKey(t)
	host := startTokenRegistry(t, issuer)
	const repo = "jobs/clickstream-enricher"
	exp := time.Now().Add(time.Hour)
	pushToken := issuer.sign(t, exp, repoAccess(repo, "pull", "push"))
	pullToken := issuer.sign(t, exp, repoAccess(repo, "pull"))

	// Without a token the registry refuses, with its Bearer challenge.
	resp, err := http.Get("http://" + host + "/v2/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.True(t, strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer realm="), resp.Header.Get("WWW-Authenticate"))

	data := pkg(t, "1.0.0")
	res, err := pushWithEnvToken(t, host, pushToken, data)
	require.NoError(t, err)
	require.Equal(t, host+"/"+repo+":1.0.0", res.Ref)
	require.True(t, strings.HasPrefix(res.Digest, "sha256:"), res.Digest)

	// A rerun with the token sees the published version (it reads tags and the manifest).
	same, err := pushWithEnvToken(t, host, pushToken, data)
	require.NoError(t, err)
	require.True(t, same.Unchanged)
	require.Equal(t, res.Digest, same.Digest)

	// The registry serves the manifest under the pushed digest, to a pull-only token.
	req, err := http.NewRequest(http.MethodHead, "http://"+host+"/v2/"+repo+"/manifests/1.0.0", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+pullToken)
	req.Header.Set("Accept", "application/vnd.oci.image.manifest.v1+json")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, res.Digest, resp.Header.Get("Docker-Content-Digest"))

	// Helm pulls back exactly the package bytes.
	pulled, err := bearerClient(t, host, pullToken).Pull(res.Ref)
	require.NoError(t, err)
	require.Equal(t, data, pulled.Chart.Data)
	require.Equal(t, res.Digest, pulled.Manifest.Digest)

	// Tokens that do not grant push on the repository are refused, with what to set.
	next := pkg(t, "1.0.1")
	refused := map[string]string{
		"another repository": issuer.sign(t, exp, repoAccess("other/clickstream-enricher", "pull", "push")),
		"pull only":          pullToken,
		"expired":            issuer.sign(t, time.Now().Add(-10*time.Minute), repoAccess(repo, "pull", "push")),
		"untrusted signer":   newTokenIssuerKey(t).sign(t, exp, repoAccess(repo, "pull", "push")),
	}
	for name, token := range refused {
		t.Run(name, func(t *testing.T) {
			_, err := pushWithEnvToken(t, host, token, next)
			require.Error(t, err)
			msg := err.Error()
			t.Log(msg)
			require.Contains(t, msg, "pushing clickstream-enricher-1.0.1 to oci://"+host+"/jobs")
			require.Contains(t, msg, "401")
			require.Contains(t, msg, "set JOBCHARTS_REPO_USERNAME and JOBCHARTS_REPO_PASSWORD, or JOBCHARTS_REPO_TOKEN")
			require.NotContains(t, msg, token, "the error must not print the token")
		})
	}

	// Nothing refused landed.
	tags, err := bearerClient(t, host, pullToken).Tags(host + "/" + repo)
	require.NoError(t, err)
	require.Equal(t, []string{"1.0.0"}, tags)
}
