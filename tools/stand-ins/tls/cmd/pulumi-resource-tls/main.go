// Command pulumi-resource-tls is a stand-in for the Pulumi TLS provider plugin.
//
// The real plugin, pulumi-resource-tls v5.6.1, cannot be obtained on this machine: the Go module
// proxy answers "403 Forbidden: This module version is not available" for
// github.com/pulumi/pulumi-tls/provider/v5 at every version. This plugin implements the four
// resources of @pulumi/tls 5.6.1 (PrivateKey, SelfSignedCert, CertRequest, LocallySignedCert) on
// Go's crypto/x509, so the unchanged npm SDK can drive it. Build with
//
//	go build -trimpath -ldflags "-s -w -X main.Version=5.6.1" -o pulumi-resource-tls ./cmd/pulumi-resource-tls
//
// and install with `pulumi plugin install resource tls 5.6.1 --file pulumi-resource-tls`.
package main

import (
	"fmt"
	"os"

	"github.com/openshift-hard-way/tools/stand-ins/tls/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Version is the plugin version reported to the Pulumi engine; set it at link time with
// -ldflags "-X main.Version=5.6.1". It must match the "pulumi" version in @pulumi/tls's package.json.
var Version = "5.6.1"

func main() {
	srv := provider.NewServer(Version)
	// The engine passes its own address as the first argument; this provider never calls back.
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(s, srv)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-tls: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-tls: %v\n", err)
		os.Exit(1)
	}
}
