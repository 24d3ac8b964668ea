import * as crypto from "node:crypto";
import YAML from "yaml";
import type { ClusterConfig } from "../config";
import { derived } from "../config/derived";
import { NODE_BOOTSTRAPPER } from "../pki/catalogue";
import { DISABLED_FEATURE_GATES, ENABLED_FEATURE_GATES } from "./feature-gates";
import { clusterRoleBinding, KubeObject } from "./objects";
import { clusterPolicyControllerRbac } from "./operators/kube-controller-manager";

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

/**
 * The namespaces bootkube creates first (01-namespaces.yaml), with the operators'
 * own namespaces their inputs live in (openshift-kube-apiserver-operator,
 * openshift-kube-controller-manager-operator).
 */
export const NAMESPACES = [
    "openshift-config", "openshift-config-managed", "openshift-etcd", "openshift-kube-apiserver",
    "openshift-kube-apiserver-operator", "openshift-kube-controller-manager", "openshift-kube-controller-manager-operator",
    "openshift-kube-scheduler", "openshift-cluster-version", "openshift-machine-config-operator", "openshift-infra", "openshift-node",
];

/**
 * Control-plane namespaces as the operators' renders create them: run on any node
 * (`openshift.io/node-selector: ""`), management workloads; etcd and the kube-apiserver at
 * run-level 0, so no SCC admission stands between them and their static pods
 * (cluster-etcd-operator bindata/etcd/ns.yaml, cluster-kube-apiserver-operator
 * bindata/bootkube/manifests/00_openshift-kube-apiserver*-ns.yaml, release-4.18).
 */
const CONTROL_PLANE_NAMESPACES: Record<string, { runLevel0: boolean }> = {
    "openshift-etcd": { runLevel0: true },
    "openshift-kube-apiserver": { runLevel0: true },
    "openshift-kube-apiserver-operator": { runLevel0: true },
    "openshift-kube-controller-manager": { runLevel0: false },
    "openshift-kube-controller-manager-operator": { runLevel0: false },
};

function namespace(name: string): KubeObject {
    const cp = CONTROL_PLANE_NAMESPACES[name];
    if (!cp) return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
    return {
        apiVersion: "v1", kind: "Namespace",
        metadata: {
            name,
            annotations: { "openshift.io/node-selector": "", "workload.openshift.io/allowed": "management" },
            ...(cp.runLevel0 ? { labels: { "openshift.io/run-level": "0" } } : {}),
        },
    };
}

/** The cluster domain, `<clusterName>.<baseDomain>`. */
export function clusterDomain(c: ClusterConfig): string {
    return derived(c).clusterDomain;
}

/**
 * install-config as the cluster-config-v1 ConfigMap carries it (openshift-install writes it as
 * manifests/cluster-config.yaml: openshift/installer pkg/asset/manifests/operators.go,
 * release-4.18; the shape is pkg/types/installconfig.go). No pull secret
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
 * (bootkube.sh loops over the directory's `*.yaml`, which bash expands sorted: see
 * components/ignition/bootkube.ts), keyed by file name under /opt/openshift/manifests. Each value is the list
 * of objects in that file.
 *
 * Not here, on purpose: the pull-secret Secret, the kubeadmin Secret and the operators' inputs
 * embed secrets and are rendered into the (secret) Ignition config instead (see
 * pullSecretManifest and operatorInputManifests); the tutorial's `cluster-config` ConfigMap has
 * no known consumer.
 */
export function clusterManifests(c: ClusterConfig): Record<string, KubeObject[]> {
    const network = { clusterNetwork: [{ cidr: c.clusterNetwork.cidr, hostPrefix: c.clusterNetwork.hostPrefix }], serviceNetwork: [c.serviceNetwork] };
    const minor = c.release.version.split(".").slice(0, 2).join(".");
    return {
        "01-namespaces.yaml": NAMESPACES.map(namespace),
        // What the bootstrap controller manager's cluster-policy-controller acts with.
        "02-cluster-policy-controller-rbac.yaml": clusterPolicyControllerRbac(),
        "02-rbac.yaml": [
            // The masters' kubelets bootstrap as the node-bootstrapper service account (a client
            // certificate with its user name): they may create and watch their CSRs
            // (machine-config-operator manifests/csr-bootstrap-role-binding.yaml, release-4.18).
            // The approval comes from bootkube's approval loop, then from cluster-machine-approver.
            clusterRoleBinding("system-bootstrap-node-bootstrapper", "system:node-bootstrapper", { kind: "ServiceAccount", ...NODE_BOOTSTRAPPER }),
            // kube-proxy on the masters runs with the same kubeconfig until OVN-Kubernetes takes
            // over; it needs the node proxier's read access to Services and EndpointSlices.
            clusterRoleBinding("system-bootstrap-node-proxier", "system:node-proxier", { kind: "ServiceAccount", ...NODE_BOOTSTRAPPER }),
        ],
        "03-infrastructure.yaml": [{
            apiVersion: "config.openshift.io/v1",
            kind: "Infrastructure",
            metadata: { name: "cluster" },
            spec: { platformSpec: { type: "None" } },
            // `oc apply` drops status on a CRD with a status subresource: bootkube.sh must patch
            // it in with --subresource=status (the API server resets .status on create and update
            // when the subresource is on: kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/
            // pkg/registry/customresource/strategy.go, release-1.31); it is rendered here so both agree.
            status: {
                infrastructureName: infrastructureName(c),
                platform: "None",
                platformStatus: { type: "None" },
                apiServerURL: apiServerUrl(c),
                // The API's field is `apiServerInternalURI` (openshift/api config/v1
                // types_infrastructure.go); the real CRD rejects `apiServerInternalURL`.
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
        // The cluster domain, as openshift-install writes it (pkg/asset/manifests/dns.go); the
        // field is immutable once set, and the ingress and DNS operators create records under it.
        "05-dns.yaml": [{ apiVersion: "config.openshift.io/v1", kind: "DNS", metadata: { name: "cluster" }, spec: { baseDomain: clusterDomain(c) } }],
        // The default feature set; without it the CVO sees a mismatch and shuts down. The status
        // is what openshift/api's cluster-config-api render writes on a real bootstrap
        // (payload-command/cmd/render): with it, operators that wait for the feature gates of
        // their version start before cluster-config-operator runs on a master. bootkube.sh
        // patches it in through the status subresource, as it does the Infrastructure's.
        "05a-featuregate.yaml": [featureGate(c)],
        // No workers: routers, registry and console run on the masters, where *.apps points
        // (openshift-install pkg/asset/manifests/scheduler.go sets this when there are none).
        "05d-scheduler.yaml": [{ apiVersion: "config.openshift.io/v1", kind: "Scheduler", metadata: { name: "cluster" }, spec: { mastersSchedulable: true, policy: { name: "" } } }],
        // The routes' domain (openshift-install pkg/asset/manifests/ingress.go).
        "05e-ingress.yaml": [{ apiVersion: "config.openshift.io/v1", kind: "Ingress", metadata: { name: "cluster" }, spec: { domain: `apps.${clusterDomain(c)}` } }],
        // No proxy: openshift-install writes this Proxy even then (pkg/asset/manifests/proxy.go,
        // cluster-proxy-01-config.yaml), and machine-config-operator's bootstrap render refuses
        // to run without one (pkg/operator/bootstrap.go, release-4.18: --proxy-config-file).
        "05f-proxy.yaml": [{ apiVersion: "config.openshift.io/v1", kind: "Proxy", metadata: { name: "cluster" }, spec: {} }],
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
                // annotation, not from a data.bootstrapIP key (openshift/cluster-etcd-operator
                // pkg/etcdcli/etcdcli.go and bindata/bootkube/manifests/00_etcd-endpoints-cm.yaml, release-4.18).
                annotations: { "alpha.installer.openshift.io/etcd-bootstrap": c.nodes.bootstrap.ip },
            },
            data: {},
        }],
        // The core user's SSH keys for the master and worker pools, as openshift-install ships them
        // (pkg/asset/machines/machineconfig/authorizedkeys.go:
        // openshift/99_openshift-machineconfig_99-{master,worker}-ssh.yaml): the bootstrap
        // machine-config-controller renders them into what its server serves, and the
        // machine-config-daemon manages them from then on.
        "07-machineconfig-ssh.yaml": (["master", "worker"] as const).map((role) => ({
            apiVersion: "machineconfiguration.openshift.io/v1", kind: "MachineConfig",
            metadata: { name: `99-${role}-ssh`, labels: { "machineconfiguration.openshift.io/role": role } },
            spec: { config: { ignition: { version: "3.2.0" }, passwd: { users: [{ name: "core", sshAuthorizedKeys: c.sshKeys }] } } },
        })),
        "08-clusterversion.yaml": [{
            apiVersion: "config.openshift.io/v1", kind: "ClusterVersion", metadata: { name: "version" },
            // No desiredUpdate: the CVO takes the version from its own image, as with openshift-install's
            // ClusterVersion (openshift/installer data/data/manifests/bootkube/cvo-overrides.yaml.template, release-4.18).
            spec: { channel: `stable-${minor}`, clusterID: clusterId(c) },
        }],
    };
}

/**
 * The FeatureGate `cluster` with the Default feature set and its status for the release version
 * (the lists of openshift/api release-4.18, see feature-gates.ts); `include.release...` marks it
 * as the self-managed HA profile's, as the render does.
 */
export function featureGate(c: ClusterConfig): KubeObject {
    return {
        apiVersion: "config.openshift.io/v1", kind: "FeatureGate",
        metadata: { name: "cluster", annotations: { "include.release.openshift.io/self-managed-high-availability": "true" } },
        spec: { featureSet: "" },
        status: {
            featureGates: [{
                version: c.release.version,
                enabled: ENABLED_FEATURE_GATES.map((name) => ({ name })),
                disabled: DISABLED_FEATURE_GATES.map((name) => ({ name })),
            }],
        },
    };
}

/**
 * `openshift-config/pull-secret`, as openshift-install writes it (openshift/installer
 * data/data/manifests/bootkube/openshift-config-secret-pull-secret.yaml.template, release-4.18);
 * here the file is 06-pull-secret.yaml.
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
