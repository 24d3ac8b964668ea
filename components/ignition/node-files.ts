import YAML from "yaml";
import type { ClusterConfig, NodeConfig } from "../config";
import { derived } from "../config/derived";
import { STATIC_POD_DIR } from "../node-paths";

/** The kubelet's configuration on the bootstrap node (kubelet `--config`). */
export const BOOTSTRAP_KUBELET_CONFIG = "/etc/kubernetes/kubelet-bootstrap.yaml";
/** Where CRI-O and the kubelet find the pull secret. */
export const PULL_SECRET_PATH = "/var/lib/kubelet/config.json";
/** The NetworkManager keyfile with the node's static address. */
export const NM_KEYFILE = "/etc/NetworkManager/system-connections/machine-network.nmconnection";

/** `<name>.<clusterName>.<baseDomain>`, the node's FQDN (its Node name once it registers). */
export function fqdn(c: ClusterConfig, n: NodeConfig): string {
    return derived(c).fqdn(n.name);
}

/**
 * A NetworkManager keyfile giving the node its static address on the machine network, with the
 * libvirt host as gateway and DNS (components/libvirt serves the cluster's names there). No interface-name: it binds to whichever
 * Ethernet NIC the VM has (ens3 on i440fx, enp1s0 on q35). Must be mode 0600 or NM ignores it.
 */
export function nmKeyfile(c: ClusterConfig, n: NodeConfig): string {
    const bits = derived(c).machineNetworkBits;
    const gw = derived(c).gateway;
    return [
        "[connection]", "id=machine-network", "type=ethernet", "autoconnect=true", "",
        "[ipv4]", "method=manual", `addresses=${n.ip}/${bits}`, `gateway=${gw}`, `dns=${gw}`, `dns-search=${derived(c).clusterDomain}`, "",
        "[ipv6]", "method=disabled", "",
    ].join("\n");
}

/**
 * CRI-O drop-in: the release's pause image instead of CRI-O's default (registry.k8s.io/pause),
 * pulled with the pull secret, as machine-config-operator sets it on every node
 * (templates/common/_base/files/crio.yaml, release-4.18).
 */
export function crioPauseConf(c: ClusterConfig): string {
    return `[crio.image]\npause_image = "${c.release.images.pod}"\npause_image_auth_file = "${PULL_SECRET_PATH}"\n`;
}

/**
 * The bootstrap kubelet's configuration: it only runs the static pods in STATIC_POD_DIR and never
 * registers with an API server (no kubeconfig at all), like the installer's bootstrap kubelet.
 */
export function bootstrapKubeletConfig(): string {
    return YAML.stringify({
        apiVersion: "kubelet.config.k8s.io/v1beta1",
        kind: "KubeletConfiguration",
        // The static pods of this node.
        staticPodPath: STATIC_POD_DIR,
        containerRuntimeEndpoint: "unix:///var/run/crio/crio.sock",
        cgroupDriver: "systemd",
        clusterDomain: "cluster.local",
        // No API server to ask: refuse anonymous requests, and with no client CA nobody else
        // can authenticate either, so the kubelet API stays closed.
        authentication: { anonymous: { enabled: false }, webhook: { enabled: false } },
        authorization: { mode: "AlwaysAllow" },
    });
}

/** kubelet.service on the bootstrap node, reading BOOTSTRAP_KUBELET_CONFIG (modelled on openshift/installer data/data/bootstrap/systemd/common/units/kubelet.service.template, release-4.18). */
export function bootstrapKubeletUnit(): string {
    return `[Unit]
Description=Kubernetes Kubelet (static pods only)
Wants=rpc-statd.service network-online.target crio.service
After=network-online.target crio.service

[Service]
Type=notify
ExecStart=/usr/bin/kubelet --config=${BOOTSTRAP_KUBELET_CONFIG} --v=2
Restart=always
RestartSec=10

[Install]
WantedBy=multi-user.target
`;
}

/** Where bootkube.sh lives, as openshift-install's (data/data/bootstrap/files/usr/local/bin/, release-4.18): on RHCOS, SELinux lets systemd execute a script there, not under /opt. */
export const BOOTKUBE_PATH = "/usr/local/bin/bootkube.sh";
/** bootkube.sh marks completion here; the unit does not start again once it exists. */
export const BOOTKUBE_DONE = "/opt/openshift/.bootkube.done";

/** bootkube.service: runs bootkube.sh once kubelet is up, until it has succeeded once (modelled on openshift/installer data/data/bootstrap/systemd/units/bootkube.service, release-4.18). */
export function bootkubeUnit(): string {
    return `[Unit]
Description=Bootstrap the OpenShift cluster
Wants=kubelet.service
After=kubelet.service crio.service
ConditionPathExists=${BOOTKUBE_PATH}
ConditionPathExists=!${BOOTKUBE_DONE}

[Service]
Type=oneshot
WorkingDirectory=/opt/openshift
ExecStart=${BOOTKUBE_PATH}
Restart=on-failure
RestartSec=5
RemainAfterExit=true
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
`;
}
