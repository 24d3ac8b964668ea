// Package provider is a stand-in for the Pulumi TLS provider plugin (pulumi-resource-tls).
//
// The npm SDK @pulumi/tls 5.6.1 is available to this project, but its plugin binary is not: the
// Go module proxy answers "403 Forbidden: This module version is not available" for
// github.com/pulumi/pulumi-tls/provider/v5 at every version (and that module's go.mod replaces
// the Terraform TLS provider with a directory outside the module, so it could not be built from
// the proxy anyway). This package implements the four resources of @pulumi/tls 5.6.1 —
// tls:index/privateKey:PrivateKey, tls:index/selfSignedCert:SelfSignedCert,
// tls:index/certRequest:CertRequest and tls:index/locallySignedCert:LocallySignedCert — with
// the same tokens, property names, defaults and secretness, following the semantics of
// hashicorp/terraform-provider-tls v4, on Go's crypto/x509 (plus golang.org/x/crypto/ssh for the
// OpenSSH encodings). It speaks the Pulumi ResourceProvider gRPC protocol directly.
package provider
