//go:build tools

// Package tools pins the Pulumi CLI so that `go build` can build it from the
// Go module proxy (pkg/v3's own go.mod has a local-path replace, which rules
// out `go install ...@version`).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
