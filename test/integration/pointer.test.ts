// Real Ignition fetches and merges a master's pointer config.
//
// The masters' configs are rendered from the real PKI (the real tls plugin), and Debian's real
// Ignition binary runs on each of them in a network namespace of this test's own, where
// `api-int.<cluster domain>` resolves (through /etc/netns/<ns>/hosts, which `ip netns exec`
// binds over /etc/hosts) to a small HTTPS server of this test's on the namespace's loopback,
// port 22623. The server presents the rendered machine-config-server certificate and serves
// what a real OpenShift 4.18 bootstrap machine-config-server serves for /config/master
// (../shared/fixtures/mco-4.18-master/, the spec 3.2.0 variant Ignition 2.14 takes). Ignition's
// fetch and files stages write the merged result into a scratch root (Ignition 2.14 asks for
// `version=3.3.0, */*;q=0.1`; the server answers with the 3.2.0 form). A server presenting a
// certificate for the same name from another CA must be refused.
//
// Needs root (network namespaces) and the `ignition` package (tools/setup installs both).
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { parseClusterConfig } from "../../components/config/schema";
import { masterIgnition } from "../../components/ignition/nodes";
import { fileBytes, fileText, IgnitionConfig, IgnitionFile } from "../../components/ignition/spec";
import { runIgnition } from "../../tools/rehearse.d/ignition";
import { ClusterPki, PkiMaterial } from "../../components/pki";
import { masterManifests } from "../../components/static-pods/nodes";
import { toYaml } from "../../components/manifests";
import { localStackValues, ROOT } from "../support/config";
import { removeStack } from "./harness";

const SERVED = path.join(ROOT, "..", "shared", "fixtures", "mco-4.18-master", "mco-master-rendered-3.2.json");
const SSH = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPXJ7Ux28cIGj4b21XFKFX+JFSShGnidLAvzfvMe9G95 pointer-test";

const stackName = `it-pointer-${crypto.randomBytes(3).toString("hex")}`;
const local = localStackValues() as Record<string, any>;
const config = parseClusterConfig({ ...local, sshKeys: [SSH], libvirt: { ...local.libvirt, poolPath: `/var/lib/libvirt/openshift-hard-way/${stackName}` } }, stackName);
const domain = `${config.clusterName}.${config.baseDomain}`;
const tlsDir = path.join(ROOT, "assets", stackName, "tls");
const ns = `othw-pt${process.pid}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "othw-pointer-"));
// Ignition writes core's SSH keys as core (uid 1000), who must be able to reach the root.
fs.chmodSync(work, 0o755);
let stack: Stack;
let material: PkiMaterial;
const servers: ChildProcess[] = [];
const hadNetnsEtc = fs.existsSync("/etc/netns");

before(async () => {
    stack = await LocalWorkspace.createStack({
        stackName, projectName: "openshift-hard-way",
        program: async () => ({ material: new ClusterPki("pki", config).material }),
    }, { workDir: ROOT });
    const up = await stack.up();
    assert.equal(up.summary.result, "succeeded");
    material = (await stack.outputs()).material.value as PkiMaterial;
    execFileSync("ip", ["netns", "add", ns]);
    execFileSync("ip", ["-n", ns, "link", "set", "lo", "up"]);
    fs.mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    fs.writeFileSync(`/etc/netns/${ns}/hosts`, `127.0.0.1 localhost\n127.0.0.1 api-int.${domain}\n`);
});

after(async () => {
    for (const s of servers) if (s.exitCode === null && s.pid) { try { process.kill(s.pid, "SIGKILL"); } catch { /* gone */ } }
    spawnSync("ip", ["netns", "del", ns]);
    fs.rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    // /etc/netns itself only if this test made it and nothing else is in it.
    if (!hadNetnsEtc) { try { fs.rmdirSync("/etc/netns"); } catch { /* not empty, or gone */ } }
    fs.rmSync(work, { recursive: true, force: true });
    if (stack) await removeStack(stack);
});

/**
 * Starts an HTTPS server in the test's namespace on :22623 with `cert`/`key`, serving the
 * fixture for GET /config/master and 404 otherwise; every request's Accept header goes to
 * `<work>/<name>.requests`. Resolves once it listens.
 */
async function startServer(name: string, cert: string, key: string): Promise<{ proc: ChildProcess; requests: string }> {
    const requests = path.join(work, `${name}.requests`);
    const script = `
const https = require("https"), fs = require("fs");
const body = fs.readFileSync(process.env.SERVED);
https.createServer({ cert: fs.readFileSync(process.env.CERT), key: fs.readFileSync(process.env.KEY) }, (req, res) => {
  fs.appendFileSync(process.env.REQUESTS, req.method + " " + req.url + " Accept: " + (req.headers.accept || "") + "\\n");
  if (req.method === "GET" && req.url === "/config/master") { res.writeHead(200, { "Content-Type": "application/json" }); res.end(body); }
  else { res.writeHead(404); res.end(); }
}).listen(22623, "127.0.0.1", () => console.log("listening"));`;
    const proc = spawn("ip", ["netns", "exec", ns, process.execPath, "-e", script], {
        env: { ...process.env, SERVED, CERT: cert, KEY: key, REQUESTS: requests }, stdio: ["ignore", "pipe", "inherit"],
    });
    servers.push(proc);
    await new Promise<void>((resolve, reject) => {
        proc.stdout!.on("data", (d) => { if (String(d).includes("listening")) resolve(); });
        proc.on("exit", (code) => reject(new Error(`test server exited ${code}`)));
    });
    return { proc, requests };
}

async function stopServer(proc: ChildProcess): Promise<void> {
    if (proc.exitCode !== null) return;
    const gone = new Promise((r) => proc.on("exit", r));
    proc.kill("SIGTERM");
    await gone;
}

/**
 * Runs Ignition's fetch and files stages (the rehearsal's runner: a scratch root seeded with
 * RHCOS's users, a stand-in setfiles), as on a first boot with the `file` platform, in the test's
 * namespace, on `ign`.
 * @returns the root, the combined log and the exit code of the first stage that failed (0: none).
 */
async function ignition(label: string, ign: IgnitionConfig, timeoutMs: number): Promise<{ root: string; log: string; code: number }> {
    const dir = path.join(work, label);
    const root = path.join(dir, "root");
    fs.mkdirSync(dir, { mode: 0o755 });
    const ignFile = path.join(dir, "config.ign");
    fs.writeFileSync(ignFile, JSON.stringify(ign), { mode: 0o600 });
    const r = await runIgnition(ignFile, root, dir, { stages: ["fetch", "files"], netns: ns, timeoutMs });
    return { root, log: r.log, code: r.failed?.code ?? 0 };
}

function pointer(node: (typeof config.nodes.masters)[number]): IgnitionConfig {
    const manifests = Object.fromEntries(Object.entries(masterManifests(config)).map(([p, o]) => [p, toYaml(o)]));
    return masterIgnition({ config, node, manifests, rootCa: material.certs["root-ca"].cert });
}

const body = (f: IgnitionFile) => fileBytes(f);

test("real Ignition fetches /config/master from api-int:22623 over root-ca's TLS and merges it with each master's files", async () => {
    const served = JSON.parse(fs.readFileSync(SERVED, "utf8")) as IgnitionConfig;
    const { proc, requests } = await startServer("mcs", path.join(tlsDir, "machine-config-server.crt"), path.join(tlsDir, "machine-config-server.key"));
    try {
        for (const m of config.nodes.masters) {
            const started = Date.now();
            const r = await ignition(m.name, pointer(m), 120_000);
            assert.equal(r.code, 0, `${m.name}: ${r.log.split("\n").filter((l) => /CRITICAL|ERROR/.test(l)).map((l) => l.slice(0, 300)).slice(0, 5).join("\n")}`);
            const at = (p: string) => path.join(r.root, p);
            // Every file and unit the server serves, with its contents and mode.
            let files = 0;
            for (const f of served.storage?.files ?? []) {
                if (!f.contents?.source) continue;
                assert.ok(fs.existsSync(at(f.path)), `${m.name}: served ${f.path} is missing`);
                assert.ok(body(f).equals(fs.readFileSync(at(f.path))), `${m.name}: served ${f.path} differs`);
                assert.equal(fs.statSync(at(f.path)).mode & 0o7777, f.mode ?? 0o644, `${m.name}: mode of ${f.path}`);
                files++;
            }
            const preset = fs.readFileSync(at("etc/systemd/system-preset/20-ignition.preset"), "utf8");
            let units = 0;
            for (const u of served.systemd?.units ?? []) {
                if (u.contents !== undefined) assert.equal(fs.readFileSync(at(`etc/systemd/system/${u.name}`), "utf8"), u.contents, u.name);
                for (const d of u.dropins ?? []) assert.ok(fs.existsSync(at(`etc/systemd/system/${u.name}.d/${d.name}`)), `${u.name}.d/${d.name}`);
                if (u.enabled === true) assert.ok(preset.includes(`enable ${u.name}\n`), `${u.name} enabled`);
                units++;
            }
            assert.ok(files >= 50 && units >= 24, `${files} files, ${units} units`);
            for (const p of ["etc/machine-config-daemon/node-annotations.json", "etc/kubernetes/kubeconfig", "etc/kubernetes/kubelet-ca.crt", "var/lib/kubelet/config.json"]) {
                assert.ok(fs.existsSync(at(p)), `${m.name}: ${p} (served)`);
            }
            // This project's per-node files.
            assert.equal(fs.readFileSync(at("etc/hostname"), "utf8"), `${m.name}.${domain}\n`);
            const keyfile = at("etc/NetworkManager/system-connections/machine-network.nmconnection");
            assert.match(fs.readFileSync(keyfile, "utf8"), new RegExp(`addresses=${m.ip.replace(/\./g, "\\.")}/24`));
            assert.equal(fs.statSync(keyfile).mode & 0o7777, 0o600);
            const proxy = pointer(m).storage!.files!.find((f) => f.path === "/etc/kubernetes/manifests/kube-proxy.yaml")!;
            assert.equal(fs.readFileSync(at("etc/kubernetes/manifests/kube-proxy.yaml"), "utf8"), fileText(proxy));
            const keys = fs.readFileSync(at("var/home/core/.ssh/authorized_keys.d/ignition"), "utf8");
            assert.ok(keys.includes(SSH), `${m.name}: our SSH key`);
            console.log(`${m.name}: merged ${files} served files and ${units} units with 3 of ours in ${Date.now() - started} ms; core's keys: ${keys.trim().split("\n").length}`);
        }
        const reqs = fs.readFileSync(requests, "utf8").trim().split("\n");
        assert.equal(reqs.length, config.nodes.masters.length, reqs.join("\n"));
        for (const l of reqs) assert.match(l, /^GET \/config\/master Accept: application\/vnd\.coreos\.ignition\+json;version=/);
        console.log(`requests: ${reqs[0]}`);
    } finally {
        await stopServer(proc);
    }
});

test("Ignition refuses a server whose certificate for api-int is signed by another CA", async () => {
    const dir = path.join(work, "other-ca");
    fs.mkdirSync(dir);
    const o = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    o("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/OU=openshift/CN=root-ca");
    o("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "mcs.key", "-out", "mcs.csr", "-subj", "/CN=system:machine-config-server");
    fs.writeFileSync(path.join(dir, "ext"), `subjectAltName=DNS:api-int.${domain}\n`);
    o("x509", "-req", "-in", "mcs.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "mcs.crt", "-days", "1", "-extfile", "ext");
    const { proc } = await startServer("impostor", path.join(dir, "mcs.crt"), path.join(dir, "mcs.key"));
    try {
        // Ignition retries a failed fetch until its total HTTP timeout (none by default), so the
        // run is cut off after 20 s: by then it has been refused many times over.
        const r = await ignition("impostor", pointer(config.nodes.masters[0]), 20_000);
        assert.notEqual(r.code, 0, "Ignition must not finish against an impostor");
        assert.match(r.log, /x509: certificate signed by unknown authority|certificate is not trusted/);
        assert.equal(fs.existsSync(path.join(r.root, "etc/systemd/system/kubelet.service")), false, "nothing served was written");
        assert.equal(fs.existsSync(path.join(r.root, "etc/hostname")), false, "the files stage never ran");
    } finally {
        await stopServer(proc);
    }
});
