# Source this file (`source tools/env.sh`) to use the project's toolchain from a shell.
# tools/setup, tools/dev/test and the tests source it too.
export PATH="$HOME/.pulumi/bin:$PATH"
# Nothing is downloaded: no update check, no plugin downloads, no Pulumi Cloud.
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# State lives in a local file backend inside the project (.pulumi-state/, ignored by git).
_othw_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PULUMI_BACKEND_URL="file://$_othw_root/.pulumi-state"
# Only its owner may read it: directories 0700, files 0600 (the CLI writes new files 0644, but
# inside a 0700 directory; each source of this file tightens what is there).
mkdir -p "$_othw_root/.pulumi-state" && chmod -R go= "$_othw_root/.pulumi-state"
# The passphrase of the `local` stack's secrets. It is public on purpose: that stack holds
# lab-only keys on this machine. The program refuses to run any other stack with it (the tests'
# throwaway stacks get a random one of their own): set your own PULUMI_CONFIG_PASSPHRASE (or
# PULUMI_CONFIG_PASSPHRASE_FILE) before `pulumi stack init <stack>`.
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE=openshift-hard-way-local
fi
export LIBVIRT_DEFAULT_URI="${LIBVIRT_DEFAULT_URI:-qemu:///system}"
unset _othw_root
# The Kubernetes binaries of the rehearsal (tools/rehearse), built by tools/setup from tools/rehearse.d/kube.
export OTHW_KUBE_BIN="${OTHW_KUBE_BIN:-${OTHW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openshift-hard-way}/kube/bin}"
