// Command pulumi-tfgen-libvirt writes the Pulumi schema of the bridged libvirt provider
// (`pulumi-tfgen-libvirt schema --out DIR` writes DIR/schema.json).
package main

import (
	"github.com/openshift-hard-way/tools/plugins/libvirt/provider"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
)

func main() {
	tfgen.Main("libvirt", provider.Version, provider.Info())
}
