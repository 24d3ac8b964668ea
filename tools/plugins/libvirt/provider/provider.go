// Package provider maps the Terraform libvirt provider (dmacvicar/terraform-provider-libvirt
// v0.7.6, the generation with libvirt_ignition, Domain.coreos_ignition and Volume.base_volume_id)
// onto Pulumi through pulumi-terraform-bridge.
//
// The pulumi-libvirt module (github.com/pulumi/pulumi-libvirt/provider) is not served by the Go
// module proxy at any version, so this module rebuilds the same bridge from its served parts. The
// tokens follow pulumi-libvirt's naming (libvirt:index/domain:Domain, ...), so a program written
// against this SDK reads like one written against pulumi-libvirt 0.4.x, which wraps the same
// upstream release.
package provider

import (
	"github.com/dmacvicar/terraform-provider-libvirt/libvirt"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
)

// Version is the plugin version; it is the upstream Terraform provider's version, since that is
// the code that talks to libvirtd. Overridden at link time by tools/setup.
var Version = "0.7.6"

// Info returns the bridge description of the libvirt provider. It panics if a Terraform
// resource cannot be given a Pulumi token (only possible if the upstream gains a resource whose
// name does not start with "libvirt_").
func Info() tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:           shimv2.NewProvider(libvirt.Provider()),
		Name:        "libvirt",
		Version:     Version,
		Description: "libvirt resources (networks, pools, volumes, domains, Ignition) bridged from dmacvicar/terraform-provider-libvirt v0.7.6.",
		Keywords:    []string{"pulumi", "libvirt"},
		License:     "Apache-2.0",
		GitHubOrg:   "dmacvicar",
		Repository:  "https://github.com/dmacvicar/terraform-provider-libvirt",
		Config: map[string]*tfbridge.SchemaInfo{
			// The connection URI; like virsh, fall back to LIBVIRT_DEFAULT_URI.
			"uri": {Default: &tfbridge.DefaultInfo{EnvVars: []string{"LIBVIRT_DEFAULT_URI"}}},
		},
		JavaScript: &tfbridge.JavaScriptInfo{
			PackageName:          "@pulumi/libvirt",
			Dependencies:         map[string]string{"@pulumi/pulumi": "^3.0.0"},
			RespectSchemaVersion: true,
		},
	}
	// libvirt_domain -> libvirt:index/domain:Domain, as pulumi-libvirt names them.
	info.MustComputeTokens(tokens.SingleModule("libvirt_", "index", tokens.MakeStandard("libvirt")))
	return info
}
