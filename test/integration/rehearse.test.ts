import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import { ignitionFile } from "../../tools/rehearse.d/ignition";
import { removeStack, ROOT, throwawayStack } from "./harness";

// tools/rehearse against a throwaway stack's real assets (pulumi up with blank disks), with the
// OpenShift 4.18 CRDs as its crdsDir: every rung passes. Then two copies of those assets, each
// broken in one place on purpose, must fail and name what is broken.
//
// The CRDs are test data read from outside the repository: OTHW_CRDS_DIR, by default the
// fixture ../shared/fixtures/openshift-4.18-crds beside the project (README "Tests").
const CRDS = process.env.OTHW_CRDS_DIR ?? path.resolve(ROOT, "..", "shared", "fixtures", "openshift-4.18-crds");
const HAVE_CRDS = fs.existsSync(CRDS);
const SKIP = HAVE_CRDS ? false : `no OpenShift CRDs at ${CRDS}: set OTHW_CRDS_DIR to a directory that \`tools/extract-crds <release image> <dir>\` filled`;
const NET = "192.168.145";
let stack: Stack | undefined;
let assets = "";

/** One rung's line of the rehearsal's progress output. */
interface Rung { status: string; rung: string; detail: string }

/** Runs tools/rehearse; resolves with its exit code, output and rungs by name. */
function rehearse(args: string[]): Promise<{ code: number | null; out: string; rungs: Map<string, Rung> }> {
    return new Promise((resolve) => {
        const child = spawn("bash", [path.join(ROOT, "tools/rehearse"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d) => { out += d; });
        child.stderr.on("data", (d) => { out += d; });
        child.on("exit", (code) => {
            const rungs = new Map<string, Rung>();
            for (const l of out.split("\n")) {
                const m = /^\[\s*[\d.]+ s\] (pass|fail|skip) (.+?)(?:: (.*))?$/.exec(l);
                if (m) rungs.set(m[2], { status: m[1], rung: m[2], detail: m[3] ?? "" });
            }
            resolve({ code, out, rungs });
        });
    });
}

/** A copy of the stack's assets in which each edit changed one file of the bootstrap node's Ignition config. */
async function brokenCopy(edits: Record<string, (text: string) => string>): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "othw-broken-"));
    fs.cpSync(assets, dir, { recursive: true });
    const ign = path.join(dir, "bootstrap.ign");
    const cfg = JSON.parse(fs.readFileSync(ign, "utf8"));
    for (const [filePath, edit] of Object.entries(edits)) {
        const text = await ignitionFile(ign, filePath);
        assert.ok(text, `${filePath} is in the bootstrap config`);
        const changed = edit(text);
        assert.notEqual(changed, text, `the edit changed ${filePath}`);
        const f = cfg.storage.files.find((x: { path: string }) => x.path === filePath);
        f.contents = { source: `data:;base64,${Buffer.from(changed).toString("base64")}` };
    }
    fs.writeFileSync(ign, JSON.stringify(cfg), { mode: 0o600 });
    return dir;
}

/** Namespaces and processes a rehearsal may have left behind. */
function leftovers(): string[] {
    const ns = execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").filter((l) => /^othw-rh\d+-/.test(l));
    const procs = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n").filter((l) => /othw-rehearse-|\/opt\/rehearse\//.test(l));
    return [...ns, ...procs];
}

before(async () => {
    if (SKIP) return;
    stack = await throwawayStack("rehearse", { clusterName: "rh", machineNetwork: `${NET}.0/24`, crdsDir: CRDS });
    await stack.up();
    assets = path.join(ROOT, "assets", stack.name);
});
after(async () => {
    if (stack) await removeStack(stack);
});

test("the rendered bootstrap passes every rung of the rehearsal", { skip: SKIP }, async () => {
    const r = await rehearse([stack!.name]);
    console.log(r.out.slice(r.out.indexOf("\nrung ")));
    assert.equal(r.code, 0, `rehearsal failed:\n${r.out}`);
    const must = [
        "binaries", "ignition bootstrap", "ignition master-0", "ignition master-1", "ignition master-2", "network namespaces",
        "pod etcd-bootstrap", "pod kube-apiserver-bootstrap", "pod kube-controller-manager-bootstrap", "pod kube-scheduler-bootstrap",
        "probes", "readyz api.rh.lab.local", "readyz api-int.rh.lab.local", "leases", "bootkube.sh", "cluster manifests",
        "infrastructure status", "master-0 client CSR", "master-0 kube-proxy", "logs",
    ];
    for (const name of must) assert.equal(r.rungs.get(name)?.status, "pass", `rung ${name}: ${JSON.stringify(r.rungs.get(name))}`);
    // The CVO cannot run without its image; that is the one rung that says so instead of passing.
    assert.equal(r.rungs.get("pod cvo-bootstrap")?.status, "skip");
    // Nor can the controller manager's cluster-policy-controller: its pod passes on the
    // controller manager alone and names the container it left out.
    assert.match(r.rungs.get("pod kube-controller-manager-bootstrap")!.detail, /1 container\(s\) up, probes answer; not run: container cluster-policy-controller: /);
    assert.match(r.rungs.get("master-0 client CSR")!.detail, /authenticates as system:node:master-0\.rh\.lab\.local/);
    assert.match(r.rungs.get("bootkube.sh")!.detail, /CRDs applied/);
    assert.deepEqual(leftovers(), [], "no namespace or process left behind");
});

// Both breakages in one copy (one rehearsal run instead of two): each is a rung of its own, and
// neither depends on the other (bootkube.sh needs only etcd and the API server).
test("a wrong certificate path in one static pod, and a manifest with an unknown field, fail the rehearsal, each named by its rung", { skip: SKIP }, async () => {
    const dir = await brokenCopy({
        "/etc/kubernetes/manifests/kube-scheduler-bootstrap.yaml":
            (t) => t.replace("/etc/kubernetes/kubeconfigs/kube-scheduler.kubeconfig", "/etc/kubernetes/kubeconfigs/kube-scheduler-typo.kubeconfig"),
        "/opt/openshift/manifests/05-dns.yaml": (t) => t.replace(/^spec:\n/m, "spec:\n  baseDomian: typo.example\n"),
    });
    try {
        const r = await rehearse([stack!.name, "--assets", dir]);
        assert.equal(r.code, 1, r.out);
        const pod = r.rungs.get("pod kube-scheduler-bootstrap");
        assert.equal(pod?.status, "fail", r.out);
        assert.match(pod!.detail, /kube-scheduler-typo\.kubeconfig/);
        const bootkube = r.rungs.get("bootkube.sh");
        assert.equal(bootkube?.status, "fail", r.out);
        assert.match(bootkube!.detail, /05-dns\.yaml/);
        assert.match(bootkube!.detail, /baseDomian/);
        // What needs neither still ran and passed.
        for (const ok of ["pod kube-apiserver-bootstrap", "pod kube-controller-manager-bootstrap", "readyz api.rh.lab.local"]) assert.equal(r.rungs.get(ok)?.status, "pass", ok);
        assert.deepEqual(leftovers(), []);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
