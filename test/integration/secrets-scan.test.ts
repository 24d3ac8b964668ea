import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { execFile, execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import { findPrivateKeys, Finding } from "../support/secrets-scan";
import { removeStack, ROOT, throwawayStack, virsh } from "./harness";

// After a real `pulumi up` of a throwaway stack: the state (`pulumi stack export`), the outputs,
// the CLI's output without -v, the file backend, the asset directory, the storage pool's
// directory and every libvirt volume of the stack, each scanned for private keys with every
// wrapping decoded (test/support/secrets-scan.ts). The state, outputs, logs and backend must hold
// none; the asset directory, pool and volumes hold them by design, and then no file holding one
// may be readable by another user (checked as `nobody`, with the kernel's own access check).
// The VMs must run: QEMU (its own user under qemu:///system) still opens the 0600 volumes in the
// 0700 pool. Its machine network is its own (lifecycle .141, interrupt .143, bad-config .144).
const NET = "192.168.147";

let stack: Stack;
let upLog = "";
let scratch = "";
before(async () => {
    stack = await throwawayStack("secrets", { clusterName: "sec", machineNetwork: `${NET}.0/24` });
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "othw-secrets-"));
    upLog = await new Promise<string>((resolve, reject) => execFile("pulumi", ["up", "--yes", "--skip-preview", "--stack", stack.name, "--non-interactive", "--color", "never"],
        { cwd: ROOT, encoding: "utf8", maxBuffer: 256 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err}\n${stdout}\n${stderr}`)) : resolve(`${stdout}\n${stderr}`))));
});
after(async () => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    if (stack) await removeStack(stack);
});

/** Whether the user `nobody` can read the file (runuser + test -r: the kernel's access check, path included). */
function nobodyReads(file: string): boolean {
    return spawnSync("runuser", ["-u", "nobody", "--", "test", "-r", file]).status === 0;
}
const cli = (...args: string[]) => execFileSync("pulumi", [...args, "--stack", stack.name, "--non-interactive", "--color", "never"], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 << 20 });
function walk(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}
const describe = (f: Finding[]) => f.slice(0, 5).map((x) => `${x.path} (${x.label})`).join("; ");

test("the VMs run: QEMU opens its 0600 volumes in the 0700 pool", () => {
    const prefix = `${stack.name}_sec`;
    for (const n of ["bootstrap", "master-0", "master-1", "master-2"]) assert.match(virsh("domstate", `${prefix}_${n}`) ?? "", /running/, `${n} runs`);
});

test("state, outputs, the CLI's output and the file backend hold no private key", () => {
    const sources: [string, string | Buffer][] = [
        ["pulumi stack export", cli("stack", "export")],
        ["pulumi stack output --json", cli("stack", "output", "--json")],
        ["pulumi up output", upLog],
        ["pulumi preview --diff output", cli("preview", "--diff")],
    ];
    const backend = path.join(ROOT, ".pulumi-state");
    for (const f of walk(backend).filter((f) => f.includes(stack.name))) sources.push([path.relative(ROOT, f), fs.readFileSync(f)]);
    assert.ok(sources.length > 5, "the backend holds this stack's files");
    const found = sources.flatMap(([where, data]) => findPrivateKeys(data, where));
    assert.deepEqual(found, [], describe(found));
    // The backend itself: 0700 directories, 0600 files, nothing readable by nobody.
    for (const f of walk(backend)) assert.equal(nobodyReads(f), false, `nobody reads ${f}`);
    assert.equal(fs.statSync(backend).mode & 0o077, 0, "the backend directory is 0700");
});

test("the asset directory, the pool directory and the libvirt volumes: keys only in files nobody else can read", () => {
    const prefix = `${stack.name}_sec`;
    const poolPath = `/var/lib/libvirt/openshift-hard-way/${stack.name}`;
    let withKeys = 0;
    const readable: string[] = [];
    const check = (file: string, data: Buffer) => {
        if (findPrivateKeys(data, file).length === 0) return;
        withKeys++;
        if (nobodyReads(file)) readable.push(file);
    };
    for (const f of walk(path.join(ROOT, "assets", stack.name))) check(f, fs.readFileSync(f));
    const assetsWithKeys = withKeys;
    assert.ok(assetsWithKeys >= 10, `the scanner finds the keys the asset directory holds by design (${assetsWithKeys} files)`);
    // The pool: its directory 0700 and QEMU's; each volume downloaded through libvirt and scanned.
    const st = fs.statSync(poolPath);
    assert.equal((st.mode & 0o777).toString(8), "700", "the pool directory is 0700");
    assert.equal(nobodyReads(poolPath), false);
    const vols = (virsh("vol-list", prefix) ?? "").split("\n").slice(2).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
    assert.ok(vols.length >= 9, `the pool's volumes: ${vols.join(", ")}`);
    for (const v of vols) {
        const local = path.join(scratch, v);
        assert.ok(virsh("vol-download", "--pool", prefix, v, local) !== null, `vol-download ${v}`);
        const file = path.join(poolPath, v);
        const mode = (fs.statSync(file).mode & 0o777).toString(8);
        assert.equal(mode, "600", `${v} is 0600`);
        if (v.endsWith("_bootstrap.ign")) {
            assert.ok(findPrivateKeys(fs.readFileSync(local), v).length > 0, `the scanner finds the keys inside ${v} (gzip, base64, data URLs)`);
        } else if (v.endsWith(".ign")) {
            // A master's config is a pointer: its kubelet bootstrap kubeconfig comes from the
            // machine-config-server, so it carries no private key at all.
            assert.deepEqual(findPrivateKeys(fs.readFileSync(local), v), [], `${v} (a master's pointer config) holds no private key`);
        }
        check(file, fs.readFileSync(local));
        fs.rmSync(local);
    }
    assert.ok(withKeys > assetsWithKeys, "the Ignition volumes hold keys");
    assert.deepEqual(readable, [], `files holding a private key that nobody can read: ${readable.join(", ")}`);
    console.log(`secrets scan: no private key in state, outputs, logs or backend; ${withKeys} files hold keys by design (${assetsWithKeys} assets, ${withKeys - assetsWithKeys} volumes), none readable by nobody`);
});
