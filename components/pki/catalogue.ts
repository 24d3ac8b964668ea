import type { ClusterConfig } from "../config";
import { derived } from "../config/derived";
import { BOOTSTRAP_SECRETS_DIR } from "../node-paths";
import { AGGREGATOR_CLIENT_CN } from "../static-pods/kube-apiserver";

/**
 * The cluster PKI as data (othw-facts §3 with spec/README.md's decisions): which CAs exist, which
 * leaf certificates each signs, with which subject, usages and SANs, and where each file lands on
 * the nodes. ClusterPki turns this table into @pulumi/tls resources; nothing here is Pulumi.
 */

/** The CAs: root-ca signs the three intermediates; kubelet-ca of the tutorial is dropped (unused, and an invalid chain under a pathlen:0 CA). */
export type CaName = "root-ca" | "etcd-ca" | "kubernetes-ca" | "front-proxy-ca";

/** spec/README.md "validity": CAs 10 years, leaves 1 year (hours). */
export const CA_VALIDITY_HOURS = 10 * 365 * 24;
export const LEAF_VALIDITY_HOURS = 365 * 24;
/**
 * Renewal shows up in `pulumi preview` as a replacement this long before expiry: 30 days for
 * leaves, a year for CAs (replacing a CA re-issues everything it signed).
 */
export const LEAF_EARLY_RENEWAL_HOURS = 30 * 24;
export const CA_EARLY_RENEWAL_HOURS = 365 * 24;

/** Where a file of the PKI is written on a node. `node` is a node name or "masters" (every master). */
export interface NodeFile {
    node: string;
    path: string;
    /** 0o644 for certificates and public keys, 0o600 for private keys. */
    mode: number;
}

/** A certificate authority. */
export interface CaSpec {
    name: CaName;
    commonName: string;
    /** The CA that signs this one; none for the self-signed root. */
    signer?: CaName;
    /** Where `<name>.crt` lands. */
    certFiles: NodeFile[];
    /** Where `<name>.key` lands (front-proxy-ca's key stays off the nodes). */
    keyFiles: NodeFile[];
}

/** Extended key usage of a leaf: TLS server, TLS client, or both. */
export type Usage = "server" | "client" | "both";

/** A leaf certificate and its key. */
export interface LeafSpec {
    /** The name used in the asset directory, e.g. `etcd-peer-bootstrap`. */
    name: string;
    commonName: string;
    /** Subject O, e.g. `system:masters` for admin; most leaves have none (othw-facts §3.1). */
    organization?: string;
    signer: CaName;
    usage: Usage;
    dnsNames: string[];
    ipAddresses: string[];
    /** Nodes that get `<base>.crt` and `<base>.key` in /etc/kubernetes/bootstrap-secrets; the base may differ from `name` (etcd-peer-bootstrap → etcd-peer). */
    files: { node: string; base: string }[];
}

/** The full table for one cluster. */
export interface Catalogue {
    cas: CaSpec[];
    leaves: LeafSpec[];
    /** The service-account key pair: `service-account.key` (0600) and `service-account.pub` (0644). */
    serviceAccountFiles: { node: string; base: string }[];
}

/** `allowedUses` of @pulumi/tls for a leaf (othw-facts §3.1: keyUsage digitalSignature, keyEncipherment). */
export function leafUses(usage: Usage): string[] {
    const eku = { server: ["server_auth"], client: ["client_auth"], both: ["server_auth", "client_auth"] }[usage];
    return ["digital_signature", "key_encipherment", ...eku];
}

/** `allowedUses` of a CA: it signs certificates and CRLs. */
export const CA_USES = ["cert_signing", "crl_signing", "digital_signature"];

/** The first address of the service network: the `kubernetes` Service's ClusterIP, e.g. 172.30.0.1. */
export function kubernetesServiceIP(c: ClusterConfig): string {
    return derived(c).kubernetesServiceIp;
}

const secretOn = (node: string, base: string, mode: number): NodeFile => ({ node, path: `${BOOTSTRAP_SECRETS_DIR}/${base}`, mode });

/**
 * The PKI catalogue for a cluster config: every CA and leaf of othw-facts §3.2–3.4, SANs taken
 * from the config (cluster domain, node names and IPs, the first service IP).
 */
export function pkiCatalogue(c: ClusterConfig): Catalogue {
    const d = derived(c).clusterDomain;
    const b = c.nodes.bootstrap;
    const nodeIPs = [b.ip, ...c.nodes.masters.map((m) => m.ip)];
    const boot = b.name;
    const ca = (name: CaName, signer: CaName | undefined, masterPath?: string, shipKey = true): CaSpec => ({
        name, commonName: name, signer,
        certFiles: [secretOn(boot, `${name}.crt`, 0o644), ...(masterPath ? [{ node: "masters", path: masterPath, mode: 0o644 }] : [])],
        keyFiles: shipKey ? [secretOn(boot, `${name}.key`, 0o600)] : [],
    });
    const onBootstrap = (base: string) => [{ node: boot, base }];
    return {
        cas: [
            // Only the MCO render reads it; no pod on the node does.
            ca("root-ca", undefined),
            ca("etcd-ca", "root-ca", "/etc/kubernetes/etcd-ca.crt"),
            ca("kubernetes-ca", "root-ca", "/etc/kubernetes/ca.crt"),
            // The apiserver only needs the certificate; the key never leaves the asset directory.
            ca("front-proxy-ca", "root-ca", undefined, false),
        ],
        leaves: [
            {
                name: "etcd-peer-bootstrap", commonName: "etcd-peer-bootstrap", signer: "etcd-ca", usage: "both",
                dnsNames: [`${b.name}.${d}`, "localhost"], ipAddresses: [b.ip, "127.0.0.1"], files: onBootstrap("etcd-peer"),
            },
            // Not shipped by the tutorial (cluster-etcd-operator issues the masters' own), but
            // catalogued so the masters' etcd members can be tested and bootstrapped by hand.
            ...c.nodes.masters.map((m, i): LeafSpec => ({
                name: `etcd-peer-${m.name}`, commonName: `etcd-peer-${m.name}`, signer: "etcd-ca", usage: "both",
                dnsNames: [`${m.name}.${d}`, `etcd-${i}.${d}`, "localhost"], ipAddresses: [m.ip, "127.0.0.1"], files: [],
            })),
            {
                // serverAuth and clientAuth: etcd health-checks itself with its serving certificate.
                name: "etcd-server", commonName: "etcd-server", signer: "etcd-ca", usage: "both",
                dnsNames: ["localhost", `etcd.${d}`], ipAddresses: [...nodeIPs, "127.0.0.1"], files: onBootstrap("etcd-server"),
            },
            {
                name: "etcd-client", commonName: "system:etcd-client", signer: "etcd-ca", usage: "client",
                dnsNames: [], ipAddresses: [], files: onBootstrap("etcd-client"),
            },
            {
                // localhost for bootkube and the CVO, api/api-int for clients, every node IP for
                // DNS round-robin, and the kubernetes Service IP for in-cluster clients.
                name: "kube-apiserver", commonName: "kube-apiserver", signer: "kubernetes-ca", usage: "both",
                dnsNames: ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
                    `api.${d}`, `api-int.${d}`, "localhost"],
                ipAddresses: [...nodeIPs, "127.0.0.1", kubernetesServiceIP(c)],
                files: onBootstrap("kube-apiserver"),
            },
            {
                name: "kube-apiserver-kubelet-client", commonName: "system:kube-apiserver", signer: "kubernetes-ca", usage: "client",
                dnsNames: [], ipAddresses: [], files: onBootstrap("kube-apiserver-kubelet-client"),
            },
            {
                name: "kube-controller-manager", commonName: "system:kube-controller-manager", signer: "kubernetes-ca", usage: "client",
                dnsNames: [], ipAddresses: [], files: [],
            },
            {
                name: "kube-scheduler", commonName: "system:kube-scheduler", signer: "kubernetes-ca", usage: "client",
                dnsNames: [], ipAddresses: [], files: [],
            },
            {
                // Fix: the tutorial's CN `front-proxy-client` is not among the apiserver's
                // --requestheader-allowed-names (othw-facts §3.4 [cross-check]).
                name: "front-proxy-client", commonName: AGGREGATOR_CLIENT_CN, signer: "front-proxy-ca", usage: "client",
                dnsNames: [], ipAddresses: [], files: onBootstrap("front-proxy-client"),
            },
            {
                name: "admin", commonName: "system:admin", organization: "system:masters", signer: "kubernetes-ca", usage: "client",
                dnsNames: [], ipAddresses: [], files: onBootstrap("admin"),
            },
            {
                // No group: the bootstrapper's rights come from the ClusterRoleBindings to the user.
                name: "kubelet-bootstrap", commonName: "system:bootstrapper", signer: "kubernetes-ca", usage: "client",
                dnsNames: [], ipAddresses: [], files: [],
            },
        ],
        serviceAccountFiles: onBootstrap("service-account"),
    };
}

/** A kubeconfig of the cluster (othw-facts §4) and where it lands. */
export interface KubeconfigEntry {
    /** File base: `<name>.kubeconfig` under /etc/kubernetes/kubeconfigs on the bootstrap node. */
    name: string;
    /** The leaf whose certificate and key it carries. */
    leaf: string;
    /** The kubeconfig's user entry name. */
    user: string;
    /** The cluster entry name. */
    clusterName: string;
    server: string;
    /** Extra places on nodes, e.g. the masters' kubelet bootstrap kubeconfig. */
    extraFiles: NodeFile[];
}

/**
 * The kubeconfigs the nodes and the user need, all trusting kubernetes-ca (which signs the API
 * server's certificate): admin (api), the controller manager, scheduler and kubelet bootstrap
 * (api-int), and localhost (bootkube and the CVO on the bootstrap node).
 */
export function kubeconfigCatalogue(c: ClusterConfig, masterBootstrapKubeconfig: string): KubeconfigEntry[] {
    const d = derived(c).clusterDomain;
    const api = `https://api.${d}:6443`;
    const apiInt = `https://api-int.${d}:6443`;
    return [
        { name: "admin", leaf: "admin", user: "admin", clusterName: c.clusterName, server: api, extraFiles: [] },
        { name: "kube-controller-manager", leaf: "kube-controller-manager", user: "system:kube-controller-manager", clusterName: c.clusterName, server: apiInt, extraFiles: [] },
        { name: "kube-scheduler", leaf: "kube-scheduler", user: "system:kube-scheduler", clusterName: c.clusterName, server: apiInt, extraFiles: [] },
        {
            name: "kubelet-bootstrap", leaf: "kubelet-bootstrap", user: "system:bootstrapper", clusterName: c.clusterName, server: apiInt,
            // The masters' kubelet bootstraps with it, and kube-proxy runs with it.
            extraFiles: [{ node: "masters", path: masterBootstrapKubeconfig, mode: 0o600 }],
        },
        { name: "localhost", leaf: "admin", user: "admin", clusterName: "localhost", server: "https://localhost:6443", extraFiles: [] },
    ];
}
