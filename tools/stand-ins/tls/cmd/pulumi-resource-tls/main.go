// Command pulumi-resource-tls is a stand-in for the Pulumi TLS provider plugin.
//
// The real plugin, pulumi-resource-tls v5.6.1, cannot be obtained on this machine: the Go module
// proxy answers "403 Forbidden: This module version is not available" for
// github.com/pulumi/pulumi-tls/provider/v5 at every version. This plugin implements the four
// resources of @pulumi/tls 5.6.1 (PrivateKey, SelfSignedCert, CertRequest, LocallySignedCert) on
// Go's crypto/x509, so the unchanged npm SDK can drive it (README.md in this module's folder says
// what it lacks and how to use the real one instead). Build with
//
//	go build -trimpath -ldflags "-s -w -X main.Version=5.6.1" -o pulumi-resource-tls ./cmd/pulumi-resource-tls
//
// and install with `pulumi plugin install resource tls 5.6.1 --file pulumi-resource-tls`.
package main

import (
	"github.com/openshift-hard-way/tools/plugins/providerbase"
	"github.com/openshift-hard-way/tools/stand-ins/tls/provider"
)

// Version is the plugin version reported to the Pulumi engine; set it at link time with
// -ldflags "-X main.Version=5.6.1". It must match the "pulumi" version in @pulumi/tls's package.json.
var Version = "5.6.1"

func main() {
	providerbase.Main("pulumi-resource-tls", provider.NewServer(Version))
}
