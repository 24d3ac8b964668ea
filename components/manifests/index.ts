import * as crypto from "node:crypto";
import YAML from "yaml";
import type { ClusterConfig } from "../config";
import { derived } from "../config/derived";

/** A Kubernetes object as plain data. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

/** `https://api.<clusterName>.<baseDomain>:6443`, the external API URL. */
export function apiServerUrl(c: ClusterConfig): string {
    return derived(c).apiServerUrl;
}

/** `https://api-int.<clusterName>.<baseDomain>:6443`, the URL the nodes use. */
export function apiServerInternalUrl(c: ClusterConfig): string {
    return derived(c).apiServerInternalUrl;
}

function digest(c: ClusterConfig): Buffer {
    return crypto.createHash("sha256").update(`${c.stack}/${derived(c).clusterDomain}`).digest();
}

/**
 * The cluster ID (ClusterVersion spec.clusterID): a UUID in version-4 form, derived from the stack
 * and the cluster domain instead of drawn at random, so that rendering stays a pure function and
 * `pulumi preview` is stable. Different stacks or domains give different IDs.
 */
export function clusterId(c: ClusterConfig): string {
    const b = Buffer.from(digest(c).subarray(0, 16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `<clusterName>-<5 hex>`: the Infrastructure's infrastructureName, derived like clusterId. */
export function infrastructureName(c: ClusterConfig): string {
    return `${c.clusterName.slice(0, 21)}-${digest(c).subarray(16).toString("hex").slice(0, 5)}`;
}

/** The namespaces bootkube creates first (othw-facts §6.1, 01-namespaces.yaml). */
export const NAMESPACES = [
    "openshift-config", "openshift-config-managed", "openshift-etcd", "openshift-kube-apiserver",
    "openshift-kube-controller-manager", "openshift-kube-scheduler", "openshift-cluster-version",
    "openshift-machine-config-operator", "openshift-infra", "openshift-node",
];

function binding(name: string, clusterRole: string, user: string): KubeObject {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
    };
}

/**
 * install-config as the cluster-config-v1 ConfigMap carries it (othw-facts §6.4). No pull secret
 * and no SSH key: this ConfigMap is readable in the cluster. compute replicas are 0: this lab has
 * no workers, so the masters stay schedulable.
 */
export function installConfig(c: ClusterConfig): object {
    return {
        apiVersion: "v1",
        metadata: { name: c.clusterName },
        baseDomain: c.baseDomain,
        networking: {
            networkType: "OVNKubernetes",
            clusterNetwork: [{ cidr: c.clusterNetwork.cidr, hostPrefix: c.clusterNetwork.hostPrefix }],
            serviceNetwork: [c.serviceNetwork],
            machineNetwork: [{ cidr: c.machineNetwork }],
        },
        platform: { none: {} },
        controlPlane: { name: "master", replicas: c.nodes.masters.length },
        compute: [{ name: "worker", replicas: 0 }],
    };
}

/**
 * The cluster manifests bootkube applies after the CRDs, in lexical file order
 * (othw-facts §6.1), keyed by file name under /opt/openshift/manifests. Each value is the list
 * of objects in that file.
 *
 * Not here, on purpose: the pull-secret Secret and the kubeadmin Secret embed secrets and are
 * rendered into the (secret) Ignition config instead (see pullSecretManifest); the tutorial's
 * `cluster-config` ConfigMap has no known consumer.
 */
export function clusterManifests(c: ClusterConfig): Record<string, KubeObject[]> {
    const network = { clusterNetwork: [{ cidr: c.clusterNetwork.cidr, hostPrefix: c.clusterNetwork.hostPrefix }], serviceNetwork: [c.serviceNetwork] };
    const minor = c.release.version.split(".").slice(0, 2).join(".");
    return {
        "01-namespaces.yaml": NAMESPACES.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })),
        "02-rbac.yaml": [
            // Kubelets on masters bootstrap as system:bootstrapper: create and watch their CSRs.
            binding("system:bootstrapper", "system:node-bootstrapper", "system:bootstrapper"),
            // ... and have their client CSRs approved without a human: kube-controller-manager's
            // csrapproving controller approves a kubelet client CSR when its requester may
            // `create` `certificatesigningrequests/nodeclient` (kubernetes/kubernetes
            // pkg/controller/certificates/approver/sarapprove.go, release-1.31); this ClusterRole
            // is one of the API server's bootstrap roles (plugin/pkg/auth/authorizer/rbac/
            // bootstrappolicy/controller_policy.go). No binding for `system:admin`: it is in
            // `system:masters`, which may do everything, and `system:node-admin` is no
            // Kubernetes role (a real API server refuses the binding with NotFound).
            binding("system:bootstrapper-nodeclient", "system:certificates.k8s.io:certificatesigningrequests:nodeclient", "system:bootstrapper"),
            // kube-proxy on the masters runs as system:bootstrapper too.
            binding("system:bootstrapper-proxy", "system:node-proxier", "system:bootstrapper"),
        ],
        "03-infrastructure.yaml": [{
            apiVersion: "config.openshift.io/v1",
            kind: "Infrastructure",
            metadata: { name: "cluster" },
            spec: { platformSpec: { type: "None" } },
            // `oc apply` drops status on a CRD with a status subresource: bootkube.sh must patch
            // it in with --subresource=status (othw-facts §8.7); it is rendered here so both agree.
            status: {
                infrastructureName: infrastructureName(c),
                platform: "None",
                platformStatus: { type: "None" },
                apiServerURL: apiServerUrl(c),
                // The field is `apiServerInternalURI` (URI, not URL): the Infrastructure CRD of
                // openshift/api release-4.18 (config/v1/types_infrastructure.go) has no
                // `apiServerInternalURL`, and a real kube-apiserver rejects the object with
                // `strict decoding error: unknown field "status.apiServerInternalURL"`.
                apiServerInternalURI: apiServerInternalUrl(c),
                // Anything else makes config-operator go Degraded.
                controlPlaneTopology: "HighlyAvailable",
                infrastructureTopology: "HighlyAvailable",
            },
        }],
        "04-network.yaml": [{
            apiVersion: "config.openshift.io/v1", kind: "Network", metadata: { name: "cluster" },
            spec: { ...network, networkType: "OVNKubernetes" },
        }],
        // Without the operator's own Network the network operator never deploys OVN.
        "04b-operator-network.yaml": [{
            apiVersion: "operator.openshift.io/v1", kind: "Network", metadata: { name: "cluster" },
            spec: { ...network, defaultNetwork: { type: "OVNKubernetes" } },
        }],
        "05-dns.yaml": [{ apiVersion: "config.openshift.io/v1", kind: "DNS", metadata: { name: "cluster" }, spec: { baseDomain: c.baseDomain } }],
        // The default feature set; without it the CVO sees a mismatch and shuts down.
        "05a-featuregate.yaml": [{ apiVersion: "config.openshift.io/v1", kind: "FeatureGate", metadata: { name: "cluster" }, spec: { featureSet: "" } }],
        // The network operator reads install-config from here.
        "05b-cluster-config-v1.yaml": [{
            apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cluster-config-v1", namespace: "kube-system" },
            data: { "install-config": YAML.stringify(installConfig(c)) },
        }],
        "05c-etcd-endpoints.yaml": [{
            apiVersion: "v1", kind: "ConfigMap",
            metadata: {
                name: "etcd-endpoints", namespace: "openshift-etcd",
                // Fix: cluster-etcd-operator reads the bootstrap member's IP from this
                // annotation, not from the tutorial's data.bootstrapIP key (othw-facts §8.7).
                annotations: { "alpha.installer.openshift.io/etcd-bootstrap": c.nodes.bootstrap.ip },
            },
            data: {},
        }],
        "08-clusterversion.yaml": [{
            apiVersion: "config.openshift.io/v1", kind: "ClusterVersion", metadata: { name: "version" },
            // No desiredUpdate: the CVO takes the version from its own image (othw-facts §8.7).
            spec: { channel: `stable-${minor}`, clusterID: clusterId(c) },
        }],
    };
}

/**
 * `openshift-config/pull-secret` (othw-facts §6.1, 06-pull-secret.yaml).
 * @param dockerConfigJson the pull secret file's contents, e.g. `{"auths":{...}}`.
 * @returns the Secret; it embeds credentials, so callers keep it inside secret outputs only.
 */
export function pullSecretManifest(dockerConfigJson: string): KubeObject {
    return {
        apiVersion: "v1", kind: "Secret", type: "kubernetes.io/dockerconfigjson",
        metadata: { name: "pull-secret", namespace: "openshift-config" },
        data: { ".dockerconfigjson": Buffer.from(dockerConfigJson).toString("base64") },
    };
}

/** YAML text of one or more objects: documents separated by `---`, keys in the order built. */
export function toYaml(objects: object | object[]): string {
    const docs = Array.isArray(objects) ? objects : [objects];
    return docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join("---\n");
}
