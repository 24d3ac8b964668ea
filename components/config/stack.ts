import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { CONFIG_NAMESPACE, ClusterConfig, ConfigError, parseClusterConfig } from "./schema";

// The stack config as the program hands it over: ./schema.ts declares it (types, defaults,
// constraints, docs) and parses it, ./derived.ts computes what follows from it, ./docs.ts renders
// the README's key table. This file turns the values the Pulumi program reads (once, in the
// project's index.ts) into the validated config.

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

/** The pull secret of a stack that sets none: no registry credentials (the `local` stack pulls nothing). */
export const NO_PULL_SECRET = '{"auths":{}}';

/** The stack's config, read once: the validated cluster config, and the pull secret kept apart from it. */
export interface StackConfig {
    /** The whole cluster as one plain value: every renderer and component gets it. */
    cluster: ClusterConfig;
    /**
     * The pull secret's text exactly as the stack sets it (`pulumi config set --secret pullSecret < file`),
     * {@link NO_PULL_SECRET} when it sets none. Outside ClusterConfig, which is plain: the program
     * makes it a Pulumi secret at once and hands it to the Ignition stage only.
     */
    pullSecret: string;
}

/**
 * Picks this project's keys out of the stack's config values and validates them (see
 * {@link parseClusterConfig}). Object values arrive as JSON text and are parsed here.
 * @param values every config value of the stack, `<namespace>:<key>` → text, secrets decrypted,
 *   as `pulumi.runtime.allConfig()` returns them; keys of other namespaces are ignored.
 * @param stack the stack name.
 * @param root the project root, whose `stacks/` holds the other stacks' configs (their pool paths).
 * @throws ConfigError naming the key, before any resource is registered.
 */
export function loadClusterConfig(values: Record<string, string>, stack: string, root: string): StackConfig {
    const raw: Record<string, unknown> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [k, v] of Object.entries(values)) {
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
    const cluster = parseClusterConfig(raw, stack, otherStacksPools(root, stack));
    return { cluster, pullSecret: values[`${prefix}pullSecret`] ?? NO_PULL_SECRET };
}
