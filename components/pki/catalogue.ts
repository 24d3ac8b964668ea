import type { ClusterConfig } from "../config";
import { derived } from "../config/derived";
import { BOOTSTRAP_SECRETS_DIR, MASTER_BOOTSTRAP_KUBECONFIG, MASTER_KUBELET_CA } from "../node-paths";

/**
 * The cluster PKI as data: openshift-install's signers, leaf certificates, CA bundles and key
 * pairs (openshift/installer pkg/asset/tls, release-4.18), and etcd's certificates as
 * cluster-etcd-operator's `render` makes them (openshift/cluster-etcd-operator pkg/tlshelpers,
 * pkg/cmd/render, release-4.18). ClusterPki turns this table into @pulumi/tls resources; nothing
 * here is Pulumi, and nothing here imports a later stage: static pods, kubeconfigs and cluster
 * manifests name the files through {@link crt}, {@link key} and {@link pub}, which accept only the
 * names declared here.
 *
 * What differs from openshift-install, on purpose:
 * - lifetimes: every signer 10 years, every leaf 1 year (the installer's 1-day aggregator and
 *   kubelet signers and 1-day serving certificates make a lab unusable after a day off);
 *   `pulumi preview` shows the renewal as a replacement before expiry (earlyRenewalHours);
 * - the deprecated `aggregator-ca`/`apiserver-proxy` pair is not made: the kube-apiserver proxies
 *   with `aggregator-client` (aggregator-signer), which its `--requestheader-client-ca-file` trusts;
 * - a subject has at most one O (a @pulumi/tls limit): the kubelet bootstrap identity keeps
 *   `system:serviceaccounts:openshift-machine-config-operator` and drops the redundant
 *   `system:serviceaccounts`; etcd's clients keep `system:etcd` (nothing authorises on it);
 * - etcd's signers are named `openshift-etcd_etcd-signer`, without library-go's `@<unix time>`
 *   suffix, which would make the render depend on the clock;
 * - `journal-gatewayd` is not made (no journal gateway runs on the bootstrap node).
 */

/** The signers, each self-signed with its own name (openshift/installer pkg/asset/tls/*.go). */
export const SIGNER_NAMES = [
    "root-ca", "admin-kubeconfig-signer", "kubelet-bootstrap-kubeconfig-signer",
    "kube-apiserver-localhost-signer", "kube-apiserver-service-network-signer", "kube-apiserver-lb-signer",
    "kube-apiserver-to-kubelet-signer", "kube-control-plane-signer", "aggregator-signer", "kubelet-signer",
    "etcd-signer", "etcd-metric-signer",
] as const;
export type SignerName = typeof SIGNER_NAMES[number];

/** Leaf certificates whose name does not depend on a node. */
export const FIXED_LEAF_NAMES = [
    "admin-kubeconfig-client", "kubelet-client",
    "kube-apiserver-localhost-server", "kube-apiserver-service-network-server", "kube-apiserver-lb-server",
    "kube-apiserver-internal-lb-server", "kube-apiserver-to-kubelet-client",
    "kube-control-plane-kube-controller-manager-client", "kube-control-plane-kube-scheduler-client",
    "aggregator-client", "machine-config-server", "etcd-client", "etcd-metric-client",
] as const;
/** etcd's per-node certificates: `etcd-peer-<node>`, `etcd-serving-<node>`, `etcd-serving-metrics-<node>`. */
export type EtcdNodeLeafName = `etcd-peer-${string}` | `etcd-serving-${string}` | `etcd-serving-metrics-${string}`;
export type LeafName = typeof FIXED_LEAF_NAMES[number] | EtcdNodeLeafName;

/** The CA bundles (openshift/installer pkg/asset/tls/*cabundle*.go; etcd's from cluster-etcd-operator). */
export const BUNDLE_NAMES = [
    "admin-kubeconfig-ca-bundle", "kubelet-bootstrap-kubeconfig-ca-bundle", "kubelet-client-ca-bundle",
    "kubelet-serving-ca-bundle", "kube-apiserver-to-kubelet-ca-bundle", "kube-apiserver-localhost-ca-bundle",
    "kube-apiserver-service-network-ca-bundle", "kube-apiserver-lb-ca-bundle", "kube-control-plane-ca-bundle",
    "aggregator-ca-bundle", "kube-apiserver-complete-server-ca-bundle", "kube-apiserver-complete-client-ca-bundle",
    "etcd-ca-bundle", "etcd-metrics-ca-bundle",
] as const;
export type BundleName = typeof BUNDLE_NAMES[number];

/** RSA key pairs without a certificate: `<name>.key` and `<name>.pub`. */
export const KEY_PAIR_NAMES = ["service-account", "bound-service-account-signing-key"] as const;
export type KeyPairName = typeof KEY_PAIR_NAMES[number];

/** A certificate or bundle file by its catalogue name, e.g. `crt("etcd-ca-bundle")` → `etcd-ca-bundle.crt`: the typed way every later stage names one. */
export function crt(name: SignerName | LeafName | BundleName): string { return `${name}.crt`; }
/** A private key file by its catalogue name, e.g. `key("kubelet-signer")` → `kubelet-signer.key`. */
export function key(name: SignerName | LeafName | KeyPairName): string { return `${name}.key`; }
/** A public key file (PKIX PEM) of a key pair, e.g. `pub("service-account")` → `service-account.pub`. */
export function pub(name: KeyPairName): string { return `${name}.pub`; }
/** etcd's per-node leaf names, e.g. `etcdLeaf("serving", "bootstrap")` → `etcd-serving-bootstrap`. */
export function etcdLeaf(kind: "peer" | "serving" | "serving-metrics", node: string): EtcdNodeLeafName {
    return `etcd-${kind}-${node}` as EtcdNodeLeafName;
}

/** This project's lifetimes (hours): signers 10 years, leaves 1 year (openshift-install's 1-day ones are too short for a lab). */
export const CA_VALIDITY_HOURS = 10 * 365 * 24;
export const LEAF_VALIDITY_HOURS = 365 * 24;
/**
 * Renewal shows up in `pulumi preview` as a replacement this long before expiry: 30 days for
 * leaves, a year for signers (replacing a signer re-issues everything it signed).
 */
export const LEAF_EARLY_RENEWAL_HOURS = 30 * 24;
export const CA_EARLY_RENEWAL_HOURS = 365 * 24;

/**
 * The CN of the front-proxy (aggregator) client certificate, and the name
 * `--requestheader-allowed-names` accepts: openshift-install's `aggregator-client`
 * (pkg/asset/tls/aggregator.go, CN `system:kube-apiserver-proxy`).
 */
export const AGGREGATOR_CLIENT_CN = "system:kube-apiserver-proxy";

/**
 * The kubelet bootstrap identity: the service account cluster-machine-approver accepts CSRs from
 * (openshift/cluster-machine-approver pkg/controller/csr_check.go) and that
 * machine-config-operator binds to `system:node-bootstrapper` (manifests/csr-bootstrap-role-binding.yaml).
 */
export const NODE_BOOTSTRAPPER = { namespace: "openshift-machine-config-operator", name: "node-bootstrapper" } as const;
export const NODE_BOOTSTRAPPER_USER = `system:serviceaccount:${NODE_BOOTSTRAPPER.namespace}:${NODE_BOOTSTRAPPER.name}`;

/** A file of the PKI on a node. `node` is a node name or "masters" (every master). */
export interface NodeFile {
    node: string;
    path: string;
    /** 0o644 for certificates and public keys, 0o600 for private keys. */
    mode: number;
}

/** A signer: a self-signed CA certificate and its key. */
export interface SignerSpec {
    name: SignerName;
    commonName: string;
    /** openshift-install's signers carry OU=openshift (its CA code requires one); etcd's carry none. */
    organizationalUnit?: string;
    /** Whether the key goes to the bootstrap node: only where a bootstrap pod signs with it. */
    keyOnBootstrap: boolean;
}

/** Extended key usage of a leaf: TLS server, TLS client, or both. */
export type Usage = "server" | "client" | "both";

/** A leaf certificate and its key. */
export interface LeafSpec {
    name: LeafName;
    commonName: string;
    /** Subject O, e.g. `system:masters` for the admin. */
    organization?: string;
    signer: SignerName;
    usage: Usage;
    /** Key usages; digitalSignature + keyEncipherment unless the installer sets none (machine-config-server). */
    keyUsages: string[];
    dnsNames: string[];
    ipAddresses: string[];
    /** The `.crt` file holds the leaf followed by its signer (the installer's AppendParent; etcd's render). */
    chain: boolean;
    /** Whether `<name>.crt`/`.key` go to the bootstrap node's secrets directory. */
    onBootstrap: boolean;
}

/** A CA bundle: the signers' certificates, concatenated in this order. */
export interface BundleSpec { name: BundleName; signers: SignerName[] }

/** The full table for one cluster. */
export interface Catalogue {
    signers: SignerSpec[];
    leaves: LeafSpec[];
    bundles: BundleSpec[];
    keyPairs: KeyPairName[];
    /** Where each file lands on the nodes (all of the above, by file name under BOOTSTRAP_SECRETS_DIR or elsewhere). */
    nodeFiles: { file: string; to: NodeFile[] }[];
}

/** `allowedUses` of @pulumi/tls for a leaf. */
export function leafUses(l: Pick<LeafSpec, "usage" | "keyUsages">): string[] {
    const eku = { server: ["server_auth"], client: ["client_auth"], both: ["server_auth", "client_auth"] }[l.usage];
    return [...l.keyUsages, ...eku];
}

/** `allowedUses` of a signer: keyEncipherment, digitalSignature, certSign (openshift/installer pkg/asset/tls/tls.go). */
export const CA_USES = ["key_encipherment", "digital_signature", "cert_signing"];

const KE_DS = ["digital_signature", "key_encipherment"];

/** The first address of the service network: the `kubernetes` Service's ClusterIP, e.g. 172.30.0.1. */
export function kubernetesServiceIP(c: ClusterConfig): string {
    return derived(c).kubernetesServiceIp;
}

/**
 * The DNS names of the kube-apiserver's service-network certificate
 * (openshift/installer pkg/asset/tls/kubeapiserver.go, KubeAPIServerServiceNetworkServerCertKey).
 */
export const SERVICE_NETWORK_DNS_NAMES = [
    "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
    "openshift", "openshift.default", "openshift.default.svc", "openshift.default.svc.cluster.local",
];

/**
 * etcd's serving and peer names for one node, as cluster-etcd-operator's render writes them
 * (pkg/tlshelpers/tlshelpers.go, pkg/cmd/render): the four etcd Service names, localhost, and the
 * addresses 127.0.0.1, the node's IP and ::1, the addresses also as DNS names; the CN is the first
 * name in sorted order, `127.0.0.1`.
 */
export function etcdNodeNames(ip: string): { commonName: string; dnsNames: string[]; ipAddresses: string[] } {
    const ips = ["127.0.0.1", ip, "::1"];
    return {
        commonName: "127.0.0.1",
        dnsNames: ["etcd.kube-system.svc", "etcd.kube-system.svc.cluster.local", "etcd.openshift-etcd.svc",
            "etcd.openshift-etcd.svc.cluster.local", "localhost", ...ips],
        ipAddresses: ips,
    };
}

/**
 * The PKI catalogue for a cluster config: every signer, leaf, bundle and key pair, SANs from the
 * config (cluster domain, bootstrap and master IPs, the first service IP), and where each file lands.
 */
export function pkiCatalogue(c: ClusterConfig): Catalogue {
    const d = derived(c).clusterDomain;
    const boot = c.nodes.bootstrap;
    const signer = (name: SignerName, keyOnBootstrap = false): SignerSpec => ({ name, commonName: name, organizationalUnit: "openshift", keyOnBootstrap });
    // cluster-etcd-operator's signers: library-go names them `<namespace>_<secret name>`.
    const etcdSigner = (name: SignerName): SignerSpec => ({ name, commonName: `openshift-etcd_${name}`, keyOnBootstrap: false });
    const leaf = (l: Omit<LeafSpec, "keyUsages" | "dnsNames" | "ipAddresses" | "chain" | "onBootstrap"> & Partial<LeafSpec>): LeafSpec =>
        ({ keyUsages: KE_DS, dnsNames: [], ipAddresses: [], chain: false, onBootstrap: true, ...l });
    const apiServer = { commonName: "system:kube-apiserver", organization: "kube-master" };
    const etcdLeaves = (node: { name: string; ip: string }, onBootstrap: boolean, metrics: boolean): LeafSpec[] => {
        const n = etcdNodeNames(node.ip);
        const one = (kind: "peer" | "serving" | "serving-metrics", s: SignerName): LeafSpec =>
            leaf({ name: etcdLeaf(kind, node.name), ...n, signer: s, usage: "both", chain: true, onBootstrap });
        return [one("peer", "etcd-signer"), one("serving", "etcd-signer"), ...(metrics ? [one("serving-metrics", "etcd-metric-signer")] : [])];
    };
    const signers: SignerSpec[] = [
        // Signs only the machine-config-server certificate; its key never leaves the asset directory.
        signer("root-ca"),
        // The admin's and the kubelet bootstrap identity's signers stay off the nodes too
        // (openshift/installer: only their bundles go to the bootstrap node).
        signer("admin-kubeconfig-signer"),
        signer("kubelet-bootstrap-kubeconfig-signer"),
        signer("kube-apiserver-localhost-signer"),
        signer("kube-apiserver-service-network-signer"),
        signer("kube-apiserver-lb-signer"),
        signer("kube-apiserver-to-kubelet-signer"),
        signer("kube-control-plane-signer"),
        signer("aggregator-signer"),
        // The bootstrap kube-controller-manager signs the nodes' CSRs with it.
        signer("kubelet-signer", true),
        etcdSigner("etcd-signer"),
        etcdSigner("etcd-metric-signer"),
    ];
    const leaves: LeafSpec[] = [
        leaf({ name: "admin-kubeconfig-client", commonName: "system:admin", organization: "system:masters", signer: "admin-kubeconfig-signer", usage: "both", onBootstrap: false }),
        leaf({ name: "kubelet-client", commonName: NODE_BOOTSTRAPPER_USER, organization: `system:serviceaccounts:${NODE_BOOTSTRAPPER.namespace}`,
            signer: "kubelet-bootstrap-kubeconfig-signer", usage: "client", onBootstrap: false }),
        // The kube-apiserver's four serving certificates, each chained to its signer.
        leaf({ name: "kube-apiserver-localhost-server", ...apiServer, signer: "kube-apiserver-localhost-signer", usage: "server",
            dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"], chain: true }),
        leaf({ name: "kube-apiserver-service-network-server", ...apiServer, signer: "kube-apiserver-service-network-signer", usage: "server",
            dnsNames: SERVICE_NETWORK_DNS_NAMES, ipAddresses: [kubernetesServiceIP(c)], chain: true }),
        leaf({ name: "kube-apiserver-lb-server", ...apiServer, signer: "kube-apiserver-lb-signer", usage: "server", dnsNames: [`api.${d}`], chain: true }),
        leaf({ name: "kube-apiserver-internal-lb-server", ...apiServer, signer: "kube-apiserver-lb-signer", usage: "server", dnsNames: [`api-int.${d}`], chain: true }),
        leaf({ name: "kube-apiserver-to-kubelet-client", ...apiServer, signer: "kube-apiserver-to-kubelet-signer", usage: "client" }),
        // The installer's control-plane client identities are system:admin. The controller
        // manager's also goes to the bootstrap secrets: the bootstrap cluster-policy-controller
        // serves with it (openshift/cluster-kube-controller-manager-operator
        // bindata/bootkube/config/bootstrap-cluster-policy-controller-config-overrides.yaml, release-4.18).
        leaf({ name: "kube-control-plane-kube-controller-manager-client", commonName: "system:admin", organization: "system:masters",
            signer: "kube-control-plane-signer", usage: "client" }),
        leaf({ name: "kube-control-plane-kube-scheduler-client", commonName: "system:admin", organization: "system:masters",
            signer: "kube-control-plane-signer", usage: "client", onBootstrap: false }),
        leaf({ name: "aggregator-client", commonName: AGGREGATOR_CLIENT_CN, organization: "kube-master", signer: "aggregator-signer", usage: "client" }),
        // The machine-config-server's certificate: the only leaf root-ca signs; no key usage, as the installer's.
        leaf({ name: "machine-config-server", commonName: "system:machine-config-server", signer: "root-ca", usage: "server",
            keyUsages: [], dnsNames: [`api-int.${d}`] }),
        leaf({ name: "etcd-client", commonName: "etcd-client", organization: "system:etcd", signer: "etcd-signer", usage: "client" }),
        leaf({ name: "etcd-metric-client", commonName: "etcd-metric", organization: "system:etcd", signer: "etcd-metric-signer", usage: "client", onBootstrap: false }),
        ...etcdLeaves(boot, true, true),
        // Not shipped (cluster-etcd-operator issues the masters' own once they are nodes), but
        // catalogued so the masters' etcd members can be tested and bootstrapped by hand.
        ...c.nodes.masters.flatMap((m) => etcdLeaves(m, false, false)),
    ];
    const b = (name: BundleName, ...s: SignerName[]): BundleSpec => ({ name, signers: s });
    const controlPlane: SignerName[] = ["kube-control-plane-signer", "kube-apiserver-lb-signer", "kube-apiserver-localhost-signer", "kube-apiserver-service-network-signer"];
    const bundles: BundleSpec[] = [
        b("admin-kubeconfig-ca-bundle", "admin-kubeconfig-signer"),
        b("kubelet-bootstrap-kubeconfig-ca-bundle", "kubelet-bootstrap-kubeconfig-signer"),
        b("kubelet-client-ca-bundle", "kubelet-signer"),
        b("kubelet-serving-ca-bundle", "kubelet-signer"),
        b("kube-apiserver-to-kubelet-ca-bundle", "kube-apiserver-to-kubelet-signer"),
        b("kube-apiserver-localhost-ca-bundle", "kube-apiserver-localhost-signer"),
        b("kube-apiserver-service-network-ca-bundle", "kube-apiserver-service-network-signer"),
        b("kube-apiserver-lb-ca-bundle", "kube-apiserver-lb-signer"),
        b("kube-control-plane-ca-bundle", ...controlPlane),
        b("aggregator-ca-bundle", "aggregator-signer"),
        // Every kubeconfig's CA: the three serving signers.
        b("kube-apiserver-complete-server-ca-bundle", "kube-apiserver-localhost-signer", "kube-apiserver-service-network-signer", "kube-apiserver-lb-signer"),
        // The kube-apiserver's --client-ca-file: every client signer.
        b("kube-apiserver-complete-client-ca-bundle", "admin-kubeconfig-signer", "kubelet-signer", ...controlPlane,
            "kube-apiserver-to-kubelet-signer", "kubelet-bootstrap-kubeconfig-signer"),
        b("etcd-ca-bundle", "etcd-signer"),
        b("etcd-metrics-ca-bundle", "etcd-metric-signer"),
    ];
    const keyPairs: KeyPairName[] = ["service-account", "bound-service-account-signing-key"];

    const onBoot = (file: string, mode: number): NodeFile => ({ node: boot.name, path: `${BOOTSTRAP_SECRETS_DIR}/${file}`, mode });
    const nodeFiles: Catalogue["nodeFiles"] = [
        ...signers.map((s) => ({ file: crt(s.name), to: [onBoot(crt(s.name), 0o644)] })),
        ...signers.filter((s) => s.keyOnBootstrap).map((s) => ({ file: key(s.name), to: [onBoot(key(s.name), 0o600)] })),
        ...leaves.filter((l) => l.onBootstrap).flatMap((l) => [
            { file: crt(l.name), to: [onBoot(crt(l.name), 0o644)] },
            { file: key(l.name), to: [onBoot(key(l.name), 0o600)] },
        ]),
        ...bundles.map((x) => ({
            file: crt(x.name),
            to: [onBoot(crt(x.name), 0o644),
                // The masters' kubelet trusts client certificates from every client signer
                // (machine-config-server adds it as /etc/kubernetes/kubelet-ca.crt).
                ...(x.name === "kube-apiserver-complete-client-ca-bundle" ? [{ node: "masters", path: MASTER_KUBELET_CA, mode: 0o644 }] : [])],
        })),
        ...keyPairs.flatMap((k) => [
            { file: key(k), to: [onBoot(key(k), 0o600)] },
            { file: pub(k), to: [onBoot(pub(k), 0o644)] },
        ]),
    ];
    return { signers, leaves, bundles, keyPairs, nodeFiles };
}

/** The kubeconfigs, by the name later stages use for them (e.g. `kubeconfig("localhost")`). */
export type KubeconfigName = "admin" | "kube-controller-manager" | "kube-scheduler" | "kubelet-bootstrap" | "localhost";

/** A kubeconfig of the cluster (openshift/installer pkg/asset/kubeconfig) and where it lands. */
export interface KubeconfigEntry {
    /** File base: `<name>.kubeconfig` under /etc/kubernetes/kubeconfigs on the bootstrap node. */
    name: KubeconfigName;
    /** The leaf whose certificate and key it carries. */
    leaf: LeafName;
    /** The CA bundle it trusts the API server's certificate with. */
    ca: BundleName;
    /** The kubeconfig's user entry name. */
    user: string;
    /** The cluster entry name. */
    clusterName: string;
    server: string;
    /** Extra places on nodes, e.g. the masters' kubelet bootstrap kubeconfig. */
    extraFiles: NodeFile[];
}

/**
 * The kubeconfigs the nodes and the user need, as openshift-install makes them: admin (api,
 * admin-kubeconfig-client), the kubelet bootstrap identity (api-int, kubelet-client; the masters'
 * /etc/kubernetes/kubeconfig), localhost (the installer's loopback kubeconfig, trusting only
 * the localhost signer; bootkube and the CVO), and the bootstrap kube-controller-manager's and
 * kube-scheduler's (api-int, the kube-control-plane clients). Every other one trusts
 * kube-apiserver-complete-server-ca-bundle.
 */
export function kubeconfigCatalogue(c: ClusterConfig): KubeconfigEntry[] {
    const d = derived(c).clusterDomain;
    const api = `https://api.${d}:6443`;
    const apiInt = `https://api-int.${d}:6443`;
    const all = "kube-apiserver-complete-server-ca-bundle" as const;
    return [
        { name: "admin", leaf: "admin-kubeconfig-client", ca: all, user: "admin", clusterName: c.clusterName, server: api, extraFiles: [] },
        { name: "kube-controller-manager", leaf: "kube-control-plane-kube-controller-manager-client", ca: all, user: "system:admin", clusterName: c.clusterName, server: apiInt, extraFiles: [] },
        { name: "kube-scheduler", leaf: "kube-control-plane-kube-scheduler-client", ca: all, user: "system:admin", clusterName: c.clusterName, server: apiInt, extraFiles: [] },
        {
            name: "kubelet-bootstrap", leaf: "kubelet-client", ca: all, user: "kubelet", clusterName: c.clusterName, server: apiInt,
            // The masters' kubelet bootstraps with it, and kube-proxy runs with it.
            extraFiles: [{ node: "masters", path: MASTER_BOOTSTRAP_KUBECONFIG, mode: 0o600 }],
        },
        { name: "localhost", leaf: "admin-kubeconfig-client", ca: "kube-apiserver-localhost-ca-bundle", user: "loopback", clusterName: "localhost", server: "https://localhost:6443", extraFiles: [] },
    ];
}
