//go:build tools

// Package tools pins the helm v3 CLI the e2e suite drives (see hack/tools.sh).
package tools

import _ "helm.sh/helm/v3/cmd/helm"
