import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { CONFIG_NAMESPACE, ClusterConfig, ConfigError, parseClusterConfig } from "./schema";

// The stack config: ./schema.ts declares it (types, defaults, constraints, docs) and parses it,
// ./derived.ts computes what follows from it, ./docs.ts renders the README's key table. This
// file reads it from the running Pulumi program.
export * from "./schema";
export * from "./derived";

/**
 * The `libvirt.poolPath` of every other stack config under `stacks/` (stack → path; the default
 * path when a stack sets none), so that no stack's pool directory nests in another's.
 * @param root the project root (holding `stacks/`).
 */
export function otherStacksPools(root: string, stack: string): Record<string, string> {
    const out: Record<string, string> = {};
    const dir = path.join(root, "stacks");
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        const m = /^Pulumi\.(.+)\.yaml$/.exec(f);
        if (!m || m[1] === stack) continue;
        try {
            const doc = YAML.parse(fs.readFileSync(path.join(dir, f), "utf8"));
            const p = doc?.config?.[`${CONFIG_NAMESPACE}:libvirt`]?.poolPath;
            out[m[1]] = typeof p === "string" ? p : `/var/lib/libvirt/openshift-hard-way/${m[1]}`;
        } catch {
            // A stack file that does not parse is that stack's problem, not this one's.
        }
    }
    return out;
}

/** The `local` stack's passphrase, public on purpose (tools/env.sh sets it when none is set). */
export const PUBLIC_PASSPHRASE = "openshift-hard-way-local";

/**
 * Refuses a stack other than `local` whose secrets would be encrypted with the public passphrase:
 * its state plus that passphrase would be every key of its cluster.
 * @param env the environment the CLI runs the program with (PULUMI_CONFIG_PASSPHRASE, PULUMI_CONFIG_PASSPHRASE_FILE).
 * @throws ConfigError that says how to set a passphrase of one's own.
 */
export function assertOwnPassphrase(stack: string, env: NodeJS.ProcessEnv): void {
    if (stack === "local") return;
    let p = env.PULUMI_CONFIG_PASSPHRASE;
    if (p === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE) {
        try { p = fs.readFileSync(env.PULUMI_CONFIG_PASSPHRASE_FILE, "utf8").replace(/\r?\n$/, ""); } catch { p = undefined; }
    }
    if (p === PUBLIC_PASSPHRASE) {
        throw new ConfigError("(secrets passphrase)", `stack ${stack} would encrypt its secrets with the local stack's public passphrase (tools/env.sh's default), and its state would then give away every key of the cluster. Set your own: export PULUMI_CONFIG_PASSPHRASE=<a passphrase of yours> (or PULUMI_CONFIG_PASSPHRASE_FILE=<file>); for a stack made with the public one, re-encrypt it with pulumi stack change-secrets-provider passphrase --stack ${stack} (it asks for the new passphrase)`);
    }
}

/**
 * Reads this project's keys from the running stack's config and validates them
 * (see {@link parseClusterConfig}). Object values arrive as JSON text and are parsed here.
 * @throws ConfigError before any resource is registered.
 */
export function loadClusterConfig(): ClusterConfig {
    const raw: Record<string, unknown> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
        if (!k.startsWith(prefix)) continue;
        const key = k.slice(prefix.length);
        try {
            raw[key] = v.startsWith("{") || v.startsWith("[") ? JSON.parse(v) : v;
        } catch {
            throw new ConfigError(key, key === "pullSecret"
                ? "is not JSON; set it from your pull-secret file: pulumi config set --secret pullSecret < ~/.pull-secret.json"
                : `is not valid JSON: ${v}`);
        }
    }
    return parseClusterConfig(raw, pulumi.getStack(), otherStacksPools(process.cwd(), pulumi.getStack()));
}

/**
 * The stack's pull secret as a Pulumi secret; `{"auths":{}}` when the stack sets none (the
 * `local` stack pulls nothing). Set it with `pulumi config set --secret pullSecret < file`.
 */
export function loadPullSecret(): pulumi.Output<string> {
    const v = new pulumi.Config(CONFIG_NAMESPACE).getSecret("pullSecret");
    return v ?? pulumi.secret('{"auths":{}}');
}
