import type { ClusterConfig } from "../config";
import { derived } from "../config/derived";
import { KubeObject } from "../manifests";
import { CLUSTER_MANIFESTS_DIR, kubeconfig, secret, BOOTSTRAP_SECRETS_DIR } from "../node-paths";
import { crt, key, NODE_BOOTSTRAPPER_USER } from "../pki/catalogue";
import { BOOTKUBE_DONE } from "./node-files";
import { mcoBootstrapStep, mcoBootstrapTeardownStep } from "./mco-bootstrap";

/** Where bootkube.sh finds the OpenShift CRDs. */
export const CRDS_DIR = "/opt/openshift/crds";

/**
 * How bootkube.sh applies the CRDs and the cluster manifests: server-side apply
 * (kubernetes/kubernetes staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go, release-1.31), under
 * the field manager `bootkube`, so each object's managedFields say who wrote it. Client-side apply
 * would copy every object whole into its `kubectl.kubernetes.io/last-applied-configuration`
 * annotation (a Secret's data too, readable by anyone who may read its metadata; a large CRD's
 * past the annotations' 256 KiB limit), and each `oc` would download the API's OpenAPI and
 * three-way merge every object in the client: 2 to 3 s of CPU per call on a 2-core host.
 * `--force-conflicts`: when systemd re-runs the script, fields an operator has taken over since
 * are set back to the manifest's value, as client-side apply would, instead of failing the run.
 * `oc` takes the same flags as `kubectl`. The rehearsal's dry run uses these flags too.
 */
export const APPLY_FLAGS = ["--server-side", "--force-conflicts", "--field-manager=bootkube"] as const;

/**
 * bootkube.sh for the bootstrap node, modelled on openshift-install's (openshift/installer
 * data/data/bootstrap/files/usr/local/bin/bootkube.sh.template, release-4.18), rendered from the config and explained
 * step by step in its own comments. It fixes the tutorial's silent failures: it waits for the
 * CRDs to be Established, retries manifests until they apply, and patches the Infrastructure
 * status (a CRD with a status subresource ignores `status` on create and apply: kubernetes/kubernetes
 * staging/src/k8s.io/apiextensions-apiserver/pkg/registry/customresource/strategy.go, release-1.31).
 * @param infrastructure the rendered Infrastructure object, whose status is patched in.
 * @param crdCount how many CRDs the config carries; 0 makes the script say what will be missing.
 */
export function bootkubeScript(c: ClusterConfig, infrastructure: KubeObject, crdCount: number, featureGate?: KubeObject): string {
    // The static pods see the secrets under /etc/kubernetes/secrets; this script runs on the
    // host, where they live under BOOTSTRAP_SECRETS_DIR.
    const hostSecret = (f: string) => secret(f).replace(/^\/etc\/kubernetes\/secrets/, BOOTSTRAP_SECRETS_DIR);
    const statusPatch = JSON.stringify({ status: infrastructure.status });
    return `#!/usr/bin/env bash
# bootkube.sh — brings the OpenShift control plane up on the bootstrap node.
# Rendered by openshift-hard-way for ${derived(c).clusterDomain}; do not edit on the node.
#
# The kubelet is already running the static pods (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, cluster-version-operator) from /etc/kubernetes/manifests. This script first
# renders and starts the machine-config-server the masters fetch their configs from, waits
# for the static pods, feeds the API server what the cluster-version-operator needs, and waits for the
# masters to join. systemd re-runs it on failure; it marks success in ${BOOTKUBE_DONE}.
set -euo pipefail

export KUBECONFIG=${kubeconfig("localhost")}
log() { echo "bootkube: $*"; }
# The one way this script applies objects: server-side, under the field manager bootkube.
server_side_apply() { oc apply ${APPLY_FLAGS.join(" ")} "$@"; }

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
${mcoBootstrapStep(c)}mco_bootstrap

# 1. etcd answers on localhost:2379, checked with the API server's own etcd client certificate.
wait_for etcd 300 curl -sf --cacert ${hostSecret(crt("etcd-ca-bundle"))} \\
  --cert ${hostSecret(crt("etcd-client"))} --key ${hostSecret(key("etcd-client"))} https://localhost:2379/health

# 2. The API server is ready: /readyz says ok (trusting the signer of its localhost certificate).
wait_for kube-apiserver 300 sh -c 'curl -sf --cacert ${hostSecret(crt("kube-apiserver-localhost-ca-bundle"))} https://localhost:6443/readyz | grep -qx ok'
${approveCsrStep(c)}
# 3. The OpenShift CRDs, then wait until the API serves them: the manifests below and the
#    cluster-version-operator use these types. One list of every CRD per poll, printing those not
#    yet Established (\`oc wait crd --all\` waits on each CRD in turn, one request or more apiece).
crds_established() {
  local pending
  # shellcheck disable=SC2016 # $ok is the template's variable, not the shell's
  pending=$(oc get crd -o go-template='{{range .items}}{{$ok := false}}{{range .status.conditions}}{{if and (eq .type "Established") (eq .status "True")}}{{$ok = true}}{{end}}{{end}}{{if not $ok}}{{.metadata.name}} {{end}}{{end}}') || return 1
  [ -z "$pending" ] || { echo "not Established yet: $pending"; return 1; }
}
if compgen -G "${CRDS_DIR}/*.yaml" >/dev/null; then
  wait_for "CRDs applied" 600 server_side_apply -f ${CRDS_DIR}/
  wait_for "CRDs Established" 300 crds_established
else
  log "no CRDs in ${CRDS_DIR} (the stack config sets no crdsDir): Infrastructure, Network, DNS,"
  log "FeatureGate and ClusterVersion cannot be created, and the cluster-version-operator will not start"
fi${crdCount === 0 ? " # this config carries none" : ` # this config carries ${crdCount}`}

# 4. The cluster manifests, in file-name order, in one call. A manifest whose type is not served
#    yet fails; retry the whole set until every one applies instead of losing it silently. When
#    the call fails, the files are applied one by one, so that each refusal names its file
#    (server-side apply's errors name only the object).
apply_manifests() {
  server_side_apply -f ${CLUSTER_MANIFESTS_DIR}/ >/dev/null 2>&1 && return 0
  local ok=0 m err
  for m in ${CLUSTER_MANIFESTS_DIR}/*.yaml; do
    if ! err=$(server_side_apply -f "$m" 2>&1 >/dev/null); then echo "not yet: $m: $err"; ok=1; fi
  done
  return $ok
}
wait_for "cluster manifests" 600 apply_manifests

# 5. The Infrastructure status: \`oc apply\` drops status on a CRD with a status subresource, and
#    config-operator goes Degraded without controlPlaneTopology/infrastructureTopology.
if oc get crd infrastructures.config.openshift.io >/dev/null 2>&1; then
  oc patch infrastructure cluster --subresource=status --type=merge -p '${statusPatch}'
fi
${featureGate ? featureGateStatusStep(featureGate) : ""}
# 6. The masters: done when all ${c.nodes.masters.length} are Ready. Until then the bootstrap node is
#    the cluster's only etcd and API server; do not remove it before the operators have moved
#    them to the masters ("Bootstrap Complete" is not that signal).
masters_ready() {
  [ "$(oc get nodes -l node-role.kubernetes.io/master --no-headers 2>/dev/null | grep -c ' Ready ')" -ge ${c.nodes.masters.length} ]
}
wait_for "${c.nodes.masters.length} Ready masters" 3600 masters_ready

${bootstrapCompleteSteps(c)}
touch ${BOOTKUBE_DONE}
log "Bootstrap Complete"
`;
}

/** The masters' node names as their kubelets register them: the short name and the FQDN (/etc/hostname). */
function masterNodeNames(c: ClusterConfig): string[] {
    return c.nodes.masters.flatMap((m) => [m.name, derived(c).fqdn(m.name)]);
}

/**
 * bootkube step: the approval loop, as openshift-install's approve-csr.sh on the bootstrap node
 * (data/data/bootstrap/files/usr/local/bin/approve-csr.sh, release-4.18), but approving only what
 * a master's kubelet asks for: a client certificate (`kubernetes.io/kube-apiserver-client-kubelet`)
 * requested by the kubelet bootstrap identity for `system:node:<a master>`, and a serving
 * certificate (`kubernetes.io/kubelet-serving`) requested by `system:node:<a master>` itself.
 * It runs in the background while bootkube.sh runs. Once the bootstrap node is gone, nothing
 * approves a new node's first CSRs: cluster-machine-approver approves a client CSR only for a
 * node with a matching Machine (openshift/cluster-machine-approver pkg/controller/csr_check.go,
 * release-4.18), and a user-provisioned cluster has none; a user approves them with oc.
 * `oc adm certificate approve` is oc's form, `certificate approve` kubectl's: either works.
 */
export function approveCsrStep(c: ClusterConfig): string {
    const nodes = masterNodeNames(c).map((n) => `system:node:${n}`).join(" ");
    return `
# 2a. Approve the masters' CSRs while this script runs (in the background; stopped on exit).
MASTER_NODE_USERS="${nodes}"
is_master_user() { case " $MASTER_NODE_USERS " in *" $1 "*) return 0 ;; esac; return 1; }
approve_csr() { oc adm certificate approve "$1" 2>/dev/null || oc certificate approve "$1"; }
approve_pending_csrs() {
  local name signer user cn
  oc get csr -o go-template='{{range .items}}{{if not .status.conditions}}{{.metadata.name}} {{.spec.signerName}} {{.spec.username}}{{"\\n"}}{{end}}{{end}}' |
  while read -r name signer user; do
    case "$signer" in
      kubernetes.io/kube-apiserver-client-kubelet)
        [ "$user" = "${NODE_BOOTSTRAPPER_USER}" ] || continue
        cn=$(oc get csr "$name" -o jsonpath='{.spec.request}' | base64 -d | openssl req -noout -subject -nameopt RFC2253 | sed -n 's/.*CN=\\([^,]*\\).*/\\1/p')
        is_master_user "$cn" || { log "not approving $name: client certificate for '$cn' is not a master's"; continue; } ;;
      kubernetes.io/kubelet-serving)
        is_master_user "$user" || { log "not approving $name: serving certificate requested by '$user'"; continue; } ;;
      *) continue ;;
    esac
    approve_csr "$name" >/dev/null && log "approved CSR $name ($signer, $user)"
  done
}
# A pass runs at once when a CSR is created or changes (a watch on CSRs), and at least once a
# minute when the watch ends; every 2 s while the API server does not answer.
approve_csrs_loop() {
  while true; do
    approve_pending_csrs </dev/null || true
    timeout 60 oc get csr --watch-only -o name 2>/dev/null | while read -r _; do approve_pending_csrs </dev/null || true; done || true
    sleep 2
  done
}
approve_csrs_loop &
APPROVER_PID=$!
trap 'pkill -P $APPROVER_PID 2>/dev/null; kill $APPROVER_PID 2>/dev/null || true' EXIT
`;
}

/**
 * bootkube step: the FeatureGate status, patched in through the status subresource (as the
 * Infrastructure's), so operators that wait for their version's feature gates find them before
 * cluster-config-operator runs on a master.
 */
export function featureGateStatusStep(featureGate: KubeObject): string {
    return `
# 5a. The FeatureGate status (oc apply drops it, as the Infrastructure's).
if oc get crd featuregates.config.openshift.io >/dev/null 2>&1; then
  oc patch featuregate cluster --subresource=status --type=merge -p '${JSON.stringify({ status: featureGate.status })}'
fi
`;
}

/**
 * bootkube steps: bootstrap completion, as openshift-install signals it. Once at least two
 * masters' kube-apiservers are in the `kubernetes` endpoints (report-progress.sh), create
 * `kube-system/bootstrap` with `status: complete`: cluster-etcd-operator then removes the
 * `etcd-bootstrap` member (pkg/operator/bootstrapteardown, condition
 * EtcdBootstrapMemberRemoved on `etcd cluster`) and machine-config-operator switches its CA
 * bundles. Only after that removal may the bootstrap node go: before it, etcd would lose a
 * voting member. Once the member is gone the local kube-apiserver has no etcd, so the last
 * wait uses the admin kubeconfig (api, which DNS round-robin also resolves to the masters).
 */
export function bootstrapCompleteSteps(c: ClusterConfig): string {
    const ips = c.nodes.masters.map((m) => m.ip).join(" ");
    return `
# 7. The control plane runs on the masters: at least 2 of their kube-apiservers serve the
#    \`kubernetes\` Service.
MASTER_IPS="${ips}"
masters_serve_api() {
  local n=0 ip
  for ip in $(oc get endpoints kubernetes -n default -o jsonpath='{.subsets[*].addresses[*].ip}'); do
    case " $MASTER_IPS " in *" $ip "*) n=$((n + 1)) ;; esac
  done
  [ "$n" -ge 2 ]
}
wait_for "kube-apiserver on 2 masters" 3600 masters_serve_api
${mcoBootstrapTeardownStep()}
# 8. Bootstrap complete: kube-system/bootstrap says so (the signal cluster-etcd-operator and
#    machine-config-operator wait for).
mark_bootstrap_complete() {
  oc create configmap bootstrap -n kube-system --from-literal=status=complete --dry-run=client -o yaml | oc apply -f -
}
wait_for "kube-system/bootstrap status=complete" 600 mark_bootstrap_complete

# 9. cluster-etcd-operator removes the etcd-bootstrap member; only then may the bootstrap node go.
etcd_bootstrap_removed() {
  [ "$(KUBECONFIG=${kubeconfig("admin")} oc get etcd cluster -o jsonpath='{.status.conditions[?(@.type=="EtcdBootstrapMemberRemoved")].status}')" = True ]
}
wait_for "etcd-bootstrap member removal" 3600 etcd_bootstrap_removed
log "etcd-bootstrap member removed: the bootstrap node may go now (set bootstrap: false)"
`;
}
