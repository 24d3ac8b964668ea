# Source this file (`source tools/env.sh`) to use the project's toolchain from a shell.
# tools/setup, tools/test and the tests source it too.
export PATH="$HOME/.pulumi/bin:$PATH"
# Nothing is downloaded: no update check, no plugin downloads, no Pulumi Cloud.
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# State lives in a local file backend inside the project (.pulumi-state/, ignored by git).
_othw_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PULUMI_BACKEND_URL="file://$_othw_root/.pulumi-state"
mkdir -p "$_othw_root/.pulumi-state"
# The passphrase of the `local` stack's secrets (and of the tests' throwaway stacks). It is
# public on purpose: those stacks hold lab-only keys on this machine. Any other stack: set your
# own PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) before sourcing this file.
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE=openshift-hard-way-local
fi
export LIBVIRT_DEFAULT_URI="${LIBVIRT_DEFAULT_URI:-qemu:///system}"
unset _othw_root
# The Kubernetes binaries of the rehearsal (tools/rehearse), built by tools/setup from tools/kube.
export OTHW_KUBE_BIN="${OTHW_KUBE_BIN:-${OTHW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openshift-hard-way}/kube/bin}"
