import type { ClusterConfig } from "../config";
import { derived } from "../config/derived";
import { KubeObject } from "../manifests";
import { CLUSTER_MANIFESTS_DIR, kubeconfig, secret, BOOTSTRAP_SECRETS_DIR } from "../node-paths";
import { BOOTKUBE_DONE } from "./node-files";

/** Where bootkube.sh finds the OpenShift CRDs. */
export const CRDS_DIR = "/opt/openshift/crds";

/**
 * bootkube.sh for the bootstrap node (othw-facts §7.2), rendered from the config and explained
 * step by step in its own comments. It fixes the tutorial's silent failures: it waits for the
 * CRDs to be Established, retries manifests until they apply, and patches the Infrastructure
 * status (which `oc apply` drops, othw-facts §8.7).
 * @param infrastructure the rendered Infrastructure object, whose status is patched in.
 * @param crdCount how many CRDs the config carries; 0 makes the script say what will be missing.
 */
export function bootkubeScript(c: ClusterConfig, infrastructure: KubeObject, crdCount: number): string {
    // The static pods see the secrets under /etc/kubernetes/secrets; this script runs on the
    // host, where they live under BOOTSTRAP_SECRETS_DIR.
    const hostSecret = (f: string) => secret(f).replace(/^\/etc\/kubernetes\/secrets/, BOOTSTRAP_SECRETS_DIR);
    const statusPatch = JSON.stringify({ status: infrastructure.status });
    return `#!/usr/bin/env bash
# bootkube.sh — brings the OpenShift control plane up on the bootstrap node.
# Rendered by openshift-hard-way for ${derived(c).clusterDomain}; do not edit on the node.
#
# The kubelet is already running the static pods (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, cluster-version-operator) from /etc/kubernetes/manifests. This script waits
# for them, feeds the API server what the cluster-version-operator needs, and waits for the
# masters to join. systemd re-runs it on failure; it marks success in ${BOOTKUBE_DONE}.
set -euo pipefail

export KUBECONFIG=${kubeconfig("localhost")}
log() { echo "bootkube: $*"; }

# wait_for NAME TIMEOUT_SECONDS COMMAND...: polls COMMAND every 5 s until it succeeds. Whatever
# COMMAND prints is shown on the journal each time it changes, and the last of it on a timeout:
# a rejected manifest or a refused certificate shows at once, not as a bare timeout.
wait_for() {
  local name=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout)) out="" last=""
  log "waiting for $name (up to $timeout s)"
  until out=$("$@" 2>&1); do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "timed out waiting for $name; its last output:"
      printf '%s\n' "$out" | tail -n 20 | sed 's/^/bootkube:   /'
      return 1
    fi
    if [ "$out" != "$last" ]; then
      printf '%s\n' "$out" | tail -n 10 | sed "s|^|bootkube: $name: |"
      last=$out
    fi
    sleep 5
  done
  log "$name is ready"
}

# 1. etcd answers on localhost:2379, checked with the API server's own etcd client certificate.
wait_for etcd 300 curl -sf --cacert ${hostSecret("etcd-ca.crt")} \\
  --cert ${hostSecret("etcd-client.crt")} --key ${hostSecret("etcd-client.key")} https://localhost:2379/health

# 2. The API server is ready: /readyz says ok (trusting the CA that signed its certificate).
wait_for kube-apiserver 300 sh -c 'curl -sf --cacert ${hostSecret("kubernetes-ca.crt")} https://localhost:6443/readyz | grep -qx ok'

# 3. The OpenShift CRDs, then wait until the API serves them: the manifests below and the
#    cluster-version-operator use these types.
if compgen -G "${CRDS_DIR}/*.yaml" >/dev/null; then
  wait_for "CRDs applied" 600 oc apply -f ${CRDS_DIR}/
  oc wait --for=condition=Established crd --all --timeout=300s
else
  log "no CRDs in ${CRDS_DIR} (the stack config sets no crdsDir): Infrastructure, Network, DNS,"
  log "FeatureGate and ClusterVersion cannot be created, and the cluster-version-operator will not start"
fi${crdCount === 0 ? " # this config carries none" : ` # this config carries ${crdCount}`}

# 4. The cluster manifests, in file-name order. A manifest whose type is not served yet fails;
#    retry the whole set until every one applies instead of losing it silently.
apply_manifests() {
  local ok=0 err
  for m in ${CLUSTER_MANIFESTS_DIR}/*.yaml; do
    if ! err=$(oc apply -f "$m" 2>&1 >/dev/null); then echo "not yet: $m: $err"; ok=1; fi
  done
  return $ok
}
wait_for "cluster manifests" 600 apply_manifests

# 5. The Infrastructure status: \`oc apply\` drops status on a CRD with a status subresource, and
#    config-operator goes Degraded without controlPlaneTopology/infrastructureTopology.
if oc get crd infrastructures.config.openshift.io >/dev/null 2>&1; then
  oc patch infrastructure cluster --subresource=status --type=merge -p '${statusPatch}'
fi

# 6. The masters: done when all ${c.nodes.masters.length} are Ready. Until then the bootstrap node is
#    the cluster's only etcd and API server; do not remove it before the operators have moved
#    them to the masters ("Bootstrap Complete" is not that signal).
masters_ready() {
  [ "$(oc get nodes -l node-role.kubernetes.io/master --no-headers 2>/dev/null | grep -c ' Ready ')" -ge ${c.nodes.masters.length} ]
}
wait_for "${c.nodes.masters.length} Ready masters" 3600 masters_ready

touch ${BOOTKUBE_DONE}
log "Bootstrap Complete"
`;
}
