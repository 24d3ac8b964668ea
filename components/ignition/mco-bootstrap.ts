import type { ClusterConfig } from "../config";
import { derived } from "../config/derived";
import { BOOTSTRAP_SECRETS_DIR, CLUSTER_MANIFESTS_DIR, kubeconfig, STATIC_POD_DIR } from "../node-paths";
import { crt, key } from "../pki/catalogue";

/** bootkube.sh's working directory, mounted at /assets in the render container (openshift-install's layout). */
export const ASSET_DIR = "/opt/openshift";
/** What the machine-config-controller reads: the MCO's pools, ControllerConfig and pull secret, and every cluster manifest. */
export const MCC_BOOTSTRAP_DIR = "/etc/mcc/bootstrap";
/** Where the machine-config-controller writes the rendered MachineConfigs the server serves. */
export const MCS_BOOTSTRAP_DIR = "/etc/mcs/bootstrap";
/** The kubeconfig the server hands to nodes as /etc/kubernetes/kubeconfig: the kubelet bootstrap one. */
export const MCS_KUBECONFIG = "/etc/mcs/kubeconfig";
/** The server's TLS certificate and key (the `machine-config-server` certificate, signed by root-ca for api-int). */
export const MCS_TLS_DIR = "/etc/ssl/mcs";
/** The static pod the MCO's render writes: machine-config-controller bootstrap (init) and machine-config-server. */
export const MCO_BOOTSTRAP_POD = "machineconfigoperator-bootstrap-pod.yaml";
/** bootkube.sh marks the finished render here, as openshift-install's stages do (`<stage>.done`). */
export const MCO_BOOTSTRAP_DONE = `${ASSET_DIR}/mco-bootstrap.done`;

/**
 * The cluster manifests the MCO's bootstrap render reads, by its flag: this project's file for
 * each (openshift-install names them cluster-config.yaml, cluster-infrastructure-02-config.yml,
 * ...; machine-config-operator cmd/machine-config-operator/bootstrap.go, release-4.18, reads each
 * through a flag, all but --config-file with the installer's name as default).
 */
export const MCO_INPUT_MANIFESTS = {
    "config-file": "05b-cluster-config-v1.yaml",
    "infra-config-file": "03-infrastructure.yaml",
    "network-config-file": "04-network.yaml",
    "proxy-config-file": "05f-proxy.yaml",
    "dns-config-file": "05-dns.yaml",
    "pull-secret": "06-pull-secret.yaml",
} as const;

/**
 * bootkube.sh step: the machine-config-operator's bootstrap render and the bootstrap
 * machine-config-server, as openshift-install's bootkube.sh stage "mco-bootstrap"
 * (openshift/installer data/data/bootstrap/files/usr/local/bin/bootkube.sh.template,
 * release-4.18). Defines `mco_bootstrap`, which bootkube.sh calls first: the server must answer
 * before the masters' first boot fetches their configs. Idempotent: it skips a finished render
 * (its done-marker), and redoes an unfinished one from scratch. Every command's output goes to
 * the journal; a failure says which command failed and returns non-zero, and systemd runs
 * bootkube.sh again.
 *
 * Where it differs from the installer, and why: the two CA files come from this project's
 * secrets directory (copied to `tls/`, the installer's place for them); the manifests are named
 * by flag (MCO_INPUT_MANIFESTS) because ours have other names; `--image-references` is an
 * absolute path (the installer's `assets/image-references` is the same file seen from the
 * container's `/`); and the render's own `manifests/` (the node-bootstrapper binding and
 * `initial-kube-apiserver-server-ca`) are not copied into the cluster manifests, which already
 * hold both under the same names (rendering them twice would apply two versions of one object).
 */
export function mcoBootstrapStep(c: ClusterConfig): string {
    const flags = Object.entries(MCO_INPUT_MANIFESTS).map(([flag, f]) => `      --${flag}=/assets/manifests/${f} \\`).join("\n");
    return `
# 0. The machine-config-server, as openshift-install's bootkube.sh stage mco-bootstrap: the
#    masters' pointer configs fetch https://api-int.${derived(c).clusterDomain}:22623/config/master from it.
MCO_IMAGE="${c.release.images.machineConfigOperator}"
RELEASE_IMAGE="${c.release.image}"
mco_bootstrap() {
  if [ -f ${MCO_BOOTSTRAP_DONE} ]; then log "mco-bootstrap: already done"; return 0; fi
  log "mco-bootstrap: rendering the machine-config-operator's bootstrap manifests"
  cd ${ASSET_DIR} || return 1
  rm -rf mco-bootstrap
  # The two CA files the render reads, where the installer keeps them (certificates only).
  mkdir -p tls
  cp ${BOOTSTRAP_SECRETS_DIR}/${crt("root-ca")} ${BOOTSTRAP_SECRETS_DIR}/${crt("kube-apiserver-complete-client-ca-bundle")} tls/
  # The release's image references: the render takes the images of the pods it writes from it.
  podman run --quiet --net=none --rm --entrypoint cat "$RELEASE_IMAGE" /release-manifests/image-references > image-references.tmp ||
    { log "mco-bootstrap: could not read /release-manifests/image-references from $RELEASE_IMAGE"; return 1; }
  mv image-references.tmp image-references
  # ControllerConfig (root-ca, the kubelet client CA bundle), the master and worker pools, the
  # pull secret and the bootstrap-machine-config-operator static pod, under mco-bootstrap/.
  podman run --quiet --net=host --rm --name mco-render --user 0 --volume "$PWD:/assets:z" \\
    "$MCO_IMAGE" bootstrap \\
      --root-ca=/assets/tls/${crt("root-ca")} \\
      --kube-ca=/assets/tls/${crt("kube-apiserver-complete-client-ca-bundle")} \\
${flags}
      --dest-dir=/assets/mco-bootstrap \\
      --release-image="$RELEASE_IMAGE" \\
      --image-references=/assets/image-references \\
      --payload-version=${c.release.version} ||
    { log "mco-bootstrap: machine-config-operator bootstrap failed (its output is above)"; return 1; }
  # The machine-config-controller (the pod's init container) reads its inputs and every cluster
  # manifest (the FeatureGate among them) from ${MCC_BOOTSTRAP_DIR}.
  mkdir -p ${MCC_BOOTSTRAP_DIR} ${MCS_BOOTSTRAP_DIR} ${STATIC_POD_DIR} /etc/kubernetes/static-pod-resources ${MCS_TLS_DIR}
  cp mco-bootstrap/bootstrap/manifests/* ${MCC_BOOTSTRAP_DIR}/
  cp ${CLUSTER_MANIFESTS_DIR}/* ${MCC_BOOTSTRAP_DIR}/
  # The server hands nodes the kubelet bootstrap kubeconfig as /etc/kubernetes/kubeconfig.
  install -m 0600 ${kubeconfig("kubelet-bootstrap")} ${MCS_KUBECONFIG}
  # Its TLS: the machine-config-server certificate, signed by root-ca for api-int.
  install -m 0644 ${BOOTSTRAP_SECRETS_DIR}/${crt("machine-config-server")} ${MCS_TLS_DIR}/tls.crt
  install -m 0600 ${BOOTSTRAP_SECRETS_DIR}/${key("machine-config-server")} ${MCS_TLS_DIR}/tls.key
  # Last, the static pod: the kubelet starts the controller, then the server on :22623 (TLS)
  # and :22624.
  cp mco-bootstrap/bootstrap/${MCO_BOOTSTRAP_POD} ${STATIC_POD_DIR}/
  touch ${MCO_BOOTSTRAP_DONE}
  log "mco-bootstrap: the machine-config-server static pod is in ${STATIC_POD_DIR}"
}
`;
}

/**
 * bootkube.sh step: the bootstrap machine-config-server stops once the masters run the control
 * plane, as openshift-install removes its pod after cluster-bootstrap; from then on api-int's
 * :22623 is the masters' in-cluster machine-config-server.
 */
export function mcoBootstrapTeardownStep(): string {
    return `
# 7a. The masters serve the API: the bootstrap machine-config-server goes (the masters' own
#     machine-config-server answers on api-int:22623 from now on).
rm -f ${STATIC_POD_DIR}/${MCO_BOOTSTRAP_POD}
`;
}
