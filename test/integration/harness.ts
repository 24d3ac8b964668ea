import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { localStackValues, ROOT } from "../support/config";

export { ROOT };
/** The libvirt URI the integration tests use: the machine's own system libvirtd. */
export const LIBVIRT_URI = "qemu:///system";

/**
 * Creates a throwaway stack of this project with its own config file under stacks/: the local
 * stack's release block, plus `config`.
 * @param purpose a short lower-case word that goes into the stack name, e.g. `lifecycle`.
 * @param config  this project's keys without the namespace; objects are flattened to paths.
 * @throws Error if tools/env.sh was not sourced (npm test does it): the CLI must come from ~/.pulumi/bin.
 */
export async function throwawayStack(purpose: string, config: Record<string, unknown>): Promise<Stack> {
    if (!process.env.PULUMI_BACKEND_URL || !process.env.PULUMI_CONFIG_PASSPHRASE) {
        throw new Error("integration tests need the project's environment: run them with `npm test` (tools/test sources tools/env.sh)");
    }
    const stackName = `it-${purpose}-${crypto.randomBytes(3).toString("hex")}`;
    const stack = await LocalWorkspace.createStack({ stackName, workDir: ROOT });
    const flat: Record<string, { value: string }> = {};
    const walk = (prefix: string, v: unknown) => {
        if (v !== null && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) walk(`${prefix}.${k}`, x);
        } else {
            flat[prefix] = { value: String(v) };
        }
    };
    for (const [k, v] of Object.entries({ release: localStackValues().release, ...config })) walk(`openshift-hard-way:${k}`, v);
    await stack.setAllConfig(flat, true);
    return stack;
}

/** Destroys what the stack still has and removes the stack and its config file; never throws. */
export async function removeStack(stack: Stack): Promise<void> {
    try {
        await stack.destroy({ refresh: true });
    } catch (e) {
        console.error(`destroy of ${stack.name} failed: ${e}`);
    }
    try {
        await stack.workspace.removeStack(stack.name);
    } catch (e) {
        console.error(`stack rm of ${stack.name} failed: ${e}`);
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
