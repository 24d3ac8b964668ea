import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { RenderedFiles } from "../assets";
import type { ClusterConfig } from "../config";
import { derived } from "../config";
import { kubeconfig as kubeconfigPath } from "../node-paths";
import {
    BundleName, CA_EARLY_RENEWAL_HOURS, CA_USES, CA_VALIDITY_HOURS, crt, key, KeyPairName, kubeconfigCatalogue,
    LEAF_EARLY_RENEWAL_HOURS, LEAF_VALIDITY_HOURS, leafUses, NodeFile, pkiCatalogue, pub, SignerName,
} from "./catalogue";
import { kubeadminPassword } from "./kubeadmin-password";
import { renderKubeconfig } from "./kubeconfig";
import type { NodeFileMap, PkiMaterial } from "./material";

/** A certificate with its key and validity, as outputs (the key is secret). */
export interface CertAndKey {
    /** The certificate alone (PEM). */
    certPem: pulumi.Output<string>;
    /** What `<name>.crt` holds: the certificate, followed by its signer's for a chained leaf. */
    crtFile: pulumi.Output<string>;
    keyPem: pulumi.Output<string>;
    /** RFC 3339 UTC, e.g. `2026-12-01T20:09:14Z`. */
    notBefore: pulumi.Output<string>;
    notAfter: pulumi.Output<string>;
}

/**
 * The cluster's PKI on @pulumi/tls, built from {@link pkiCatalogue}: every signer (self-signed),
 * every leaf certificate, the CA bundles, the service-account key pairs, the kubeconfigs and the
 * kubeadmin password. Private keys, kubeconfigs and the password are secrets from birth.
 * Everything is also written to the stack's asset directory (`assets/<stack>/tls/`, kubeconfigs
 * and `kubeadmin-password` in `assets/<stack>/auth/`, the admin kubeconfig as `auth/kubeconfig`),
 * keys, kubeconfigs and the password mode 0600, as openshift-install does.
 * Type token: `openshift-hard-way:pki:ClusterPki`.
 */
export class ClusterPki extends pulumi.ComponentResource {
    /** Every signer and leaf by catalogue name, e.g. `certs["etcd-signer"]`, `certs["admin-kubeconfig-client"]`. */
    readonly certs: Record<string, CertAndKey> = {};
    /** Every CA bundle by catalogue name (PEM). */
    readonly bundles = {} as Record<BundleName, pulumi.Output<string>>;
    /** The key pairs by catalogue name: private key (secret) and public key (PKIX PEM). */
    readonly keyPairs = {} as Record<KeyPairName, { keyPem: pulumi.Output<string>; publicKeyPem: pulumi.Output<string> }>;
    /** Kubeconfigs by name (admin, kube-controller-manager, kube-scheduler, kubelet-bootstrap, localhost); secret. */
    readonly kubeconfigs: Record<string, pulumi.Output<string>> = {};
    /** The kubeadmin password (secret), generated once (from a tls PrivateKey as its seed). */
    readonly kubeadminPassword: pulumi.Output<string>;
    /** Everything above as plain values, for the operator-input manifests; secret. */
    readonly material: pulumi.Output<PkiMaterial>;
    /** Every file the nodes get from the PKI, by node name ("masters" for every master) and path; secret. */
    readonly nodeFiles: pulumi.Output<NodeFileMap>;
    /** The bootstrap-ssh public key (OpenSSH `ssh-ed25519 AAAA...`): the core user's on the bootstrap node only. */
    readonly bootstrapSshPublicKey: pulumi.Output<string>;
    /** The asset-directory files `assets/<stack>/tls/*` and `auth/*` (keys: e.g. `tls/admin-kubeconfig-client.key`), one resource. */
    readonly assets: RenderedFiles;

    constructor(name: string, config: ClusterConfig, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:pki:ClusterPki", name, {}, opts);
        const parent = { parent: this };
        const cat = pkiCatalogue(config);
        const newKey = (n: string) => new tls.PrivateKey(`${n}-key`, { algorithm: "RSA", rsaBits: config.pki.rsaBits }, parent);

        for (const s of cat.signers) {
            const k = newKey(s.name);
            const cert = new tls.SelfSignedCert(s.name, {
                privateKeyPem: k.privateKeyPem,
                subject: { commonName: s.commonName, ...(s.organizationalUnit ? { organizationalUnit: s.organizationalUnit } : {}) },
                isCaCertificate: true, allowedUses: CA_USES, setSubjectKeyId: true,
                validityPeriodHours: CA_VALIDITY_HOURS, earlyRenewalHours: CA_EARLY_RENEWAL_HOURS,
            }, parent);
            this.certs[s.name] = { certPem: cert.certPem, crtFile: cert.certPem, keyPem: k.privateKeyPem, notBefore: cert.validityStartTime, notAfter: cert.validityEndTime };
        }
        for (const l of cat.leaves) {
            const k = newKey(l.name);
            const csr = new tls.CertRequest(l.name, {
                privateKeyPem: k.privateKeyPem,
                subject: { commonName: l.commonName, ...(l.organization ? { organization: l.organization } : {}) },
                dnsNames: l.dnsNames, ipAddresses: l.ipAddresses,
            }, parent);
            const ca = this.certs[l.signer];
            if (!ca) throw new Error(`PKI catalogue: ${l.name} is signed by ${l.signer}, which is not a signer`);
            const cert = new tls.LocallySignedCert(l.name, {
                certRequestPem: csr.certRequestPem, caCertPem: ca.certPem, caPrivateKeyPem: ca.keyPem,
                allowedUses: leafUses(l), setSubjectKeyId: true,
                validityPeriodHours: LEAF_VALIDITY_HOURS, earlyRenewalHours: LEAF_EARLY_RENEWAL_HOURS,
            }, parent);
            const crtFile = l.chain ? pulumi.all([cert.certPem, ca.certPem]).apply(([a, b]) => `${a.trimEnd()}\n${b}`) : cert.certPem;
            this.certs[l.name] = { certPem: cert.certPem, crtFile, keyPem: k.privateKeyPem, notBefore: cert.validityStartTime, notAfter: cert.validityEndTime };
        }
        for (const b of cat.bundles) {
            this.bundles[b.name] = pulumi.all(b.signers.map((s) => this.certs[s].certPem)).apply((pems) => pems.map((p) => p.trimEnd() + "\n").join(""));
        }
        for (const kp of cat.keyPairs) {
            const k = newKey(kp);
            this.keyPairs[kp] = { keyPem: k.privateKeyPem, publicKeyPem: k.publicKeyPem };
        }
        // openshift-install's bootstrap-ssh key (pkg/asset/tls/bootstrapsshkeypair.go): the core
        // user's key on the bootstrap node only, so that tools/wait-for can gather its logs
        // when bootstrapping fails. Never on a master.
        const sshKey = new tls.PrivateKey("bootstrap-ssh-key", { algorithm: "ED25519" }, parent);
        this.bootstrapSshPublicKey = sshKey.publicKeyOpenssh.apply((k) => k.trim());
        const bootstrapSshPrivateKey = pulumi.secret(sshKey.privateKeyOpenssh);
        // The kubeadmin password's seed: a generated key is the one secret, random, generated-once
        // value the stack's providers offer (@pulumi/random is not among them); the password and
        // its hash are derived from it, so both stay stable until the seed is replaced.
        const seed = new tls.PrivateKey("kubeadmin-password-seed", { algorithm: "ED25519" }, parent);
        const kubeadmin = pulumi.secret(seed.privateKeyPem.apply(kubeadminPassword));
        this.kubeadminPassword = pulumi.secret(kubeadmin.apply((k) => k.password));

        const kcEntries = kubeconfigCatalogue(config);
        for (const e of kcEntries) {
            const l = this.certs[e.leaf];
            this.kubeconfigs[e.name] = pulumi.secret(pulumi.all([this.bundles[e.ca], l.certPem, l.keyPem]).apply(([caPem, certPem, keyPem]) =>
                renderKubeconfig({ clusterName: e.clusterName, server: e.server, user: e.user, caPem, certPem, keyPem })));
        }

        // Every PEM by file name, then where each goes, on the nodes and in the asset directory.
        const byFile: Record<string, { content: pulumi.Output<string>; secret: boolean }> = {};
        for (const [n, ck] of Object.entries(this.certs)) {
            byFile[crt(n as SignerName)] = { content: ck.crtFile, secret: false };
            byFile[key(n as SignerName)] = { content: ck.keyPem, secret: true };
        }
        for (const [n, pem] of Object.entries(this.bundles)) byFile[crt(n as BundleName)] = { content: pem, secret: false };
        for (const [n, kp] of Object.entries(this.keyPairs)) {
            byFile[key(n as KeyPairName)] = { content: kp.keyPem, secret: true };
            byFile[pub(n as KeyPairName)] = { content: kp.publicKeyPem, secret: false };
        }
        const shipped = new Map(cat.nodeFiles.map((f) => [f.file, f.to]));
        const files: { to: NodeFile[]; asset: string; content: pulumi.Output<string>; secret: boolean }[] = Object.entries(byFile)
            .map(([f, v]) => ({ to: shipped.get(f) ?? [], asset: `tls/${f}`, ...v }));
        const missing = [...shipped.keys()].filter((f) => !byFile[f]);
        if (missing.length) throw new Error(`PKI catalogue: files to ship that nothing makes: ${missing.join(", ")}`);
        const boot = config.nodes.bootstrap.name;
        for (const e of kcEntries) {
            files.push({
                to: [{ node: boot, path: kubeconfigPath(e.name), mode: 0o600 }, ...e.extraFiles],
                asset: e.name === "admin" ? "auth/kubeconfig" : `auth/${e.name}.kubeconfig`,
                content: this.kubeconfigs[e.name], secret: true,
            });
        }
        // The bootstrap-ssh key pair, as tools/wait-for's gather reads it.
        files.push({ to: [], asset: "tls/bootstrap-ssh.key", content: bootstrapSshPrivateKey, secret: true });
        files.push({ to: [], asset: "tls/bootstrap-ssh.pub", content: this.bootstrapSshPublicKey.apply((k) => `${k}\n`), secret: false });
        // openshift-install's auth/kubeadmin-password: the password alone, no newline.
        files.push({ to: [], asset: "auth/kubeadmin-password", content: this.kubeadminPassword, secret: true });

        this.assets = new RenderedFiles(`${config.stack}/pki`, {
            root: derived(config).assetDir,
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

        const certNames = Object.keys(this.certs);
        const certOutputs = certNames.map((n) => {
            const c = this.certs[n];
            return pulumi.all([c.certPem, c.crtFile, c.keyPem, c.notBefore, c.notAfter])
                .apply(([cert, crtFile, k, notBefore, notAfter]) => ({ cert, crtFile, key: k, notBefore, notAfter }));
        });
        const bundleNames = Object.keys(this.bundles) as BundleName[];
        const kpNames = Object.keys(this.keyPairs) as KeyPairName[];
        this.material = pulumi.secret(pulumi.all([
            pulumi.all(certOutputs), pulumi.all(bundleNames.map((b) => this.bundles[b])),
            pulumi.all(kpNames.map((k) => pulumi.all([this.keyPairs[k].keyPem, this.keyPairs[k].publicKeyPem]))), kubeadmin,
        ]).apply(([certs, bundles, kps, ka]): PkiMaterial => ({
            certs: Object.fromEntries(certNames.map((n, i) => [n, certs[i]])),
            bundles: Object.fromEntries(bundleNames.map((n, i) => [n, bundles[i]])) as Record<BundleName, string>,
            keyPairs: Object.fromEntries(kpNames.map((n, i) => [n, { key: kps[i][0], pub: kps[i][1] }])) as PkiMaterial["keyPairs"],
            kubeadminHash: ka.hash,
        })));
        this.registerOutputs({ adminKubeconfig: this.kubeconfigs.admin });
    }
}
