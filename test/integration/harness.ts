import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { localStackValues, ROOT } from "../support/config";

export { ROOT };

// The tests' throwaway stacks encrypt with a passphrase of this process's own, not the local
// stack's public one (which the program refuses for any other stack). Child processes (the CLI,
// tools/recover) inherit it.
if (process.env.PULUMI_BACKEND_URL) process.env.PULUMI_CONFIG_PASSPHRASE = `it-${crypto.randomBytes(16).toString("hex")}`;
/** The libvirt URI the integration tests use: the machine's own system libvirtd. */
export const LIBVIRT_URI = "qemu:///system";

/**
 * Creates a throwaway stack of this project with its own config file under stacks/: the local
 * stack's release, OS image (blank), VM sizes and domain type, plus `config`.
 * @param purpose a short lower-case word that goes into the stack name, e.g. `lifecycle`.
 * @param config  this project's keys without the namespace; objects are flattened to paths.
 * @param stackName the stack's name, when a test needs a particular one (default `it-<purpose>-<6 hex>`).
 * @throws Error if tools/env.sh was not sourced (npm test does it): the CLI must come from ~/.pulumi/bin.
 */
export async function throwawayStack(purpose: string, config: Record<string, unknown>, stackName = `it-${purpose}-${crypto.randomBytes(3).toString("hex")}`): Promise<Stack> {
    if (!process.env.PULUMI_BACKEND_URL || !process.env.PULUMI_CONFIG_PASSPHRASE) {
        throw new Error("integration tests need the project's environment: run them with `npm test` (tools/dev/test sources tools/env.sh)");
    }
    const stack = await LocalWorkspace.createStack({ stackName, workDir: ROOT });
    const flat: Record<string, { value: string }> = {};
    const walk = (prefix: string, v: unknown) => {
        if (v !== null && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) walk(`${prefix}.${k}`, x);
        } else {
            flat[prefix] = { value: String(v) };
        }
    };
    // From the local stack: the release, blank disks, small VMs, software emulation.
    const local = localStackValues() as Record<string, any>;
    const base = { release: local.release, osImage: local.osImage, vm: local.vm, libvirt: { domainType: local.libvirt.domainType } };
    for (const [k, v] of Object.entries({ ...base, ...config })) walk(`openshift-hard-way:${k}`, v);
    await stack.setAllConfig(flat, true);
    return stack;
}

/**
 * Destroys what the stack still has and removes the stack and its config file; never throws.
 * If destroy fails (a test left the stack half-broken on purpose or by failing), the libvirt
 * objects named after the stack are removed with virsh, so one failed run cannot break the next.
 */
export async function removeStack(stack: Stack): Promise<void> {
    try {
        await stack.destroy({ refresh: true });
    } catch (e) {
        console.error(`destroy of ${stack.name} failed, removing its libvirt objects with virsh: ${String(e).slice(0, 500)}`);
        sweepLibvirt(`${stack.name}_`);
    }
    try {
        await stack.workspace.removeStack(stack.name, { force: true });
    } catch (e) {
        console.error(`stack rm of ${stack.name} failed: ${e}`);
    }
}

/** Removes every libvirt domain, pool (with its volumes) and network whose name starts with `prefix`. */
export function sweepLibvirt(prefix: string): void {
    const names = (...args: string[]) => (virsh(...args, "--name") ?? "").split("\n").map((l) => l.trim()).filter((n) => n.startsWith(prefix));
    for (const d of names("list", "--all")) {
        virsh("destroy", d);
        virsh("undefine", d);
    }
    for (const p of names("pool-list", "--all")) {
        for (const v of (virsh("vol-list", p) ?? "").split("\n").slice(2).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean)) virsh("vol-delete", "--pool", p, v);
        virsh("pool-destroy", p);
        virsh("pool-delete", p);
        virsh("pool-undefine", p);
    }
    for (const n of names("net-list", "--all")) {
        virsh("net-destroy", n);
        virsh("net-undefine", n);
    }
}

/** Runs `virsh -c qemu:///system <args>`; returns stdout, or null if virsh exits non-zero. */
export function virsh(...args: string[]): string | null {
    try {
        return execFileSync("virsh", ["-c", LIBVIRT_URI, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch {
        return null;
    }
}

/** Resolves `name` (A records) with the DNS server at `server`; sorted addresses, or [] if none. */
export async function resolve(server: string, name: string): Promise<string[]> {
    const { Resolver } = await import("node:dns/promises");
    const r = new Resolver({ timeout: 2000, tries: 2 });
    r.setServers([server]);
    try {
        return (await r.resolve4(name)).sort();
    } catch {
        return [];
    }
}

/** Domain UUID by libvirt domain name, or null when it does not exist. */
export function domainUuid(name: string): string | null {
    return virsh("domuuid", name)?.trim() || null;
}

/**
 * The number of resources in a stack's state (`pulumi stack export`; 0 when it has none).
 * Secrets stay encrypted: only the resource list is counted.
 */
export async function stateResources(stackName: string): Promise<number> {
    const { execFile } = await import("node:child_process");
    const out = await new Promise<string>((resolve, reject) => execFile("pulumi", ["stack", "export", "--stack", stackName],
        { cwd: ROOT, encoding: "utf8", maxBuffer: 256 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err}\n${stderr}`)) : resolve(stdout))));
    return (JSON.parse(out).deployment?.resources ?? []).length;
}

/** Names of libvirt domains, networks and pools (any state) that start with `prefix`, e.g. `domain it-x-bad-master-0`. */
export function libvirtObjectsNamed(prefix: string): string[] {
    const out: string[] = [];
    for (const [kind, args] of [["domain", ["list", "--all"]], ["network", ["net-list", "--all"]], ["pool", ["pool-list", "--all"]]] as const) {
        for (const n of (virsh(...args, "--name") ?? "").split("\n").map((l) => l.trim())) if (n.startsWith(prefix)) out.push(`${kind} ${n}`);
    }
    return out;
}
