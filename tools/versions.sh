# Pinned versions of the toolchain that tools/setup builds. One place; the Go modules under
# tools/ and package.json must agree with these (tools/setup checks).
PULUMI_VERSION=3.248.0          # CLI (pkg/v3), language host, and the @pulumi/pulumi npm package
LIBVIRT_PLUGIN_VERSION=0.7.6    # the bridged dmacvicar/terraform-provider-libvirt release
TLS_PLUGIN_VERSION=5.6.1        # what the pinned @pulumi/tls npm package declares (tools/stand-ins/tls)
OTHW_PLUGIN_VERSION=0.1.0       # our own plugin (tools/plugins/assets); components/assets/resource.ts asks for it
TYPESCRIPT_VERSION=5.9.3        # @pulumi/pulumi wants typescript < 7
TYPES_NODE_VERSION=20.19.43
KUBE_VERSION=1.31.14           # k8s.io/kubernetes for the rehearsal's binaries (tools/rehearse.d/kube/go.mod)
