// tools/wait-for against a real kube-apiserver (Kubernetes v1.31.14 from tools/setup's cache, or
// the host's) over a real etcd (Debian's), both in a network namespace of this test's own: it
// reports progress while the API is down and while kube-system/bootstrap is missing, returns 0
// once the test creates it with status=complete; install-complete follows a ClusterVersion to
// Available; a bootstrap that never completes ends in the gather (SSH with the bootstrap-ssh key,
// a recording stand-in for ssh here) and exit code 5. Needs root (network namespaces).
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../support/config";

const KUBE_BIN = process.env.OTHW_KUBE_BIN ?? path.join(os.homedir(), ".cache/openshift-hard-way/kube/bin");
const KUBE_APISERVER = path.join(KUBE_BIN, "kube-apiserver");
const KUBECTL = fs.existsSync(path.join(KUBE_BIN, "kubectl")) ? path.join(KUBE_BIN, "kubectl") : "kubectl";
const CRD = path.join(ROOT, "..", "shared", "fixtures", "openshift-4.18-crds", "0000_00_cluster-version-operator_01_clusterversions-Default.crd.yaml");
const ns = `othw-wf${process.pid}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "othw-wait-for-"));
const assets = path.join(work, "assets");
const procs: ChildProcess[] = [];

function inNs(cmd: string, args: string[], log: string): ChildProcess {
    const out = fs.openSync(path.join(work, log), "a");
    const p = spawn("ip", ["netns", "exec", ns, cmd, ...args], { stdio: ["ignore", out, out] });
    fs.closeSync(out);
    procs.push(p);
    return p;
}

/** kubectl in the namespace with the test's kubeconfig. */
function kubectl(...args: string[]): string {
    return execFileSync("ip", ["netns", "exec", ns, KUBECTL, "--kubeconfig", path.join(assets, "auth/kubeconfig"), ...args], { encoding: "utf8" });
}

/** Starts tools/wait-for in the namespace; resolves with its exit code and output. `lines` fills as it prints. */
function waitFor(args: string[], env: Record<string, string> = {}): { done: Promise<{ code: number | null; out: string }>; lines: string[] } {
    const lines: string[] = [];
    const p = spawn("ip", ["netns", "exec", ns, path.join(ROOT, "tools/wait-for"), ...args, "--assets", assets], {
        env: { ...process.env, KUBECTL, ...env }, stdio: ["ignore", "pipe", "pipe"],
    });
    procs.push(p);
    let out = "";
    const take = (d: Buffer) => { out += d; lines.push(...String(d).split("\n").filter(Boolean)); };
    p.stdout!.on("data", take);
    p.stderr!.on("data", take);
    return { lines, done: new Promise((resolve) => p.on("exit", (code) => resolve({ code, out }))) };
}

async function until(what: string, f: () => boolean, ms = 60_000): Promise<void> {
    const end = Date.now() + ms;
    while (!f()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

async function startApiserver(): Promise<void> {
    const d = path.join(work, "kas");
    inNs(KUBE_APISERVER, ["--etcd-servers=http://127.0.0.1:2379", "--bind-address=127.0.0.1", "--secure-port=6443",
        "--advertise-address=10.255.0.1", `--cert-dir=${d}/certs`, `--token-auth-file=${d}/tokens.csv`, "--authorization-mode=RBAC",
        "--service-account-issuer=https://kubernetes.default.svc", `--service-account-key-file=${d}/sa.key`,
        `--service-account-signing-key-file=${d}/sa.key`, "--service-cluster-ip-range=10.0.0.0/24"], "kube-apiserver.log");
}

before(() => {
    execFileSync("ip", ["netns", "add", ns]);
    const ip = (...a: string[]) => execFileSync("ip", ["-n", ns, ...a]);
    ip("link", "set", "lo", "up");
    // An address and a default route for the API server to advertise (nothing is behind them).
    ip("link", "add", "v0", "type", "veth", "peer", "name", "v1");
    ip("addr", "add", "10.255.0.1/24", "dev", "v0");
    ip("link", "set", "v0", "up");
    ip("link", "set", "v1", "up");
    ip("route", "add", "default", "dev", "v0");
    const d = path.join(work, "kas");
    fs.mkdirSync(d);
    execFileSync("openssl", ["genrsa", "-out", path.join(d, "sa.key"), "2048"], { stdio: "ignore" });
    fs.writeFileSync(path.join(d, "tokens.csv"), `wait-for-test-token,admin,admin,"system:masters"\n`, { mode: 0o600 });
    fs.mkdirSync(path.join(assets, "auth"), { recursive: true });
    fs.mkdirSync(path.join(assets, "tls"), { recursive: true });
    fs.writeFileSync(path.join(assets, "auth/kubeconfig"), [
        "apiVersion: v1", "kind: Config",
        // The self-signed serving certificate kube-apiserver makes for itself is not what this test checks.
        "clusters:", "- name: t", "  cluster:", "    server: https://127.0.0.1:6443", "    insecure-skip-tls-verify: true",
        "users:", "- name: admin", "  user:", "    token: wait-for-test-token",
        "contexts:", "- name: t", "  context:", "    cluster: t", "    user: admin", "current-context: t", "",
    ].join("\n"), { mode: 0o600 });
    fs.writeFileSync(path.join(assets, "tls/bootstrap-ssh.key"), "stand-in bootstrap-ssh key\n", { mode: 0o600 });
    inNs("etcd", ["--name", "wf", "--data-dir", path.join(work, "etcd"), "--listen-client-urls", "http://127.0.0.1:2379",
        "--advertise-client-urls", "http://127.0.0.1:2379", "--listen-peer-urls", "http://127.0.0.1:2380",
        "--initial-advertise-peer-urls", "http://127.0.0.1:2380", "--initial-cluster", "wf=http://127.0.0.1:2380"], "etcd.log");
});

after(async () => {
    for (const p of procs.reverse()) {
        if (p.exitCode === null && p.signalCode === null && p.pid) {
            const gone = new Promise((r) => p.on("exit", r));
            try { process.kill(p.pid, "SIGTERM"); } catch { /* gone */ }
            await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        }
    }
    spawnSync("ip", ["netns", "del", ns]);
    fs.rmSync(work, { recursive: true, force: true });
});

test("bootstrap-complete: progress while the API is down and kube-system/bootstrap is missing, 0 once it says complete", async () => {
    const w = waitFor(["bootstrap-complete", "t", "--interval", "1", "--progress", "5", "--api-timeout", "120", "--timeout", "120"]);
    // No API server yet: it says it waits, and why.
    await until("a line about the API", () => w.lines.some((l) => /still waiting for the Kubernetes API at https:\/\/127\.0\.0\.1:6443/.test(l)));
    await startApiserver();
    await until("the API up", () => w.lines.some((l) => /the Kubernetes API at .*: API v1\.\d+\.\d+ is up/.test(l)), 90_000);
    await until("a line about kube-system/bootstrap", () => w.lines.some((l) => /still waiting for bootstrapping to complete .*kube-system\/bootstrap: .*NotFound|not found/.test(l)));
    kubectl("create", "configmap", "bootstrap", "-n", "kube-system", "--from-literal=status=progressing");
    await until("the new state", () => w.lines.some((l) => /kube-system\/bootstrap: status=progressing; Ready masters: 0/.test(l)));
    kubectl("patch", "configmap", "bootstrap", "-n", "kube-system", "--type=merge", "-p", '{"data":{"status":"complete"}}');
    const r = await w.done;
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /bootstrapping to complete: kube-system\/bootstrap says status=complete/);
    assert.match(r.out, /Remove the bootstrap resources \(bootstrap: false\) once cluster-etcd-operator has removed the etcd-bootstrap member/);
    console.log(r.out.trim());
});

/** kubectl with `input` on stdin. */
function kubectlIn(input: string, ...args: string[]): string {
    return execFileSync("ip", ["netns", "exec", ns, KUBECTL, "--kubeconfig", path.join(assets, "auth/kubeconfig"), ...args], { encoding: "utf8", input });
}

/** A ClusterVersion status with one condition set as given (the CRD's required status fields filled in). */
function cvStatus(progressing: string, available: "True" | "False"): string {
    const t = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    return JSON.stringify({ status: {
        availableUpdates: [], observedGeneration: 1, versionHash: "stand-in",
        desired: { version: "4.18.0", image: "quay.io/openshift-release-dev/ocp-release@sha256:" + "5b".repeat(32) },
        conditions: [
            { type: "Available", status: available, lastTransitionTime: t, message: available === "True" ? "Done applying 4.18.0" : "" },
            { type: "Progressing", status: available === "True" ? "False" : "True", lastTransitionTime: t, message: progressing },
        ],
    } });
}

test("install-complete: follows ClusterVersion's Progressing message until it is Available", async () => {
    kubectl("apply", "-f", CRD);
    kubectl("wait", "--for=condition=Established", "crd/clusterversions.config.openshift.io", "--timeout=60s");
    const w = waitFor(["install-complete", "t", "--interval", "1", "--progress", "5", "--timeout", "120"]);
    await until("a line about the ClusterVersion", () => w.lines.some((l) => /clusterversion\/version: .*(NotFound|not found)/.test(l)));
    kubectlIn(JSON.stringify({ apiVersion: "config.openshift.io/v1", kind: "ClusterVersion", metadata: { name: "version" },
        spec: { clusterID: "6e1b4c2a-0000-4000-8000-000000000001" } }), "create", "-f", "-");
    kubectl("patch", "clusterversion", "version", "--subresource=status", "--type=merge", "-p", cvStatus("Working towards 4.18.0: 512 of 845 done (60% complete)", "False"));
    await until("the Progressing message", () => w.lines.some((l) => /Progressing: Working towards 4\.18\.0: 512 of 845 done \(60% complete\)/.test(l)));
    kubectl("patch", "clusterversion", "version", "--subresource=status", "--type=merge", "-p", cvStatus("Cluster version is 4.18.0", "True"));
    const r = await w.done;
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /ClusterVersion Available\): Done applying 4\.18\.0/);
    assert.match(r.out, /Install complete/);
});

test("bootstrap-complete that never completes: the gather over SSH with the bootstrap-ssh key, and exit 5", async () => {
    kubectl("delete", "configmap", "bootstrap", "-n", "kube-system");
    // A recording stand-in for ssh: the test's namespace reaches no bootstrap node.
    const bin = path.join(work, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "ssh"), `#!/bin/sh\necho "$*" >> ${work}/ssh.calls\necho "journal of: $*"\n`, { mode: 0o755 });
    const w = waitFor(["bootstrap-complete", "t", "--interval", "1", "--progress", "2", "--timeout", "4", "--bootstrap-host", "192.0.2.10"],
        { PATH: `${bin}:${process.env.PATH}` });
    const r = await w.done;
    assert.equal(r.code, 5, r.out);
    assert.match(r.out, /timed out waiting for bootstrapping to complete/);
    const bundles = fs.readdirSync(assets).filter((f) => f.startsWith("log-bundle-"));
    assert.equal(bundles.length, 1);
    const bundle = path.join(assets, bundles[0]);
    assert.equal(fs.statSync(bundle).mode & 0o777, 0o700);
    const calls = fs.readFileSync(path.join(work, "ssh.calls"), "utf8").trim().split("\n");
    assert.equal(calls.length, 4, calls.join("\n"));
    for (const c of calls) assert.match(c, new RegExp(`^-i ${path.join(assets, "tls/bootstrap-ssh.key")} -o IdentitiesOnly=yes .* core@192\\.0\\.2\\.10 `));
    assert.match(calls[0], /journalctl -b --no-pager -u bootkube\.service$/);
    assert.match(fs.readFileSync(path.join(bundle, "bootkube.log"), "utf8"), /journal of: .*bootkube\.service/);
    for (const f of ["kubelet.log", "containers.txt", "static-pod-logs.txt", "nodes.txt", "csr.txt"]) assert.ok(fs.existsSync(path.join(bundle, f)), f);
});
