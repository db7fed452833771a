//go:build tools

// Package tools pins the CNCF distribution registry the e2e suite pushes charts to and
// installs them from (TestOCIRepository, see hack/tools.sh).
package tools

import _ "github.com/distribution/distribution/v3/cmd/registry"
