import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import { libvirtObjectsNamed, removeStack, ROOT, throwawayStack, virsh } from "./harness";

// The case that lost data: stack `a` with cluster `x-y` and stack `a-x` with cluster `y` both
// owned `a-x-y`. Now both come up side by side; tools/recover on `a-x` touches nothing of `a`,
// refuses an object of its own name that lacks its owner mark, and with libvirtd unreachable
// fails loudly and changes nothing. Machine networks of their own: .148 and .149.
const A = `it-own-${crypto.randomBytes(3).toString("hex")}`;
const AX = `${A}-x`;
let a: Stack;
let ax: Stack;

/** Runs a command in the project root; never rejects. */
function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => execFile(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out: `${stdout}${stderr}` })));
}
const recover = (stack: string) => run(path.join(ROOT, "tools/recover"), [stack]);
/** Every libvirt object of stack `a`, with its UUID or key, to compare before and after. */
function snapshotOfA(): string[] {
    const p = `${A}_x-y`;
    const vols = (virsh("vol-list", p) ?? "").split("\n").slice(2).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
    return [
        ...libvirtObjectsNamed(`${A}_`).map((o) => `${o} ${virsh(o.startsWith("domain") ? "domuuid" : o.startsWith("network") ? "net-uuid" : "pool-uuid", o.split(" ")[1])?.trim()}`),
        ...vols.map((v) => `volume ${v} ${virsh("vol-key", "--pool", p, v)?.trim()}`),
        `pool dir ${fs.existsSync(`/var/lib/libvirt/openshift-hard-way/${A}`)}`,
    ].sort();
}

before(async () => {
    a = await throwawayStack("own", { clusterName: "x-y", machineNetwork: "192.168.148.0/24" }, A);
    ax = await throwawayStack("own", { clusterName: "y", machineNetwork: "192.168.149.0/24" }, AX);
});
after(async () => {
    virsh("net-undefine", `${AX}_y`);
    for (const s of [ax, a]) if (s) await removeStack(s);
});

test("stack a / cluster x-y and stack a-x / cluster y come up side by side, with names of their own", async () => {
    await a.up();
    await ax.up();
    assert.deepEqual(libvirtObjectsNamed(`${A}_`).filter((o) => o.startsWith("network") || o.startsWith("pool")), [`network ${A}_x-y`, `pool ${A}_x-y`]);
    assert.deepEqual(libvirtObjectsNamed(`${AX}_`).filter((o) => o.startsWith("network") || o.startsWith("pool")), [`network ${AX}_y`, `pool ${AX}_y`]);
    assert.match(virsh("dumpxml", `${A}_x-y_master-0`) ?? "", new RegExp(`<othw:owner xmlns:othw="urn:openshift-hard-way:owner:1" stack="${A}" cluster="x-y"/>`));
});

test("tools/recover a-x leaves every object of stack a alone; refuses an unmarked object of its own name", async () => {
    const before = snapshotOfA();
    assert.ok(before.length >= 15, before.join("\n"));
    const healthy = await recover(AX);
    assert.equal(healthy.code, 0, healthy.out);
    assert.match(healthy.out, /no orphan libvirt objects/);
    assert.deepEqual(snapshotOfA(), before);
    // a-x destroyed, then an object of its network's name that it did not make (no owner mark).
    await ax.destroy();
    fs.writeFileSync(path.join(ROOT, `.decoy-${AX}.xml`), `<network><name>${AX}_y</name><bridge name="virbr-own${A.slice(-4)}"/></network>`);
    assert.ok(virsh("net-define", path.join(ROOT, `.decoy-${AX}.xml`)) !== null);
    fs.rmSync(path.join(ROOT, `.decoy-${AX}.xml`));
    const r = await recover(AX);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`NOT deleting network ${AX}_y: unknown to the state, and it lacks the owner mark of stack ${AX}, cluster y`));
    assert.ok(virsh("net-info", `${AX}_y`), "the unmarked network is still there");
    assert.deepEqual(snapshotOfA(), before, "nothing of stack a touched");
});

test("tools/recover with libvirt unreachable fails loudly and changes nothing", async () => {
    const before = snapshotOfA();
    const file = path.join(ROOT, "stacks", `Pulumi.${AX}.yaml`);
    const text = fs.readFileSync(file, "utf8");
    const state = (await run("pulumi", ["stack", "export", "--stack", AX])).out;
    // libvirtd "down" for this stack: its URI names a socket nothing listens on (the machine's
    // libvirtd is shared and stays up).
    await ax.setConfig("openshift-hard-way:libvirt.uri", { value: "qemu:///system?socket=/nonexistent/libvirt-sock" }, true);
    const r = await recover(AX);
    fs.writeFileSync(file, text);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /error: libvirt does not answer at qemu:\/\/\/system\?socket=\/nonexistent\/libvirt-sock \(libvirt.uri\): .*nothing was changed/);
    assert.doesNotMatch(r.out, /no orphan|deleting|pulumi refresh/);
    assert.equal((await run("pulumi", ["stack", "export", "--stack", AX])).out, state, "the state is unchanged");
    assert.ok(virsh("net-info", `${AX}_y`), "the unmarked network is still there");
    assert.deepEqual(snapshotOfA(), before, "nothing of stack a touched");
});
