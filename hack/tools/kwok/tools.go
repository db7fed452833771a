//go:build tools

// Package tools pins kwok, the controller that simulates nodes and pods for the
// e2e suite (see hack/tools.sh).
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
