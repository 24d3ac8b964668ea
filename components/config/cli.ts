import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { derived, OWNER_XML_NAMESPACE } from "./derived";
import { withConfigKeyTable } from "./docs";
import { CONFIG_NAMESPACE, ConfigError, parseClusterConfig } from "./schema";

// The config for the project's shell tools, from the one schema (no tool repeats a default or a
// naming rule). Run from the project root:
//   node -r ts-node/register/transpile-only components/config/cli.ts docs
//       rewrites README.md's config-key table from the schema (npm run docs:config);
//   ... cli.ts libvirt <stack>
//       prints, as JSON, what tools/recover needs of the stack: its libvirt URI, pool directory,
//       the names of its libvirt objects and its owner mark.
// Exit status 2 with a message naming the key when the stack config is bad.

/** The stack's config values without the namespace, from stacks/Pulumi.<stack>.yaml (secure values left out). */
function stackValues(root: string, stack: string): Record<string, unknown> {
    const file = path.join(root, "stacks", `Pulumi.${stack}.yaml`);
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((doc.config ?? {}) as Record<string, unknown>)) {
        if (!k.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
        if (v !== null && typeof v === "object" && "secure" in v) continue;
        out[k.slice(CONFIG_NAMESPACE.length + 1)] = v;
    }
    return out;
}

function main(argv: string[]): number {
    const root = process.cwd();
    if (argv[0] === "docs") {
        const f = path.join(root, "README.md");
        const before = fs.readFileSync(f, "utf8");
        const after = withConfigKeyTable(before);
        if (after !== before) fs.writeFileSync(f, after);
        console.log(after === before ? "README.md: config-key table already current" : "README.md: config-key table rewritten");
        return 0;
    }
    if (argv[0] === "libvirt" && argv[1]) {
        const c = parseClusterConfig(stackValues(root, argv[1]), argv[1]);
        const n = derived(c).libvirt;
        console.log(JSON.stringify({
            stack: c.stack, cluster: c.clusterName, uri: c.libvirt.uri, poolPath: c.libvirt.poolPath,
            prefix: n.prefix, network: n.network, pool: n.pool, ownerNamespace: OWNER_XML_NAMESPACE,
        }));
        return 0;
    }
    console.error("usage: cli.ts docs | cli.ts libvirt <stack>");
    return 2;
}

try {
    process.exitCode = main(process.argv.slice(2));
} catch (e) {
    if (!(e instanceof ConfigError) && !(e instanceof Error && "code" in e && e.code === "ENOENT")) throw e;
    console.error(e.message);
    process.exitCode = 2;
}
