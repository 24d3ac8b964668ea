// Command pulumi-resource-openshift-hard-way is the resource plugin of this project's own custom
// resources (package openshift-hard-way; see the provider package). Built and installed by
// tools/setup:
//
//	go build -trimpath -ldflags "-s -w -X main.Version=0.1.0" -o pulumi-resource-openshift-hard-way ./cmd/pulumi-resource-openshift-hard-way
//	pulumi plugin install resource openshift-hard-way 0.1.0 --file pulumi-resource-openshift-hard-way
package main

import (
	"github.com/openshift-hard-way/tools/plugins/assets/provider"
	"github.com/openshift-hard-way/tools/plugins/providerbase"
)

// Version is the plugin version reported to the Pulumi engine; set at link time from
// tools/versions.sh. The program asks for this version (components/assets/resource.ts).
var Version = "0.1.0"

func main() {
	providerbase.Main("pulumi-resource-openshift-hard-way", provider.NewServer(Version))
}
