//go:build tools

// Package tools pins the Kubernetes control-plane binaries the e2e suite runs
// (see hack/tools.sh). k8s.io/kubernetes cannot be `go install`ed because its
// go.mod replaces the staging modules with local paths, so this module replaces
// them with the published versions instead.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
