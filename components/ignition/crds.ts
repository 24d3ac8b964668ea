import * as fs from "node:fs";
import * as path from "node:path";

/** Reads the CRD YAMLs of `dir` (file name → text), sorted; an empty map for no dir. */
export function readCrds(dir: string | undefined): Record<string, string> {
    if (!dir) return {};
    const out: Record<string, string> = {};
    for (const f of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) out[f] = fs.readFileSync(path.join(dir, f), "utf8");
    return out;
}
