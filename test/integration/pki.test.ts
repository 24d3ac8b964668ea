import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { ClusterConfig, parseClusterConfig } from "../../components/config/schema";
import { clusterManifests, operatorInputManifests } from "../../components/manifests";
import { ClusterPki, PkiMaterial } from "../../components/pki";
import { CA_VALIDITY_HOURS, etcdLeaf, LEAF_VALIDITY_HOURS, pkiCatalogue } from "../../components/pki/catalogue";
import { handoffContract } from "../support/handoff-contract";
import { localStackValues, ROOT } from "../support/config";
import { removeStack } from "./harness";

// The real PKI from the real tls provider, on a stack whose nodes sit on loopback addresses so
// that a real three-member etcd can run with the generated certificates on this machine.
const stackName = `it-pki-${crypto.randomBytes(3).toString("hex")}`;
// The schema refuses a loopback machine network (no cluster's traffic can run there), so a valid
// config's nodes are moved onto 127.0.0.0/24 after validation, for this test only.
const local = localStackValues() as Record<string, any>;
const valid = parseClusterConfig({ ...local, clusterName: "pki", libvirt: { ...local.libvirt, poolPath: `/var/lib/libvirt/openshift-hard-way/${stackName}` } }, stackName);
const loopback = (ip: string) => `127.0.0.${ip.split(".")[3]}`;
const config: ClusterConfig = {
    ...valid, machineNetwork: "127.0.0.0/24",
    nodes: { bootstrap: { ...valid.nodes.bootstrap, ip: loopback(valid.nodes.bootstrap.ip) }, masters: valid.nodes.masters.map((m) => ({ ...m, ip: loopback(m.ip) })) },
};
const tlsDir = path.join(ROOT, "assets", stackName, "tls");
let stack: Stack;

before(async () => {
    stack = await LocalWorkspace.createStack({
        stackName, projectName: "openshift-hard-way",
        program: async () => {
            const pki = new ClusterPki("pki", config);
            return { kubeconfig: pki.kubeconfigs.admin, material: pki.material };
        },
    }, { workDir: ROOT });
    const up = await stack.up();
    assert.equal(up.summary.result, "succeeded");
});
after(async () => {
    if (stack) await removeStack(stack);
    assert.equal(fs.existsSync(path.dirname(tlsDir)), false, "destroy removes the stack's asset directory");
});

function openssl(...args: string[]): string {
    return execFileSync("openssl", args, { encoding: "utf8" });
}
const crt = (name: string) => path.join(tlsDir, `${name}.crt`);
const key = (name: string) => path.join(tlsDir, `${name}.key`);

/** SANs as openssl prints them, e.g. ["DNS:localhost", "IP Address:127.0.0.1"]. */
function sans(name: string): string[] {
    const out = openssl("x509", "-noout", "-ext", "subjectAltName", "-in", crt(name));
    return out.split("\n").slice(1).join("").split(",").map((s) => s.trim()).filter(Boolean);
}
function hoursValid(name: string): number {
    const out = openssl("x509", "-noout", "-startdate", "-enddate", "-in", crt(name));
    const [start, end] = [/notBefore=(.*)/, /notAfter=(.*)/].map((re) => Date.parse(re.exec(out)![1]));
    return (end - start) / 3600e3;
}

/** The certificates of a PEM file, one PEM each. */
function pems(text: string): string[] {
    return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}
/** openssl's spelling of an IP SAN: IPv6 in full. */
const ipSan = (ip: string) => `IP Address:${ip === "::1" ? "0:0:0:0:0:0:0:1" : ip}`;

test("every certificate checks out with openssl: self-signed signers, chain, subject, SANs, usages, validity, key size, key match", () => {
    const cat = pkiCatalogue(config);
    let checks = 0;
    for (const s of cat.signers) {
        const text = openssl("x509", "-noout", "-text", "-in", crt(s.name));
        assert.match(text, /Public-Key: \(2048 bit\)/, s.name);
        assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment, Certificate Sign\n/, s.name);
        assert.match(text, /CA:TRUE\n/, `${s.name}: a CA without a path length limit`);
        assert.equal(openssl("x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", crt(s.name)).trim(),
            `subject=CN=${s.commonName}${s.organizationalUnit ? `,OU=${s.organizationalUnit}` : ""}`);
        assert.equal(openssl("x509", "-noout", "-issuer", "-nameopt", "RFC2253", "-in", crt(s.name)).trim().replace(/^issuer=/, "subject="),
            openssl("x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", crt(s.name)).trim(), `${s.name} is self-signed`);
        assert.equal(openssl("verify", "-CAfile", crt(s.name), crt(s.name)).trim(), `${crt(s.name)}: OK`);
        assert.equal(hoursValid(s.name), CA_VALIDITY_HOURS, s.name);
        checks += 6;
    }
    for (const leaf of cat.leaves) {
        const text = openssl("x509", "-noout", "-text", "-in", crt(leaf.name));
        assert.match(text, /Public-Key: \(2048 bit\)/, leaf.name);
        if (leaf.keyUsages.length) assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/, leaf.name);
        else assert.doesNotMatch(text, /X509v3 Key Usage/, `${leaf.name} has no key usage, as the installer's`);
        const eku = { server: "TLS Web Server Authentication", client: "TLS Web Client Authentication",
            both: "TLS Web Server Authentication, TLS Web Client Authentication" }[leaf.usage];
        assert.match(text, new RegExp(`X509v3 Extended Key Usage: \\n\\s+${eku}\\n`), leaf.name);
        assert.doesNotMatch(text, /CA:TRUE/, leaf.name);
        const subject = openssl("x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", crt(leaf.name)).trim();
        // RFC 2253 prints the subject's last attribute first.
        assert.equal(subject, `subject=CN=${leaf.commonName}${leaf.organization ? `,O=${leaf.organization}` : ""}`);
        // Chained to its own signer, and to no other signer.
        const verify = (signer: string) => spawnSync("openssl", ["verify", "-CAfile", crt(signer), crt(leaf.name)], { encoding: "utf8" });
        assert.equal(verify(leaf.signer).stdout.trim(), `${crt(leaf.name)}: OK`, `${leaf.name} chains to ${leaf.signer}`);
        const other = leaf.signer === "root-ca" ? "kubelet-signer" : "root-ca";
        assert.notEqual(verify(other).status, 0, `${leaf.name} does not chain to ${other}`);
        // A chained leaf's file is the leaf followed by its signer (what a TLS server presents).
        const inFile = pems(fs.readFileSync(crt(leaf.name), "utf8"));
        assert.equal(inFile.length, leaf.chain ? 2 : 1, `${leaf.name}: ${inFile.length} certificates in the file`);
        if (leaf.chain) assert.equal(inFile[1].trim(), fs.readFileSync(crt(leaf.signer), "utf8").trim(), `${leaf.name}'s chain ends in ${leaf.signer}`);
        const expected = [...leaf.dnsNames.map((d) => `DNS:${d}`), ...leaf.ipAddresses.map(ipSan)];
        assert.deepEqual(leaf.dnsNames.length + leaf.ipAddresses.length ? sans(leaf.name) : [], expected, leaf.name);
        assert.equal(hoursValid(leaf.name), LEAF_VALIDITY_HOURS, leaf.name);
        assert.equal(openssl("x509", "-noout", "-pubkey", "-in", crt(leaf.name)), openssl("pkey", "-pubout", "-in", key(leaf.name)), `${leaf.name}'s key matches`);
        assert.equal(fs.statSync(key(leaf.name)).mode & 0o777, 0o600, `${leaf.name}.key is 0600`);
        checks += 11;
    }
    for (const b of cat.bundles) {
        assert.deepEqual(pems(fs.readFileSync(crt(b.name), "utf8")).map((p) => p.trim()), b.signers.map((s) => fs.readFileSync(crt(s), "utf8").trim()), b.name);
        checks++;
    }
    // The key pairs: each public key is its private key's.
    for (const kp of cat.keyPairs) {
        assert.equal(fs.readFileSync(path.join(tlsDir, `${kp}.pub`), "utf8").trim(), openssl("pkey", "-pubout", "-in", path.join(tlsDir, `${kp}.key`)).trim());
        checks++;
    }
    console.log(`# openssl checks: ${checks} over ${cat.signers.length} signers, ${cat.leaves.length} leaves, ${cat.bundles.length} bundles, ${cat.keyPairs.length} key pairs`);
});

test("handoff contract: the operator inputs hold the real PKI, and the trust works as each operator uses it", async () => {
    const material = (await stack.outputs()).material.value as PkiMaterial;
    // The contract's RBAC rows are plain cluster manifests; the rest are operator inputs.
    const objects = [...Object.values(operatorInputManifests(config, material)).flat(), ...Object.values(clusterManifests(config)).flat()];
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "othw-handoff-"));
    const get = (kind: string, ns: string | undefined, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns) as any;
    const decode = (s: string) => Buffer.from(s, "base64").toString();
    const write = (name: string, text: string) => { const f = path.join(work, name); fs.writeFileSync(f, text); return f; };
    const ok = (caFile: string, leaf: string, ...extra: string[]) =>
        spawnSync("openssl", ["verify", "-CAfile", caFile, ...extra, crt(leaf)], { encoding: "utf8" }).status === 0;
    const cat = pkiCatalogue(config);
    let rows = 0;
    try {
        for (const r of handoffContract(config.nodes.bootstrap.name)) {
            const o = get(r.kind, r.namespace, r.name);
            assert.ok(o, `${r.operator}: ${r.kind} ${r.namespace}/${r.name} (${r.source})`);
            if (r.signer) {
                // The secret holds the signer itself, and its annotations are its real validity.
                assert.equal(decode(o.data["tls.crt"]).trim(), fs.readFileSync(crt(r.signer), "utf8").trim(), r.name);
                assert.equal(decode(o.data["tls.key"]).trim(), fs.readFileSync(key(r.signer), "utf8").trim(), r.name);
                const dates = openssl("x509", "-noout", "-startdate", "-enddate", "-in", crt(r.signer));
                assert.equal(Date.parse(o.metadata.annotations["auth.openshift.io/certificate-not-before"]), Date.parse(/notBefore=(.*)/.exec(dates)![1]), r.name);
                assert.equal(Date.parse(o.metadata.annotations["auth.openshift.io/certificate-not-after"]), Date.parse(/notAfter=(.*)/.exec(dates)![1]), r.name);
            }
            if (r.bundleOf) {
                const f = write(`${r.namespace}-${r.name}.crt`, o.data[r.keys[0]]);
                for (const s of cat.signers) assert.equal(ok(f, s.name), r.bundleOf.includes(s.name), `${r.name} trusts ${s.name}: ${r.bundleOf.includes(s.name)}`);
            }
            rows++;
        }
        // The kube-apiserver operator's client CA bundle, assembled from the sources it reads
        // (pkg/operator/targetconfigcontroller), verifies every client certificate we issue to
        // talk to the kube-apiserver.
        const cm = (ns: string, n: string) => get("ConfigMap", ns, n).data["ca-bundle.crt"] as string;
        const signerCrt = (n: string) => decode(get("Secret", "openshift-kube-apiserver-operator", n).data["tls.crt"]);
        const clientBundle = write("client-ca.crt", [cm("openshift-config", "admin-kubeconfig-client-ca"), cm("openshift-config-managed", "csr-controller-ca"),
            cm("openshift-config-managed", "kubelet-bootstrap-kubeconfig"), signerCrt("kube-control-plane-signer"), signerCrt("kube-apiserver-to-kubelet-signer")].join(""));
        const clients = cat.leaves.filter((l) => l.usage !== "server" && !l.signer.startsWith("etcd") && l.signer !== "aggregator-signer");
        assert.ok(clients.length >= 5);
        for (const l of clients) assert.ok(ok(clientBundle, l.name, "-purpose", "sslclient"), `the operator's client bundle verifies ${l.name}`);
        assert.equal(ok(clientBundle, "machine-config-server"), false, "…and nothing root-ca signs");
        // The serving signers, as the operator keeps them, verify every serving name.
        const serving = write("serving-ca.crt", ["localhost-serving-signer", "service-network-serving-signer", "loadbalancer-serving-signer"].map(signerCrt).join(""));
        for (const l of cat.leaves.filter((x) => x.name.startsWith("kube-apiserver-") && x.usage === "server")) {
            for (const d of l.dnsNames) assert.ok(ok(serving, l.name, "-purpose", "sslserver", "-verify_hostname", d), `${l.name} serves ${d}`);
            for (const ip of l.ipAddresses) assert.ok(ok(serving, l.name, "-purpose", "sslserver", "-verify_ip", ip), `${l.name} serves ${ip}`);
        }
        // The bootstrap cluster-policy-controller serves with the controller manager's client
        // certificate and trusts kube-control-plane-ca-bundle for its clients (its servingInfo):
        // that bundle verifies the certificate, and so the controller manager's identity.
        assert.ok(ok(crt("kube-control-plane-ca-bundle"), "kube-control-plane-kube-controller-manager-client", "-purpose", "sslclient"),
            "kube-control-plane-ca-bundle verifies the controller manager's client certificate");
        // The etcd signer, as cluster-etcd-operator keeps it, verifies every etcd certificate.
        const etcdCa = write("etcd-ca.crt", decode(get("Secret", "openshift-etcd", "etcd-signer").data["tls.crt"]));
        for (const l of cat.leaves.filter((x) => x.signer === "etcd-signer")) assert.ok(ok(etcdCa, l.name), `etcd-signer verifies ${l.name}`);
        // The machine-config-server's certificate, as the in-cluster MCS gets it, verifies against kube-system/root-ca for api-int.
        const mcs = get("Secret", "openshift-machine-config-operator", "machine-config-server-tls");
        assert.equal(decode(mcs.data["tls.crt"]).trim(), fs.readFileSync(crt("machine-config-server"), "utf8").trim());
        assert.ok(ok(write("root-ca.crt", get("ConfigMap", "kube-system", "root-ca").data["ca.crt"]), "machine-config-server", "-verify_hostname", `api-int.pki.${config.baseDomain}`));
        console.log(`# handoff contract: ${rows} rows checked against the real PKI`);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
});
test("a real three-member etcd runs with the masters' etcd-serving/etcd-peer certificates and admits only etcd-signer clients", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "othw-etcd-"));
    const masters = config.nodes.masters;
    const initialCluster = masters.map((m) => `${m.name}=https://${m.ip}:2380`).join(",");
    const procs: ChildProcess[] = [];
    try {
        for (const m of masters) {
            const log = fs.openSync(path.join(work, `${m.name}.log`), "w");
            procs.push(spawn("etcd", [
                `--name=${m.name}`, `--data-dir=${path.join(work, m.name)}`,
                `--listen-client-urls=https://${m.ip}:2379`, `--advertise-client-urls=https://${m.ip}:2379`,
                `--listen-peer-urls=https://${m.ip}:2380`, `--initial-advertise-peer-urls=https://${m.ip}:2380`,
                `--initial-cluster=${initialCluster}`, "--initial-cluster-state=new", "--initial-cluster-token=othw-it",
                `--cert-file=${crt(etcdLeaf("serving", m.name))}`, `--key-file=${key(etcdLeaf("serving", m.name))}`,
                "--client-cert-auth=true", `--trusted-ca-file=${crt("etcd-ca-bundle")}`,
                `--peer-cert-file=${crt(etcdLeaf("peer", m.name))}`, `--peer-key-file=${key(etcdLeaf("peer", m.name))}`,
                "--peer-client-cert-auth=true", `--peer-trusted-ca-file=${crt("etcd-ca-bundle")}`,
            ], { stdio: ["ignore", log, log] }));
        }
        const endpoints = masters.map((m) => `https://${m.ip}:2379`).join(",");
        const etcdctl = (cert: string, keyFile: string, ...args: string[]) => spawnSync("etcdctl", [
            `--endpoints=${endpoints}`, `--cacert=${crt("etcd-ca-bundle")}`, `--cert=${cert}`, `--key=${keyFile}`, "--dial-timeout=3s", ...args,
        ], { encoding: "utf8" });

        let health = etcdctl(crt("etcd-client"), key("etcd-client"), "endpoint", "health");
        for (let i = 0; i < 40 && health.status !== 0; i++) {
            await new Promise((r) => setTimeout(r, 500));
            health = etcdctl(crt("etcd-client"), key("etcd-client"), "endpoint", "health");
        }
        assert.equal(health.status, 0, `${health.stdout}${health.stderr}\n${masters.map((m) => fs.readFileSync(path.join(work, `${m.name}.log`), "utf8").slice(-2000)).join("\n")}`);
        assert.equal((health.stdout + health.stderr).match(/is healthy/g)?.length, 3);
        const members = etcdctl(crt("etcd-client"), key("etcd-client"), "member", "list");
        assert.equal(members.stdout.trim().split("\n").length, 3);

        // A client certificate from another CA, same CN, is refused.
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(work, "other-ca.key"), "-out", path.join(work, "other-ca.crt"), "-subj", "/CN=other-ca", "-days", "1");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(work, "other.key"), "-out", path.join(work, "other.csr"), "-subj", "/CN=etcd-client");
        fs.writeFileSync(path.join(work, "ext"), "extendedKeyUsage=clientAuth\n");
        openssl("x509", "-req", "-in", path.join(work, "other.csr"), "-CA", path.join(work, "other-ca.crt"), "-CAkey", path.join(work, "other-ca.key"),
            "-CAcreateserial", "-out", path.join(work, "other.crt"), "-days", "1", "-extfile", path.join(work, "ext"));
        const refused = etcdctl(path.join(work, "other.crt"), path.join(work, "other.key"), "endpoint", "health");
        assert.notEqual(refused.status, 0);
        assert.doesNotMatch(refused.stdout + refused.stderr, /is healthy/);
        assert.match(refused.stdout + refused.stderr, /bad certificate|certificate required|unhealthy|deadline exceeded/);
    } finally {
        for (const p of procs) p.kill("SIGTERM");
        await new Promise((r) => setTimeout(r, 500));
        fs.rmSync(work, { recursive: true, force: true });
    }
});

test("no private key is in plain text in the stack's state or outputs", async () => {
    // The CLI's own export, as a user would run it (the Automation API's exportStack shows secrets).
    const state = execFileSync("pulumi", ["stack", "export", "--stack", stackName], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 << 20 });
    const pemHeaders = ["PRIVATE KEY-----", "BEGIN RSA PRIVATE", "BEGIN EC PRIVATE"];
    // Kubeconfigs carry keys base64-encoded: look for the encoded headers too.
    const encoded = ["-----BEGIN RSA PRIVATE KEY", "-----BEGIN PRIVATE KEY"].map((h) => Buffer.from(h).toString("base64").slice(0, 24));
    for (const needle of [...pemHeaders, ...encoded]) assert.equal(state.includes(needle), false, `state contains ${needle}`);
    assert.ok(state.includes("ciphertext"), "the keys are there, encrypted");
    const outputs = await stack.outputs();
    assert.equal(outputs.kubeconfig.secret, true);
});
