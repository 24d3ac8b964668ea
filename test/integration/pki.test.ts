import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { parseClusterConfig } from "../../components/config";
import { CA_VALIDITY_HOURS, ClusterPki, LEAF_VALIDITY_HOURS, pkiCatalogue } from "../../components/pki";
import { localStackValues, ROOT } from "../support/config";
import { removeStack } from "./harness";

// The real PKI from the real tls provider, on a stack whose nodes sit on loopback addresses so
// that a real three-member etcd can run with the generated certificates on this machine.
const stackName = `it-pki-${crypto.randomBytes(3).toString("hex")}`;
const config = parseClusterConfig({ ...localStackValues(), clusterName: "pki", machineNetwork: "127.0.0.0/24" }, stackName);
const tlsDir = path.join(ROOT, "assets", stackName, "tls");
let stack: Stack;

before(async () => {
    stack = await LocalWorkspace.createStack({
        stackName, projectName: "openshift-hard-way",
        program: async () => {
            const pki = new ClusterPki("pki", config);
            return { kubeconfig: pki.kubeconfigs.admin };
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

test("every certificate checks out with openssl: chain, subject, SANs, usages, validity, key size, key match", () => {
    const cat = pkiCatalogue(config);
    const root = crt("root-ca");
    for (const ca of cat.cas) {
        const text = openssl("x509", "-noout", "-text", "-in", crt(ca.name));
        assert.match(text, /Public-Key: \(2048 bit\)/, ca.name);
        assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/, ca.name);
        assert.match(text, ca.signer ? /CA:TRUE, pathlen:0/ : /CA:TRUE/, ca.name);
        assert.equal(openssl("x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", crt(ca.name)).trim(), `subject=CN=${ca.name}`);
        assert.equal(openssl("verify", "-CAfile", root, crt(ca.name)).trim(), `${crt(ca.name)}: OK`);
        assert.equal(hoursValid(ca.name), CA_VALIDITY_HOURS, ca.name);
    }
    for (const leaf of cat.leaves) {
        const text = openssl("x509", "-noout", "-text", "-in", crt(leaf.name));
        assert.match(text, /Public-Key: \(2048 bit\)/, leaf.name);
        assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/, leaf.name);
        const eku = { server: "TLS Web Server Authentication", client: "TLS Web Client Authentication",
            both: "TLS Web Server Authentication, TLS Web Client Authentication" }[leaf.usage];
        assert.match(text, new RegExp(`X509v3 Extended Key Usage: \\n\\s+${eku}\\n`), leaf.name);
        assert.doesNotMatch(text, /CA:TRUE/, leaf.name);
        const subject = openssl("x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", crt(leaf.name)).trim();
        // RFC 2253 prints the subject's last attribute first.
        assert.equal(subject, `subject=CN=${leaf.commonName}${leaf.organization ? `,O=${leaf.organization}` : ""}`);
        // Chained to its own signer, and to no other CA.
        const verify = (signer: string) => spawnSync("openssl", ["verify", "-CAfile", root, "-untrusted", crt(signer), crt(leaf.name)], { encoding: "utf8" });
        assert.equal(verify(leaf.signer).stdout.trim(), `${crt(leaf.name)}: OK`, `${leaf.name} chains to ${leaf.signer}`);
        const other = leaf.signer === "etcd-ca" ? "kubernetes-ca" : "etcd-ca";
        assert.notEqual(verify(other).status, 0, `${leaf.name} does not chain to ${other}`);
        const expected = [...leaf.dnsNames.map((d) => `DNS:${d}`), ...leaf.ipAddresses.map((i) => `IP Address:${i}`)];
        assert.deepEqual(leaf.dnsNames.length + leaf.ipAddresses.length ? sans(leaf.name) : [], expected, leaf.name);
        assert.equal(hoursValid(leaf.name), LEAF_VALIDITY_HOURS, leaf.name);
        assert.equal(openssl("x509", "-noout", "-pubkey", "-in", crt(leaf.name)), openssl("pkey", "-pubout", "-in", key(leaf.name)), `${leaf.name}'s key matches`);
        assert.equal(fs.statSync(key(leaf.name)).mode & 0o777, 0o600, `${leaf.name}.key is 0600`);
    }
    // The service-account pair: the public key is the private key's.
    assert.equal(fs.readFileSync(path.join(tlsDir, "service-account.pub"), "utf8").trim(),
        openssl("pkey", "-pubout", "-in", path.join(tlsDir, "service-account.key")).trim());
});

test("a real three-member etcd runs with the generated certificates and admits only etcd-ca clients", async () => {
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
                `--cert-file=${crt("etcd-server")}`, `--key-file=${key("etcd-server")}`,
                "--client-cert-auth=true", `--trusted-ca-file=${crt("etcd-ca")}`,
                `--peer-cert-file=${crt(`etcd-peer-${m.name}`)}`, `--peer-key-file=${key(`etcd-peer-${m.name}`)}`,
                "--peer-client-cert-auth=true", `--peer-trusted-ca-file=${crt("etcd-ca")}`,
            ], { stdio: ["ignore", log, log] }));
        }
        const endpoints = masters.map((m) => `https://${m.ip}:2379`).join(",");
        const etcdctl = (cert: string, keyFile: string, ...args: string[]) => spawnSync("etcdctl", [
            `--endpoints=${endpoints}`, `--cacert=${crt("etcd-ca")}`, `--cert=${cert}`, `--key=${keyFile}`, "--dial-timeout=3s", ...args,
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
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(work, "other.key"), "-out", path.join(work, "other.csr"), "-subj", "/CN=system:etcd-client");
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
