import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import bcrypt from "bcryptjs";
import { ClusterPki } from "../../components/pki";
import {
    kubernetesServiceIP, LEAF_EARLY_RENEWAL_HOURS, LEAF_VALIDITY_HOURS, CA_EARLY_RENEWAL_HOURS, CA_VALIDITY_HOURS, NODE_BOOTSTRAPPER_USER, pkiCatalogue,
} from "../../components/pki/catalogue";
import { kubeadminPassword } from "../../components/pki/kubeadmin-password";
import { localConfig } from "../support/config";

// Each mocked tls resource answers with a PEM stand-in that names it, so the wiring between
// resources can be read off their inputs.
interface Registered { type: string; name: string; inputs: Record<string, any> }
const registered: Registered[] = [];
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Mocks see secret inputs as Pulumi's wrapped form; unwrap them, remembering which were secret. */
const secretInputs = new Set<string>();
function plain(v: any, where: string): any {
    if (v && typeof v === "object" && v["4dabf18193072939515e22adb298388d"] === SECRET_SIG) {
        secretInputs.add(where);
        return plain(v.value, where);
    }
    if (Array.isArray(v)) return v.map((x, i) => plain(x, `${where}[${i}]`));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x, `${where}.${k}`)]));
    return v;
}
pulumi.runtime.setMocks({
    newResource: (args) => {
        args = { ...args, inputs: plain(args.inputs, args.name) };
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, any> = { ...args.inputs };
        if (args.type === "tls:index/privateKey:PrivateKey") {
            state.privateKeyPem = `KEY(${args.name})`;
            state.publicKeyPem = `PUB(${args.name})`;
            state.publicKeyOpenssh = `ssh-ed25519 PUB(${args.name})\n`;
            state.privateKeyOpenssh = `OPENSSH KEY(${args.name})`;
        }
        if (args.type === "tls:index/certRequest:CertRequest") state.certRequestPem = `CSR(${args.name})`;
        if (args.type.endsWith("SelfSignedCert") || args.type.endsWith("LocallySignedCert")) {
            state.certPem = `CERT(${args.name})`;
            state.validityStartTime = "2026-12-01T00:00:00Z";
            state.validityEndTime = "2036-11-29T00:00:00Z";
        }
        return { id: `${args.name}-id`, state };
    },
    call: () => ({}),
}, "openshift-hard-way", "unit", true);

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}
async function isSecret(o: pulumi.Output<unknown>): Promise<boolean> {
    return (await (o as any).isSecret) as boolean;
}

// A config far from the defaults, so each SAN can be traced to its key.
const config = localConfig({
    clusterName: "ocp", baseDomain: "example.org", machineNetwork: "10.1.2.0/24", serviceNetwork: "10.96.0.0/16",
    nodes: { bootstrap: { name: "boot", ip: "10.1.2.50" }, masters: [0, 1, 2].map((i) => ({ name: `cp-${i}`, ip: `10.1.2.6${i}` })) },
    pki: { rsaBits: 3072 },
});

test("SANs and subjects come from the config and the installer's catalogue", () => {
    const cat = pkiCatalogue(config);
    const leaves = Object.fromEntries(cat.leaves.map((l) => [l.name, l]));
    assert.equal(kubernetesServiceIP(config), "10.96.0.1");
    assert.deepEqual(leaves["kube-apiserver-service-network-server"].ipAddresses, ["10.96.0.1"]);
    assert.deepEqual(leaves["kube-apiserver-service-network-server"].dnsNames.slice(0, 4),
        ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"]);
    assert.deepEqual(leaves["kube-apiserver-lb-server"].dnsNames, ["api.ocp.example.org"]);
    assert.deepEqual(leaves["kube-apiserver-internal-lb-server"].dnsNames, ["api-int.ocp.example.org"]);
    assert.deepEqual([leaves["kube-apiserver-localhost-server"].dnsNames, leaves["kube-apiserver-localhost-server"].ipAddresses], [["localhost"], ["127.0.0.1", "::1"]]);
    assert.deepEqual(leaves["machine-config-server"].dnsNames, ["api-int.ocp.example.org"]);
    assert.equal(leaves["machine-config-server"].signer, "root-ca");
    // root-ca signs only the machine-config-server certificate.
    assert.deepEqual(cat.leaves.filter((l) => l.signer === "root-ca").map((l) => l.name), ["machine-config-server"]);
    // etcd's per-node certificates, as cluster-etcd-operator's render makes them.
    for (const n of ["etcd-peer-boot", "etcd-serving-boot", "etcd-serving-metrics-boot", "etcd-peer-cp-1", "etcd-serving-cp-1"]) {
        const ip = n.endsWith("boot") ? "10.1.2.50" : "10.1.2.61";
        assert.equal(leaves[n].commonName, "127.0.0.1", n);
        assert.deepEqual(leaves[n].ipAddresses, ["127.0.0.1", ip, "::1"], n);
        assert.deepEqual(leaves[n].dnsNames, ["etcd.kube-system.svc", "etcd.kube-system.svc.cluster.local", "etcd.openshift-etcd.svc",
            "etcd.openshift-etcd.svc.cluster.local", "localhost", "127.0.0.1", ip, "::1"], n);
        assert.equal(leaves[n].chain, true);
    }
    assert.equal(leaves["etcd-serving-metrics-boot"].signer, "etcd-metric-signer");
    assert.equal(leaves["etcd-serving-metrics-cp-1"], undefined, "the masters' metrics certificates are the operator's");
    assert.equal(leaves["kubelet-client"].commonName, NODE_BOOTSTRAPPER_USER);
    assert.equal(leaves["kubelet-client"].signer, "kubelet-bootstrap-kubeconfig-signer");
    for (const l of cat.leaves.filter((x) => x.usage === "client")) assert.deepEqual([l.dnsNames, l.ipAddresses], [[], []], `${l.name} is a client certificate without SANs`);
    // Every signer is self-signed with its own name; the installer's carry OU=openshift.
    for (const s of cat.signers) {
        if (s.name.startsWith("etcd")) assert.equal(s.commonName, `openshift-etcd_${s.name}`);
        else assert.deepEqual([s.commonName, s.organizationalUnit], [s.name, "openshift"]);
    }
});

test("the kubeadmin password: the installer's format, stable for a seed, different for another, bcrypt-verifiable", () => {
    const a = kubeadminPassword("seed-a");
    assert.match(a.password, /^[a-km-zA-NP-Z2-9]{5}(-[a-km-zA-NP-Z2-9]{5}){3}$/);
    assert.equal(a.password.length, 23);
    assert.deepEqual(kubeadminPassword("seed-a"), a);
    assert.notEqual(kubeadminPassword("seed-b").password, a.password);
    assert.match(a.hash, /^\$2b\$10\$/);
    assert.equal(bcrypt.compareSync(a.password, a.hash), true);
    assert.equal(bcrypt.compareSync(`${a.password}x`, a.hash), false);
});

test("ClusterPki wires every certificate to its signer, key and CSR", async () => {
    const pki = new ClusterPki("ocp", config);
    await value(pki.nodeFiles);
    const cat = pkiCatalogue(config);
    const of = (type: string) => registered.filter((r) => r.type === `tls:index/${type}`);
    const keys = of("privateKey:PrivateKey");
    assert.equal(cat.signers.length, 12);
    assert.equal(cat.leaves.length, 13 + 3 + 3 * 2, "13 fixed leaves, the bootstrap's 3 etcd certificates, 2 per master");
    assert.equal(keys.length, 12 + 22 + 2 + 1 + 1, "12 signers, 22 leaves, 2 key pairs, the kubeadmin password's seed, bootstrap-ssh");
    assert.equal(keys.find((k) => k.name === "bootstrap-ssh-key")?.inputs.algorithm, "ED25519");
    assert.equal(await value(pki.bootstrapSshPublicKey), "ssh-ed25519 PUB(bootstrap-ssh-key)");
    for (const k of keys.filter((k) => !["kubeadmin-password-seed", "bootstrap-ssh-key"].includes(k.name))) assert.deepEqual([k.inputs.algorithm, k.inputs.rsaBits], ["RSA", 3072], k.name);

    const selfSigned = of("selfSignedCert:SelfSignedCert");
    assert.deepEqual(selfSigned.map((s) => s.name).sort(), cat.signers.map((s) => s.name).sort(), "every signer is self-signed");
    for (const s of selfSigned) {
        assert.equal(s.inputs.privateKeyPem, `KEY(${s.name}-key)`);
        assert.deepEqual([s.inputs.isCaCertificate, s.inputs.maxPathLength], [true, undefined], `${s.name}: CA, no path length limit`);
        assert.deepEqual(s.inputs.allowedUses, ["key_encipherment", "digital_signature", "cert_signing"]);
        assert.equal(s.inputs.validityPeriodHours, CA_VALIDITY_HOURS);
        assert.equal(s.inputs.earlyRenewalHours, CA_EARLY_RENEWAL_HOURS);
    }
    const signed = of("locallySignedCert:LocallySignedCert");
    assert.equal(signed.length, cat.leaves.length);
    const csrs = Object.fromEntries(of("certRequest:CertRequest").map((c) => [c.name, c]));
    for (const cert of signed) {
        const leaf = cat.leaves.find((l) => l.name === cert.name)!;
        assert.equal(cert.inputs.caCertPem, `CERT(${leaf.signer})`, `${cert.name} is signed by ${leaf.signer}`);
        assert.equal(cert.inputs.caPrivateKeyPem, `KEY(${leaf.signer}-key)`, `${cert.name} uses ${leaf.signer}'s key`);
        assert.equal(cert.inputs.certRequestPem, `CSR(${cert.name})`);
        assert.equal(csrs[cert.name].inputs.privateKeyPem, `KEY(${cert.name}-key)`, `${cert.name}'s CSR is made with its own key`);
        assert.equal(cert.inputs.validityPeriodHours, LEAF_VALIDITY_HOURS);
        assert.equal(cert.inputs.earlyRenewalHours, LEAF_EARLY_RENEWAL_HOURS);
        assert.ok(!cert.inputs.isCaCertificate);
        assert.ok(!cert.inputs.allowedUses.includes("cert_signing"), `${cert.name} cannot sign certificates`);
    }
    assert.deepEqual(csrs["admin-kubeconfig-client"].inputs.subject, { commonName: "system:admin", organization: "system:masters" });
    assert.deepEqual(csrs["aggregator-client"].inputs.subject, { commonName: "system:kube-apiserver-proxy", organization: "kube-master" });
    assert.deepEqual(csrs["kubelet-client"].inputs.subject, { commonName: NODE_BOOTSTRAPPER_USER, organization: "system:serviceaccounts:openshift-machine-config-operator" });
    assert.deepEqual(signed.find((c) => c.name === "machine-config-server")!.inputs.allowedUses, ["server_auth"]);
    assert.deepEqual(signed.find((c) => c.name === "etcd-client")!.inputs.allowedUses, ["digital_signature", "key_encipherment", "client_auth"]);

    // Kubeconfigs: the right user certificate, the complete serving bundle, the right server.
    const admin = YAML.parse(await value(pki.kubeconfigs.admin));
    const b64 = (s: string) => Buffer.from(s, "base64").toString();
    assert.equal(b64(admin.clusters[0].cluster["certificate-authority-data"]),
        "CERT(kube-apiserver-localhost-signer)\nCERT(kube-apiserver-service-network-signer)\nCERT(kube-apiserver-lb-signer)\n");
    assert.equal(admin.clusters[0].cluster.server, "https://api.ocp.example.org:6443");
    assert.equal(b64(admin.users[0].user["client-certificate-data"]), "CERT(admin-kubeconfig-client)");
    assert.equal(b64(admin.users[0].user["client-key-data"]), "KEY(admin-kubeconfig-client-key)");
    const kcm = YAML.parse(await value(pki.kubeconfigs["kube-controller-manager"]));
    assert.equal(kcm.clusters[0].cluster.server, "https://api-int.ocp.example.org:6443");
    assert.equal(b64(kcm.users[0].user["client-certificate-data"]), "CERT(kube-control-plane-kube-controller-manager-client)");
    const local = YAML.parse(await value(pki.kubeconfigs.localhost));
    assert.equal(local.clusters[0].cluster.server, "https://localhost:6443");
    assert.equal(b64(local.clusters[0].cluster["certificate-authority-data"]), "CERT(kube-apiserver-localhost-signer)\n");

    // Files on the nodes.
    const files = await value(pki.nodeFiles);
    const secretsDir = "/etc/kubernetes/bootstrap-secrets";
    assert.deepEqual(files.boot[`${secretsDir}/etcd-peer-boot.crt`], { content: "CERT(etcd-peer-boot)\nCERT(etcd-signer)", mode: 0o644 }, "a chained leaf");
    assert.deepEqual(files.boot[`${secretsDir}/etcd-peer-boot.key`], { content: "KEY(etcd-peer-boot-key)", mode: 0o600 });
    assert.equal(files.boot[`${secretsDir}/kube-apiserver-lb-server.crt`].content, "CERT(kube-apiserver-lb-server)\nCERT(kube-apiserver-lb-signer)");
    assert.equal(files.boot[`${secretsDir}/etcd-client.crt`].content, "CERT(etcd-client)", "a client leaf is not chained");
    assert.equal(files.boot[`${secretsDir}/service-account.pub`].content, "PUB(service-account-key)");
    assert.equal(files.boot[`${secretsDir}/bound-service-account-signing-key.key`].content, "KEY(bound-service-account-signing-key-key)");
    assert.equal(files.boot[`${secretsDir}/kubelet-signer.key`].mode, 0o600, "the bootstrap KCM signs with kubelet-signer");
    for (const off of ["root-ca.key", "admin-kubeconfig-signer.key", "kubelet-bootstrap-kubeconfig-signer.key", "admin-kubeconfig-client.key", "etcd-peer-cp-1.key", "aggregator-signer.key"]) {
        assert.equal(files.boot[`${secretsDir}/${off}`], undefined, `${off} stays off the bootstrap node`);
    }
    assert.equal(files.masters["/etc/kubernetes/kubelet-ca.crt"].content, (await value(pki.bundles["kube-apiserver-complete-client-ca-bundle"])));
    assert.equal(YAML.parse(files.masters["/etc/kubernetes/kubeconfig"].content).users[0].name, "kubelet");
    assert.equal(b64(YAML.parse(files.masters["/etc/kubernetes/kubeconfig"].content).users[0].user["client-certificate-data"]), "CERT(kubelet-client)");
    assert.equal(files.masters["/etc/kubernetes/kubeconfig"].mode, 0o600);
    for (const [p, f] of Object.entries(files.boot)) {
        if (/\.key$|kubeconfig$/.test(p)) assert.equal(f.mode, 0o600, p);
    }

    // Secrets from birth.
    assert.equal(await isSecret(pki.kubeconfigs.admin), true);
    assert.equal(await isSecret(pki.nodeFiles), true);
    assert.equal(await isSecret(pki.kubeadminPassword), true);
    assert.equal(await isSecret(pki.material), true);
    const m = await value(pki.material);
    assert.deepEqual([m.certs["kubelet-signer"].notBefore, m.certs["kubelet-signer"].notAfter], ["2026-12-01T00:00:00Z", "2036-11-29T00:00:00Z"]);
    assert.equal(bcrypt.compareSync(await value(pki.kubeadminPassword), m.kubeadminHash), true);
    await value(pki.assets.urn);
    const [assets] = registered.filter((r) => r.type === "openshift-hard-way:index:RenderedFiles");
    assert.equal(assets.inputs.root, "assets/local");
    const paths = Object.keys(assets.inputs).filter((k) => k !== "root" && !k.startsWith("__"));
    const secretFiles = paths.filter((p) => /\.key$|kubeconfig$|kubeadmin-password$/.test(p));
    assert.equal(secretFiles.length, 12 + 22 + 2 + 1 + 5 + 1, "in the asset directory: every signer key, leaf key, key-pair key, bootstrap-ssh.key, 5 kubeconfigs, the kubeadmin password");
    assert.ok(paths.includes("tls/bootstrap-ssh.key") && paths.includes("tls/bootstrap-ssh.pub"));
    for (const p of paths) {
        const secret = secretFiles.includes(p);
        assert.equal(assets.inputs[p].mode, secret ? 0o600 : 0o644, p);
        // (mocks report a property holding a secret as secret as a whole)
        const isSecretFile = secretInputs.has(`${assets.name}.${p}`) || secretInputs.has(`${assets.name}.${p}.content`);
        assert.equal(isSecretFile, secret, `${p} gets its content ${secret ? "as" : "not as"} a secret`);
    }
    assert.equal(assets.inputs["tls/admin-kubeconfig-client.crt"].content, "CERT(admin-kubeconfig-client)");
    assert.equal(assets.inputs["tls/kube-apiserver-complete-server-ca-bundle.crt"].content,
        "CERT(kube-apiserver-localhost-signer)\nCERT(kube-apiserver-service-network-signer)\nCERT(kube-apiserver-lb-signer)\n");
    assert.ok(secretInputs.has("etcd-client.caPrivateKeyPem"), "signer keys reach the signing step as secrets");
});
