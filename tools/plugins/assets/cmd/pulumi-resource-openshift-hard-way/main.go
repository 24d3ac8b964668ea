// Command pulumi-resource-openshift-hard-way is the resource plugin of this project's own custom
// resources (package openshift-hard-way; see the provider package). Built and installed by
// tools/setup:
//
//	go build -trimpath -ldflags "-s -w -X main.Version=0.1.0" -o pulumi-resource-openshift-hard-way ./cmd/pulumi-resource-openshift-hard-way
//	pulumi plugin install resource openshift-hard-way 0.1.0 --file pulumi-resource-openshift-hard-way
package main

import (
	"fmt"
	"os"

	"github.com/openshift-hard-way/tools/plugins/assets/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Version is the plugin version reported to the Pulumi engine; set at link time from
// tools/versions.sh. The program asks for this version (components/assets.ts).
var Version = "0.1.0"

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
		fmt.Fprintf(os.Stderr, "pulumi-resource-openshift-hard-way: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-openshift-hard-way: %v\n", err)
		os.Exit(1)
	}
}
