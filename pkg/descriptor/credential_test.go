package descriptor

import "testing"

func TestCredentialIn(t *testing.T) {
	for value, want := range map[string]string{
		"AKIAIOSFODNN7EXAMPLE":                          "an AWS access key id",
		"--key=ASIAIOSFODNN7EXAMPLE":                    "an AWS access key id",
		"-----BEGIN OPENSSH PRIVATE KEY----- b3Blbn":    "a private key",
		"postgres://etl:hunter2@db:5432/clicks":         "a password in a URI (user:password@host)",
		"redis://:hunter2@cache:6379":                   "a password in a URI (user:password@host)",
		`PlainLoginModule required password="hunter2";`: `a password (password="...")`,
		// Not credentials: look-alikes, references and placeholders.
		"s3://bucket/checkpoints":              "",
		"s3://bucket@region/path":              "",
		"hdfs://namenode:8020/flink":           "",
		"http://user@host:8080/path":           "",
		"postgres://etl:${DB_PASSWORD}@db/x":   "",
		`password="$DB_PASSWORD"`:              "",
		"AKIAIOSFODNN7EXAMPL":                  "", // one character short
		"XAKIAIOSFODNN7EXAMPLE":                "",
		"-----BEGIN CERTIFICATE----- MIIB":     "",
		"{{ .Release.Name }}/{{ fail \"x\" }}": "",
	} {
		if got := credentialIn(value); got != want {
			t.Errorf("credentialIn(%q) = %q, want %q", value, got, want)
		}
	}
}
