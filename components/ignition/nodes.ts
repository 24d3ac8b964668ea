import type { ClusterConfig, NodeConfig } from "../config";
import { clusterManifests, pullSecretManifest, toYaml } from "../manifests";
import { BOOTSTRAP_SECRETS_DIR, CLUSTER_MANIFESTS_DIR, KUBECONFIGS_DIR, STATIC_POD_DIR } from "../node-paths";
import { BOOTKUBE_PATH, BOOTSTRAP_KUBELET_CONFIG, bootkubeUnit, bootstrapKubeletConfig, bootstrapKubeletUnit, crioPauseConf, fqdn, NM_KEYFILE, nmKeyfile, PULL_SECRET_PATH } from "./node-files";
import { bootkubeScript, CRDS_DIR } from "./bootkube";
import { directory, file, IgnitionConfig, IgnitionFile, ignitionConfig, mergeConfigs, unit } from "./spec";

/** A file for a node from an earlier stage: its text and mode. */
export interface NodeFile { content: string; mode: number }

/** What the bootstrap node's config is made of. */
export interface BootstrapInputs {
    config: ClusterConfig;
    /** The static pods and cluster manifests for this node, by path (StaticPods.files). */
    manifests: Record<string, string>;
    /** The PKI, kubeconfigs and operator-input manifests for this node, by path (ClusterPki.nodeFiles, StaticPods.operatorInputs). */
    pki: Record<string, NodeFile>;
    /** The pull secret (a dockerconfigjson document). */
    pullSecret: string;
    /** OpenShift CRDs by file name; empty when the stack sets no crdsDir. */
    crds: Record<string, string>;
}

/** The files every node gets: hostname, static address, pull secret. */
function commonFiles(c: ClusterConfig, n: NodeConfig, pullSecret: string): IgnitionFile[] {
    return [
        // This project's choice: Ignition writes the FQDN, so a node's name never depends on reverse DNS.
        file("/etc/hostname", `${fqdn(c, n)}\n`, 0o644),
        file(NM_KEYFILE, nmKeyfile(c, n), 0o600),
        file(PULL_SECRET_PATH, pullSecret, 0o600),
    ];
}

const fromMap = (m: Record<string, NodeFile>) => Object.entries(m).map(([path, f]) => file(path, f.content, f.mode));

/**
 * The bootstrap node's Ignition config (what openshift-install's carries, openshift/installer
 * pkg/asset/ignition/bootstrap/common.go, release-4.18, with this project's own static pods): static pods, cluster manifests, CRDs,
 * the pull-secret manifest, PKI and kubeconfigs, bootkube.sh and its unit, the kubelet set up
 * for static pods only, CRI-O's pause image, hostname and static network.
 * @throws Error if two entries share a path.
 */
export function bootstrapIgnition(i: BootstrapInputs): IgnitionConfig {
    const c = i.config;
    const infrastructure = clusterManifests(c)["03-infrastructure.yaml"][0];
    const featureGate = clusterManifests(c)["05a-featuregate.yaml"][0];
    const crdFiles = Object.entries(i.crds).map(([name, text]) => file(`${CRDS_DIR}/${name}`, text, 0o644));
    return ignitionConfig({
        sshKeys: c.sshKeys,
        files: [
            ...commonFiles(c, c.nodes.bootstrap, i.pullSecret),
            file("/etc/crio/crio.conf.d/00-pause.conf", crioPauseConf(c), 0o644),
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
            directory(BOOTSTRAP_SECRETS_DIR, 0o700),
            directory(KUBECONFIGS_DIR, 0o700),
        ],
        units: [unit("kubelet.service", bootstrapKubeletUnit()), unit("bootkube.service", bootkubeUnit())],
    });
}

/** What a master's config is made of. */
export interface MasterInputs {
    config: ClusterConfig;
    node: NodeConfig;
    /** kube-proxy, by path (StaticPods.files). */
    manifests: Record<string, string>;
    /** kubelet bootstrap kubeconfig and CAs, by path (ClusterPki.nodeFiles.masters). */
    pki: Record<string, NodeFile>;
    pullSecret: string;
    /** A machine-config-operator-rendered master config to merge under ours, if the stack points to one. */
    mco?: IgnitionConfig;
}

/**
 * A master's Ignition config: hostname, static address, kube-proxy, the
 * kubelet bootstrap kubeconfig and CAs, the pull secret. With an MCO-rendered config the two are
 * merged by path, ours winning (no duplicate entries); without one it is complete on its own.
 * @throws Error if two of our entries share a path.
 */
export function masterIgnition(i: MasterInputs): IgnitionConfig {
    const ours = ignitionConfig({
        sshKeys: i.config.sshKeys,
        files: [
            ...commonFiles(i.config, i.node, i.pullSecret),
            ...Object.entries(i.manifests).map(([path, text]) => file(path, text, 0o644)),
            ...fromMap(i.pki),
        ],
        directories: [directory(STATIC_POD_DIR, 0o755)],
    });
    return i.mco ? mergeConfigs(i.mco, ours) : ours;
}
