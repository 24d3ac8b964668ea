// Command pulumi-resource-libvirt is the libvirt resource provider plugin. Its schema is the
// schema.json that pulumi-tfgen-libvirt wrote next to this file before the build (tools/setup).
package main

import (
	_ "embed"

	"github.com/openshift-hard-way/tools/plugins/libvirt/provider"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
)

//go:embed schema.json
var schema []byte

func main() {
	tfbridge.Main("libvirt", provider.Version, provider.Info(), schema)
}
