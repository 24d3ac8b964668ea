import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { ClusterPki, kubernetesServiceIP, LEAF_EARLY_RENEWAL_HOURS, LEAF_VALIDITY_HOURS, CA_EARLY_RENEWAL_HOURS, CA_VALIDITY_HOURS, pkiCatalogue } from "../../components/pki";
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
        }
        if (args.type === "tls:index/certRequest:CertRequest") state.certRequestPem = `CSR(${args.name})`;
        if (args.type.endsWith("SelfSignedCert") || args.type.endsWith("LocallySignedCert")) state.certPem = `CERT(${args.name})`;
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

test("SANs come from the config and land in the right certificates", () => {
    const leaves = Object.fromEntries(pkiCatalogue(config).leaves.map((l) => [l.name, l]));
    assert.equal(kubernetesServiceIP(config), "10.96.0.1");
    assert.deepEqual(leaves["kube-apiserver"].dnsNames, ["kubernetes", "kubernetes.default", "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local", "api.ocp.example.org", "api-int.ocp.example.org", "localhost"]);
    assert.deepEqual(leaves["kube-apiserver"].ipAddresses, ["10.1.2.50", "10.1.2.60", "10.1.2.61", "10.1.2.62", "127.0.0.1", "10.96.0.1"]);
    assert.deepEqual(leaves["etcd-server"].ipAddresses, ["10.1.2.50", "10.1.2.60", "10.1.2.61", "10.1.2.62", "127.0.0.1"]);
    assert.deepEqual(leaves["etcd-server"].dnsNames, ["localhost", "etcd.ocp.example.org"]);
    assert.deepEqual(leaves["etcd-peer-bootstrap"].dnsNames, ["boot.ocp.example.org", "localhost"]);
    assert.deepEqual(leaves["etcd-peer-bootstrap"].ipAddresses, ["10.1.2.50", "127.0.0.1"]);
    assert.deepEqual(leaves["etcd-peer-cp-1"].dnsNames, ["cp-1.ocp.example.org", "etcd-1.ocp.example.org", "localhost"]);
    assert.deepEqual(leaves["etcd-peer-cp-1"].ipAddresses, ["10.1.2.61", "127.0.0.1"]);
    for (const name of ["etcd-client", "kube-apiserver-kubelet-client", "kube-controller-manager", "kube-scheduler", "front-proxy-client", "admin", "kubelet-bootstrap"]) {
        assert.equal(leaves[name].usage, "client", name);
        assert.deepEqual([leaves[name].dnsNames, leaves[name].ipAddresses], [[], []], `${name} is a client certificate without SANs`);
    }
});

test("ClusterPki wires every certificate to its signer, key and CSR", async () => {
    const pki = new ClusterPki("ocp", config);
    await value(pki.nodeFiles);
    const of = (type: string) => registered.filter((r) => r.type === `tls:index/${type}`);
    const keys = of("privateKey:PrivateKey");
    assert.equal(keys.length, 4 + 13 + 1, "4 CAs, 13 leaves, the service-account key");
    for (const k of keys) assert.deepEqual([k.inputs.algorithm, k.inputs.rsaBits], ["RSA", 3072], k.name);

    const [root] = of("selfSignedCert:SelfSignedCert");
    assert.equal(root.name, "root-ca");
    assert.equal(root.inputs.privateKeyPem, "KEY(root-ca-key)");
    assert.equal(root.inputs.isCaCertificate, true);
    assert.equal(root.inputs.validityPeriodHours, CA_VALIDITY_HOURS);

    const cat = pkiCatalogue(config);
    const signerOf: Record<string, string> = Object.fromEntries([
        ...cat.cas.filter((c) => c.signer).map((c) => [c.name, c.signer!]),
        ...cat.leaves.map((l) => [l.name, l.signer]),
    ]);
    const signed = of("locallySignedCert:LocallySignedCert");
    assert.equal(signed.length, 3 + 13, "3 intermediate CAs and 13 leaves");
    const csrs = Object.fromEntries(of("certRequest:CertRequest").map((c) => [c.name, c]));
    for (const cert of signed) {
        const signer = signerOf[cert.name];
        assert.equal(cert.inputs.caCertPem, `CERT(${signer})`, `${cert.name} is signed by ${signer}`);
        assert.equal(cert.inputs.caPrivateKeyPem, `KEY(${signer}-key)`, `${cert.name} uses ${signer}'s key`);
        assert.equal(cert.inputs.certRequestPem, `CSR(${cert.name})`);
        assert.equal(csrs[cert.name].inputs.privateKeyPem, `KEY(${cert.name}-key)`, `${cert.name}'s CSR is made with its own key`);
        const isCa = cat.cas.some((c) => c.name === cert.name);
        assert.equal(cert.inputs.validityPeriodHours, isCa ? CA_VALIDITY_HOURS : LEAF_VALIDITY_HOURS);
        const early = cert.inputs.earlyRenewalHours;
        assert.equal(early, isCa ? CA_EARLY_RENEWAL_HOURS : LEAF_EARLY_RENEWAL_HOURS);
        assert.ok(early > 0 && early < cert.inputs.validityPeriodHours, "renewal is due before expiry, not at once");
        if (isCa) {
            assert.deepEqual([cert.inputs.isCaCertificate, cert.inputs.maxPathLength], [true, 0]);
        } else {
            assert.ok(!cert.inputs.isCaCertificate);
            assert.ok(!cert.inputs.allowedUses.includes("cert_signing"), `${cert.name} cannot sign certificates`);
        }
    }
    assert.deepEqual(csrs["admin"].inputs.subject, { commonName: "system:admin", organization: "system:masters" });
    assert.deepEqual(csrs["front-proxy-client"].inputs.subject, { commonName: "system:openshift-aggregator" });
    assert.deepEqual(csrs["kube-apiserver"].inputs.ipAddresses, pkiCatalogue(config).leaves.find((l) => l.name === "kube-apiserver")!.ipAddresses);
    assert.deepEqual(signed.find((c) => c.name === "kube-apiserver")!.inputs.allowedUses,
        ["digital_signature", "key_encipherment", "server_auth", "client_auth"]);
    assert.deepEqual(signed.find((c) => c.name === "etcd-client")!.inputs.allowedUses, ["digital_signature", "key_encipherment", "client_auth"]);

    // Kubeconfigs: the right user certificate, kubernetes-ca, and the right server.
    const admin = YAML.parse(await value(pki.kubeconfigs.admin));
    const b64 = (s: string) => Buffer.from(s, "base64").toString();
    assert.equal(b64(admin.clusters[0].cluster["certificate-authority-data"]), "CERT(kubernetes-ca)");
    assert.equal(admin.clusters[0].cluster.server, "https://api.ocp.example.org:6443");
    assert.equal(b64(admin.users[0].user["client-certificate-data"]), "CERT(admin)");
    assert.equal(b64(admin.users[0].user["client-key-data"]), "KEY(admin-key)");
    const kcm = YAML.parse(await value(pki.kubeconfigs["kube-controller-manager"]));
    assert.equal(kcm.clusters[0].cluster.server, "https://api-int.ocp.example.org:6443");
    assert.equal(kcm["current-context"], "system:kube-controller-manager");
    assert.equal(YAML.parse(await value(pki.kubeconfigs.localhost)).clusters[0].cluster.server, "https://localhost:6443");

    // Files on the nodes.
    const files = await value(pki.nodeFiles);
    assert.deepEqual(files.boot["/etc/kubernetes/bootstrap-secrets/etcd-peer.crt"], { content: "CERT(etcd-peer-bootstrap)", mode: 0o644 });
    assert.deepEqual(files.boot["/etc/kubernetes/bootstrap-secrets/etcd-peer.key"], { content: "KEY(etcd-peer-bootstrap-key)", mode: 0o600 });
    assert.equal(files.boot["/etc/kubernetes/bootstrap-secrets/service-account.pub"].content, "PUB(service-account-key)");
    assert.equal(files.boot["/etc/kubernetes/bootstrap-secrets/front-proxy-ca.key"], undefined, "front-proxy-ca's key stays off the nodes");
    assert.equal(files.masters["/etc/kubernetes/ca.crt"].content, "CERT(kubernetes-ca)");
    assert.equal(files.masters["/etc/kubernetes/etcd-ca.crt"].content, "CERT(etcd-ca)");
    assert.equal(YAML.parse(files.masters["/etc/kubernetes/kubeconfig"].content).users[0].name, "system:bootstrapper");
    assert.equal(files.masters["/etc/kubernetes/kubeconfig"].mode, 0o600);
    for (const [p, f] of Object.entries(files.boot)) {
        if (/\.key$|kubeconfig$/.test(p)) assert.equal(f.mode, 0o600, p);
    }

    // Secrets from birth.
    assert.equal(await isSecret(pki.kubeconfigs.admin), true);
    assert.equal(await isSecret(pki.nodeFiles), true);
    await value(pki.assets.urn);
    const [assets] = registered.filter((r) => r.type === "openshift-hard-way:index:RenderedFiles");
    assert.equal(assets.inputs.root, "assets/local");
    const paths = Object.keys(assets.inputs).filter((k) => k !== "root" && !k.startsWith("__"));
    const secretFiles = paths.filter((p) => /\.key$|kubeconfig$/.test(p));
    assert.equal(secretFiles.length, 4 + 13 + 1 + 5, "in the asset directory: every CA key, leaf key, the SA key and 5 kubeconfigs");
    for (const p of paths) {
        const secret = secretFiles.includes(p);
        assert.equal(assets.inputs[p].mode, secret ? 0o600 : 0o644, p);
        // (mocks report a property holding a secret as secret as a whole)
        const isSecretFile = secretInputs.has(`${assets.name}.${p}`) || secretInputs.has(`${assets.name}.${p}.content`);
        assert.equal(isSecretFile, secret, `${p} gets its content ${secret ? "as" : "not as"} a secret`);
    }
    assert.equal(assets.inputs["tls/admin.crt"].content, "CERT(admin)");
    assert.ok(secretInputs.has("etcd-ca.caPrivateKeyPem"), "CA keys reach the signing step as secrets");
});
