import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { ClusterConfig, CONFIG_NAMESPACE, parseClusterConfig } from "../../components/config/schema";

/** The project root, from dist/test/support/. */
export const ROOT = path.resolve(__dirname, "../../..");

/**
 * The `local` stack's own config values (stacks/Pulumi.local.yaml), without the namespace, so
 * tests start from exactly what the embedded default stack uses.
 */
export function localStackValues(): Record<string, unknown> {
    const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks/Pulumi.local.yaml"), "utf8"));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc.config as Record<string, unknown>)) {
        if (k.startsWith(`${CONFIG_NAMESPACE}:`)) out[k.slice(CONFIG_NAMESPACE.length + 1)] = v;
    }
    return out;
}

/** The local stack's ClusterConfig, with `overrides` merged over its top-level keys. */
export function localConfig(overrides: Record<string, unknown> = {}): ClusterConfig {
    return parseClusterConfig({ ...localStackValues(), ...overrides }, "local");
}
