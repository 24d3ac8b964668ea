import type { ClusterConfig, NodeConfig } from "../config";
import { derived } from "../config/derived";
import { KubeObject, pullSecretManifest, toYaml } from "../manifests";
import { BOOTSTRAP_CONFIGS_DIR, BOOTSTRAP_SECRETS_DIR, CLUSTER_MANIFESTS_DIR, KUBECONFIGS_DIR, MASTER_BOOTSTRAP_KUBECONFIG, MASTER_KUBELET_CA, STATIC_POD_DIR } from "../node-paths";
import { BOOTKUBE_PATH, BOOTSTRAP_KUBELET_CONFIG, bootkubeUnit, bootstrapKubeletConfig, bootstrapKubeletUnit, crioPauseConf, fqdn, NM_KEYFILE, nmKeyfile, PULL_SECRET_PATH } from "./node-files";
import { bootkubeScript, CRDS_DIR } from "./bootkube";
import { directory, file, IgnitionConfig, IgnitionFile, ignitionConfig, unit } from "./spec";
import type { NodeManifests } from "../static-pods";

/** A file for a node from an earlier stage: its text and mode. */
export interface NodeFile { content: string; mode: number }

/** What the bootstrap node's config is made of. */
export interface BootstrapInputs {
    config: ClusterConfig;
    /** The static pods and cluster manifests for this node, by path (StaticPods.files). */
    manifests: Record<string, string>;
    /**
     * The objects `manifests` is the YAML of, by path (StaticPods.objects): bootkube.sh patches
     * in the status of the Infrastructure and the FeatureGate among them.
     */
    objects: NodeManifests;
    /** The PKI, kubeconfigs and operator-input manifests for this node, by path (ClusterPki.nodeFiles, StaticPods.operatorInputs). */
    pki: Record<string, NodeFile>;
    /** The pull secret (a dockerconfigjson document). */
    pullSecret: string;
    /** OpenShift CRDs by file name; empty when the stack sets no crdsDir. */
    crds: Record<string, string>;
    /** The bootstrap-ssh public key (tools/wait-for's gather logs in with it), added to the stack's SSH keys; optional. */
    bootstrapSshKey?: string;
}

/** Where podman finds the pull secret as root on the bootstrap node. */
export const PODMAN_AUTH_PATH = "/root/.docker/config.json";

/** The bootstrap node's hostname, static address and pull secret. */
function commonFiles(c: ClusterConfig, n: NodeConfig, pullSecret: string): IgnitionFile[] {
    return [
        // This project's choice: Ignition writes the FQDN, so a node's name never depends on reverse DNS.
        file("/etc/hostname", `${fqdn(c, n)}\n`, 0o644),
        file(NM_KEYFILE, nmKeyfile(c, n), 0o600),
        file(PULL_SECRET_PATH, pullSecret, 0o600),
    ];
}

const fromMap = (m: Record<string, NodeFile>) => Object.entries(m).map(([path, f]) => file(path, f.content, f.mode));

/** The one `config.openshift.io/v1` object of `kind` among the rendered ones. @throws Error if there is none. */
function configObject(objects: NodeManifests, kind: string): KubeObject {
    const o = Object.values(objects).flat().find((x) => x.apiVersion === "config.openshift.io/v1" && x.kind === kind);
    if (!o) throw new Error(`bootstrap Ignition: no config.openshift.io/v1 ${kind} among the rendered manifests`);
    return o as KubeObject;
}

/**
 * The bootstrap node's Ignition config (what openshift-install's carries, openshift/installer
 * pkg/asset/ignition/bootstrap/common.go, release-4.18, with this project's own static pods): static pods and their config files, cluster manifests, CRDs,
 * the pull-secret manifest, PKI and kubeconfigs, bootkube.sh and its unit, the kubelet set up
 * for static pods only, CRI-O's pause image, hostname and static network.
 * @throws Error if two entries share a path, or `objects` holds no Infrastructure or FeatureGate.
 */
export function bootstrapIgnition(i: BootstrapInputs): IgnitionConfig {
    const c = i.config;
    const infrastructure = configObject(i.objects, "Infrastructure");
    const featureGate = configObject(i.objects, "FeatureGate");
    const crdFiles = Object.entries(i.crds).map(([name, text]) => file(`${CRDS_DIR}/${name}`, text, 0o644));
    return ignitionConfig({
        // openshift-install's bootstrap.ign: the install-config's key and bootstrap-ssh's.
        sshKeys: [...c.sshKeys, ...(i.bootstrapSshKey ? [i.bootstrapSshKey] : [])],
        files: [
            ...commonFiles(c, c.nodes.bootstrap, i.pullSecret),
            file("/etc/crio/crio.conf.d/00-pause.conf", crioPauseConf(c), 0o644),
            // podman's (bootkube.sh's MCO bootstrap render pulls the release and MCO images), as
            // openshift-install writes it (openshift/installer data/data/bootstrap/files/root/.docker/config.json.template, release-4.18).
            file(PODMAN_AUTH_PATH, i.pullSecret, 0o600),
            file(BOOTSTRAP_KUBELET_CONFIG, bootstrapKubeletConfig(), 0o644),
            ...Object.entries(i.manifests).map(([path, text]) => file(path, text, 0o644)),
            // Holds the pull secret, so it is rendered here, inside the secret config, and not
            // as a visible asset.
            file(`${CLUSTER_MANIFESTS_DIR}/06-pull-secret.yaml`, toYaml(pullSecretManifest(i.pullSecret)), 0o600),
            ...crdFiles,
            ...fromMap(i.pki),
            file(BOOTKUBE_PATH, bootkubeScript(c, infrastructure, crdFiles.length, featureGate), 0o755),
        ],
        directories: [
            directory("/opt/openshift", 0o755),
            directory(CLUSTER_MANIFESTS_DIR, 0o755),
            directory(CRDS_DIR, 0o755),
            directory(STATIC_POD_DIR, 0o755),
            directory(BOOTSTRAP_CONFIGS_DIR, 0o755),
            directory(BOOTSTRAP_SECRETS_DIR, 0o700),
            directory(KUBECONFIGS_DIR, 0o700),
        ],
        units: [unit("kubelet.service", bootstrapKubeletUnit()), unit("bootkube.service", bootkubeUnit())],
    });
}

/** The machine-config-server's TLS port (openshift/machine-config-operator pkg/server, release-4.18). */
export const MCS_PORT = 22623;

/**
 * The URL a node of `pool` fetches its config from: the machine-config-server behind
 * `api-int.<cluster domain>`, as openshift-install's pointer configs name it on platforms without
 * an API VIP (openshift/installer pkg/asset/ignition/machine/node.go). The bootstrap node serves
 * it until the pivot; then the masters' in-cluster machine-config-server does, through the same
 * DNS name.
 */
export function machineConfigServerUrl(c: ClusterConfig, pool: "master" | "worker"): string {
    return `https://api-int.${derived(c).clusterDomain}:${MCS_PORT}/config/${pool}`;
}

/**
 * Paths the machine-config-server serves in `/config/master` that a master's config of ours
 * used to carry: the kubelet bootstrap kubeconfig and client CA (added by the server,
 * openshift/machine-config-operator pkg/server/server.go, release-4.18: from /etc/mcs/kubeconfig
 * and ControllerConfig kubeAPIServerServingCAData, i.e. the same files) and the pull secret
 * (templates/common/_base/files/pull-secret.yaml, from the pull secret the bootstrap MCO is
 * given). In a merge the served config wins a path both define, so ours
 * would only be dead weight; the pointer leaves them out.
 */
export const MCS_SERVED_PATHS = [MASTER_BOOTSTRAP_KUBECONFIG, MASTER_KUBELET_CA, PULL_SECRET_PATH] as const;

/** What a master's config is made of. */
export interface MasterInputs {
    config: ClusterConfig;
    node: NodeConfig;
    /** kube-proxy, by path (StaticPods.files). */
    manifests: Record<string, string>;
    /** root-ca's certificate (PEM): the machine-config-server's certificate is signed by it. */
    rootCa: string;
}

/**
 * A master's Ignition config: a pointer, as openshift-install's `master.ign`
 * (openshift/installer pkg/asset/ignition/machine, release-4.18), that merges what the
 * machine-config-server serves at `https://api-int.<cluster domain>:22623/config/master`
 * (kubelet.service, CRI-O, OVS and NetworkManager plumbing, the kubelet bootstrap kubeconfig,
 * the node annotations the machine-config-daemon needs) and trusts root-ca for that fetch, plus
 * this project's per-node files, none of which the server serves: the hostname, the static
 * address and kube-proxy (until OVN-Kubernetes takes the services over), and the core user's
 * SSH keys. Ignition merges the served config as a child of this one: for a path both define
 * the child's contents and mode win, units merge field by field (measured with Ignition 2.14),
 * so nothing of ours may share a path with the server's (MCS_SERVED_PATHS).
 * @throws Error if two of our entries share a path.
 */
export function masterIgnition(i: MasterInputs): IgnitionConfig {
    const c = i.config;
    return ignitionConfig({
        sshKeys: c.sshKeys,
        merge: [machineConfigServerUrl(c, "master")],
        certificateAuthorities: [i.rootCa],
        files: [
            // The FQDN, the name the kubelet registers; the machine-config-server writes no
            // /etc/hostname (its node-valid-hostname.service only checks one is set).
            file("/etc/hostname", `${fqdn(c, i.node)}\n`, 0o644),
            file(NM_KEYFILE, nmKeyfile(c, i.node), 0o600),
            ...Object.entries(i.manifests).map(([path, text]) => file(path, text, 0o644)),
        ],
        directories: [directory(STATIC_POD_DIR, 0o755)],
    });
}
