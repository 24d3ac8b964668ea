import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { RenderedFiles } from "../assets";
import type { ClusterConfig } from "../config";
import { renderKubeconfig } from "../kubeconfig";
import { BOOTSTRAP_SECRETS_DIR, kubeconfig as kubeconfigPath, MASTER_BOOTSTRAP_KUBECONFIG } from "../node-paths";
import {
    CA_EARLY_RENEWAL_HOURS, CA_USES, CA_VALIDITY_HOURS, CaName, kubeconfigCatalogue, LEAF_EARLY_RENEWAL_HOURS,
    LEAF_VALIDITY_HOURS, leafUses, NodeFile, pkiCatalogue,
} from "./catalogue";

export * from "./catalogue";

/** A file for a node: its text and mode. */
export interface NodeFileContent { content: string; mode: number }
/** Node name → absolute path on the node → file. */
export type NodeFileMap = Record<string, Record<string, NodeFileContent>>;

/** A certificate with its key, as PEM outputs (the key is secret). */
export interface CertAndKey { certPem: pulumi.Output<string>; keyPem: pulumi.Output<string> }

/**
 * The cluster's PKI on @pulumi/tls, built from {@link pkiCatalogue}: the CAs, every leaf
 * certificate, the service-account key pair and the kubeconfigs. Private keys and kubeconfigs
 * are secrets from birth. Everything is also written to the stack's asset directory
 * (`assets/<stack>/tls/`, kubeconfigs in `assets/<stack>/auth/`, the admin one as
 * `auth/kubeconfig`), keys and kubeconfigs mode 0600, as openshift-install does.
 * Type token: `openshift-hard-way:pki:ClusterPki`.
 */
export class ClusterPki extends pulumi.ComponentResource {
    /** Every CA and leaf by catalogue name, e.g. `cas["etcd-ca"]`, `leaves["admin"]`. */
    readonly cas: Record<string, CertAndKey> = {};
    readonly leaves: Record<string, CertAndKey> = {};
    /** The service-account signing key (secret) and its public key (PKIX PEM). */
    readonly serviceAccount: { keyPem: pulumi.Output<string>; publicKeyPem: pulumi.Output<string> };
    /** Kubeconfigs by name (admin, kube-controller-manager, kube-scheduler, kubelet-bootstrap, localhost); secret. */
    readonly kubeconfigs: Record<string, pulumi.Output<string>> = {};
    /** Every file the nodes get from the PKI, by node name ("masters" for every master) and path; secret. */
    readonly nodeFiles: pulumi.Output<NodeFileMap>;
    /** The asset-directory files `assets/<stack>/tls/*` and `auth/*` (keys: e.g. `tls/admin.key`), one resource. */
    readonly assets: RenderedFiles;

    constructor(name: string, config: ClusterConfig, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:pki:ClusterPki", name, {}, opts);
        const parent = { parent: this };
        const cat = pkiCatalogue(config);
        const key = (n: string) => new tls.PrivateKey(`${n}-key`, { algorithm: "RSA", rsaBits: config.pki.rsaBits }, parent);

        for (const ca of cat.cas) {
            const k = key(ca.name);
            const common = {
                isCaCertificate: true, allowedUses: CA_USES,
                validityPeriodHours: CA_VALIDITY_HOURS, earlyRenewalHours: CA_EARLY_RENEWAL_HOURS,
            };
            let certPem: pulumi.Output<string>;
            if (!ca.signer) {
                certPem = new tls.SelfSignedCert(ca.name, {
                    ...common, privateKeyPem: k.privateKeyPem, subject: { commonName: ca.commonName }, setSubjectKeyId: true,
                }, parent).certPem;
            } else {
                certPem = this.sign(ca.name, k, { commonName: ca.commonName }, [], [], ca.signer, {
                    ...common, setSubjectKeyId: true,
                    // othw-facts §3.1: intermediates are CA:TRUE, pathlen:0.
                    maxPathLength: 0,
                });
            }
            this.cas[ca.name] = { certPem, keyPem: k.privateKeyPem };
        }
        for (const leaf of cat.leaves) {
            const k = key(leaf.name);
            const certPem = this.sign(leaf.name, k, { commonName: leaf.commonName, organization: leaf.organization },
                leaf.dnsNames, leaf.ipAddresses, leaf.signer, {
                    allowedUses: leafUses(leaf.usage), validityPeriodHours: LEAF_VALIDITY_HOURS, earlyRenewalHours: LEAF_EARLY_RENEWAL_HOURS,
                });
            this.leaves[leaf.name] = { certPem, keyPem: k.privateKeyPem };
        }
        const sa = key("service-account");
        this.serviceAccount = { keyPem: sa.privateKeyPem, publicKeyPem: sa.publicKeyPem };

        const kubeCa = this.cas["kubernetes-ca"].certPem;
        const kcEntries = kubeconfigCatalogue(config, MASTER_BOOTSTRAP_KUBECONFIG);
        for (const e of kcEntries) {
            const l = this.leaves[e.leaf];
            this.kubeconfigs[e.name] = pulumi.secret(pulumi.all([kubeCa, l.certPem, l.keyPem]).apply(([caPem, certPem, keyPem]) =>
                renderKubeconfig({ clusterName: e.clusterName, server: e.server, user: e.user, caPem, certPem, keyPem })));
        }

        // Where each PEM goes, on the nodes and in the asset directory.
        const files: { to: NodeFile[]; asset: string; content: pulumi.Output<string>; secret: boolean }[] = [];
        const boot = config.nodes.bootstrap.name;
        for (const ca of cat.cas) {
            files.push({ to: ca.certFiles, asset: `tls/${ca.name}.crt`, content: this.cas[ca.name].certPem, secret: false });
            files.push({ to: ca.keyFiles, asset: `tls/${ca.name}.key`, content: this.cas[ca.name].keyPem, secret: true });
        }
        for (const leaf of cat.leaves) {
            const on = (ext: string, mode: number) => leaf.files.map((f) => ({ node: f.node, path: `${BOOTSTRAP_SECRETS_DIR}/${f.base}.${ext}`, mode }));
            files.push({ to: on("crt", 0o644), asset: `tls/${leaf.name}.crt`, content: this.leaves[leaf.name].certPem, secret: false });
            files.push({ to: on("key", 0o600), asset: `tls/${leaf.name}.key`, content: this.leaves[leaf.name].keyPem, secret: true });
        }
        const saOn = (ext: string, mode: number) => cat.serviceAccountFiles.map((f) => ({ node: f.node, path: `${BOOTSTRAP_SECRETS_DIR}/${f.base}.${ext}`, mode }));
        files.push({ to: saOn("key", 0o600), asset: "tls/service-account.key", content: sa.privateKeyPem, secret: true });
        files.push({ to: saOn("pub", 0o644), asset: "tls/service-account.pub", content: sa.publicKeyPem, secret: false });
        for (const e of kcEntries) {
            files.push({
                to: [{ node: boot, path: kubeconfigPath(e.name), mode: 0o600 }, ...e.extraFiles],
                asset: e.name === "admin" ? "auth/kubeconfig" : `auth/${e.name}.kubeconfig`,
                content: this.kubeconfigs[e.name], secret: true,
            });
        }

        this.assets = new RenderedFiles(`${config.stack}/pki`, {
            root: `assets/${config.stack}`,
            files: Object.fromEntries(files.map((f) => [f.asset, {
                content: f.secret ? pulumi.secret(f.content) : f.content,
                mode: f.secret ? 0o600 : 0o644,
            }])),
        }, { parent: this });
        this.nodeFiles = pulumi.secret(pulumi.all(files.map((f) => f.content)).apply((contents) => {
            const out: NodeFileMap = {};
            files.forEach((f, i) => {
                for (const t of f.to) {
                    (out[t.node] ??= {})[t.path] = { content: contents[i], mode: t.mode };
                }
            });
            return out;
        }));
        this.registerOutputs({ adminKubeconfig: this.kubeconfigs.admin });
    }

    /** A CSR for a fresh key, signed by `signer`; returns the certificate PEM. */
    private sign(name: string, k: tls.PrivateKey, subject: { commonName: string; organization?: string },
        dnsNames: string[], ipAddresses: string[], signer: CaName, extra: Partial<tls.LocallySignedCertArgs>): pulumi.Output<string> {
        const csr = new tls.CertRequest(name, { privateKeyPem: k.privateKeyPem, subject, dnsNames, ipAddresses }, { parent: this });
        const ca = this.cas[signer];
        if (!ca) throw new Error(`PKI catalogue: ${name} is signed by ${signer}, which is not declared before it`);
        return new tls.LocallySignedCert(name, {
            certRequestPem: csr.certRequestPem,
            caCertPem: ca.certPem,
            caPrivateKeyPem: ca.keyPem,
            validityPeriodHours: extra.validityPeriodHours!,
            allowedUses: extra.allowedUses!,
            ...extra,
        }, { parent: this }).certPem;
    }
}
