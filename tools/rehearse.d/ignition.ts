/**
 * Applies a node's Ignition config with the real Ignition binary into a scratch root, and checks
 * that everything the config declares landed there as declared.
 *
 * Ignition runs as on first boot, with the `file` platform (the config from IGNITION_CONFIG_FILE)
 * and its `fetch-offline` then `files` stages, with `-root` pointing at the scratch root. What a
 * real boot adds and this cannot: the `disks` and `mount` stages (no disks to partition here),
 * and the SELinux relabel that follows `files` (it needs RHCOS's policy and `setfiles`; Ignition
 * only requests it when the root has an SELinux policy, and the scratch root has none).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileBytes } from "../../components/ignition/spec";
import { run } from "./sandbox";

/** Where Debian's `ignition` package puts the real Ignition binary (its dracut module). */
export const IGNITION_BIN = "/usr/lib/dracut/modules.d/30ignition/ignition";

/** The parts of an Ignition 3.x config this check reads. */
interface IgnitionConfig {
    ignition: { version: string };
    passwd?: { users?: { name: string; sshAuthorizedKeys?: string[] }[] };
    storage?: {
        files?: { path: string; mode?: number; contents?: { source?: string; compression?: string } }[];
        directories?: { path: string; mode?: number }[];
        links?: { path: string; target: string }[];
    };
    systemd?: { units?: { name: string; enabled?: boolean; contents?: string; dropins?: { name: string; contents?: string }[] }[] };
}

/**
 * The minimal user database Ignition needs in the root: `root`, and RHCOS's `core` (uid 1000,
 * home /var/home/core, as the RHCOS image defines it) whose SSH keys the configs set.
 */
const SEED: Record<string, { text: string; mode: number }> = {
    "etc/passwd": { text: "root:x:0:0:root:/root:/bin/bash\ncore:x:1000:1000:CoreOS Admin:/var/home/core:/bin/bash\n", mode: 0o644 },
    "etc/group": { text: "root:x:0:\nwheel:x:10:core\ncore:x:1000:\n", mode: 0o644 },
    "etc/shadow": { text: "root:*:19000:0:99999:7:::\ncore:*:19000:0:99999:7:::\n", mode: 0o600 },
    // RHCOS's SELinux setting, which Ignition reads to find the policy to relabel with.
    "etc/selinux/config": { text: "SELINUX=enforcing\nSELINUXTYPE=targeted\n", mode: 0o644 },
};

/** What one run of Ignition's stages did. */
export interface IgnitionRun {
    /** Ignition's combined log of every stage that ran. */
    log: string;
    /** How many paths Ignition asked `setfiles` to relabel. */
    relabel: number;
    /** The first stage that exited non-zero (a timeout counts), if any; later stages did not run. */
    failed?: { stage: string; code: number; errors: string };
}

/**
 * Seeds `root` and runs Ignition's stages on `ignFile` into it, as on a first boot with the
 * `file` platform.
 * @param work a private directory for Ignition's cache, state and the stub `setfiles`.
 * @param opts `stages` (default fetch-offline, files: a config without remote resources;
 *   fetch, files: one that fetches), `netns` (run in that network namespace, e.g. one where a
 *   test's server answers), `timeoutMs` per stage (default 120 000; Ignition retries a refused
 *   fetch until it is killed).
 */
export async function runIgnition(ignFile: string, root: string, work: string,
    opts: { stages?: string[]; netns?: string; timeoutMs?: number } = {}): Promise<IgnitionRun> {
    fs.mkdirSync(root, { recursive: true, mode: 0o755 });
    fs.chmodSync(root, 0o755);
    for (const [rel, f] of Object.entries(SEED)) {
        fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), f.text, { mode: f.mode });
    }
    fs.mkdirSync(path.join(root, "var/home/core"), { recursive: true });
    fs.chownSync(path.join(root, "var/home/core"), 1000, 1000);
    // The stand-in for setfiles: records the paths (NUL-separated on stdin, `-0 -f -`).
    const stub = path.join(work, "stub-bin");
    fs.mkdirSync(stub, { recursive: true });
    const list = path.join(work, "relabel.list");
    fs.writeFileSync(path.join(stub, "setfiles"), `#!/bin/sh\n# stand-in for RHCOS's setfiles: records what Ignition asks to relabel\ncat > '${list}'\n`, { mode: 0o755 });
    let log = "";
    let failed: IgnitionRun["failed"];
    for (const stage of opts.stages ?? ["fetch-offline", "files"]) {
        const argv = [IGNITION_BIN, "-platform", "file", "-stage", stage, "-root", root, "-log-to-stdout",
            "-config-cache", path.join(work, "ignition.json"), "-state-file", path.join(work, "state"), "-neednet", path.join(work, "neednet")];
        const [cmd, ...args] = opts.netns ? ["ip", "netns", "exec", opts.netns, ...argv] : argv;
        const r = await run(cmd, args, { env: { ...process.env, IGNITION_CONFIG_FILE: ignFile, PATH: `${stub}:${process.env.PATH}` }, timeoutMs: opts.timeoutMs ?? 120_000 });
        log += r.out;
        if (r.code !== 0) {
            failed = { stage, code: r.code, errors: r.out.split("\n").filter((l) => /CRITICAL|ERROR|error/.test(l)).slice(0, 3).join(" | ") || r.out.trim().split("\n").pop() || "" };
            break;
        }
    }
    const relabel = fs.existsSync(list) ? fs.readFileSync(list, "utf8").split("\0").filter(Boolean).length : 0;
    return { log, relabel, ...(failed ? { failed } : {}) };
}

/**
 * Seeds `root` and runs Ignition's fetch-offline and files stages on `ignFile` into it.
 * @param work a private directory for Ignition's cache, state and the stub `setfiles`.
 * @returns Ignition's combined log, and how many paths Ignition asked `setfiles` to relabel.
 * @throws Error with the log's error lines if a stage fails.
 */
export async function applyIgnition(ignFile: string, root: string, work: string): Promise<{ log: string; relabel: number }> {
    const r = await runIgnition(ignFile, root, work);
    if (r.failed) throw new Error(`ignition -stage ${r.failed.stage} exited ${r.failed.code}: ${r.failed.errors}`);
    return r;
}

/** A file's inline contents: its data URL's bytes, gunzipped if the config says so. */
function contents(f: { path: string; contents?: { source?: string; compression?: string } }): Buffer {
    return fileBytes({ path: f.path, contents: { source: f.contents?.source ?? "", compression: f.contents?.compression } });
}

/**
 * Checks that every file, directory, link, unit and user of the config is in `root` as declared:
 * contents, mode (Ignition's default 0644 for files, 0755 for directories), unit enablement.
 * @returns one line per mismatch; empty when everything landed.
 */
export async function verifyIgnition(ignFile: string, root: string): Promise<string[]> {
    const cfg = JSON.parse(fs.readFileSync(ignFile, "utf8")) as IgnitionConfig;
    const problems: string[] = [];
    const at = (p: string) => path.join(root, p);
    const mode = (p: string) => fs.lstatSync(at(p)).mode & 0o7777;
    const oct = (m: number) => `0${m.toString(8)}`;
    for (const f of cfg.storage?.files ?? []) {
        if (!fs.existsSync(at(f.path)) || !fs.lstatSync(at(f.path)).isFile()) { problems.push(`file ${f.path} is missing`); continue; }
        const want = f.mode ?? 0o644;
        if (mode(f.path) !== want) problems.push(`file ${f.path} has mode ${oct(mode(f.path))}, the config says ${oct(want)}`);
        if (f.contents?.source) {
            const body = contents(f);
            if (!body.equals(fs.readFileSync(at(f.path)))) problems.push(`file ${f.path} differs from the config's contents`);
        }
    }
    for (const d of cfg.storage?.directories ?? []) {
        if (!fs.existsSync(at(d.path)) || !fs.statSync(at(d.path)).isDirectory()) { problems.push(`directory ${d.path} is missing`); continue; }
        const want = d.mode ?? 0o755;
        if (mode(d.path) !== want) problems.push(`directory ${d.path} has mode ${oct(mode(d.path))}, the config says ${oct(want)}`);
    }
    for (const l of cfg.storage?.links ?? []) {
        if (!fs.lstatSync(at(l.path), { throwIfNoEntry: false })?.isSymbolicLink()) problems.push(`link ${l.path} is missing`);
        else if (fs.readlinkSync(at(l.path)) !== l.target) problems.push(`link ${l.path} points elsewhere than ${l.target}`);
    }
    const preset = at("etc/systemd/system-preset/20-ignition.preset");
    const presets = fs.existsSync(preset) ? fs.readFileSync(preset, "utf8").split("\n") : [];
    for (const u of cfg.systemd?.units ?? []) {
        const unitPath = `/etc/systemd/system/${u.name}`;
        if (u.contents !== undefined) {
            if (!fs.existsSync(at(unitPath))) problems.push(`unit ${u.name} is missing`);
            else if (fs.readFileSync(at(unitPath), "utf8") !== u.contents) problems.push(`unit ${u.name} differs from the config's contents`);
        }
        for (const d of u.dropins ?? []) {
            const p = `/etc/systemd/system/${u.name}.d/${d.name}`;
            if (!fs.existsSync(at(p)) || fs.readFileSync(at(p), "utf8") !== (d.contents ?? "")) problems.push(`drop-in ${p} is missing or differs`);
        }
        // Ignition enables units through a systemd preset, applied on the first boot.
        if (u.enabled === true && !presets.includes(`enable ${u.name}`)) problems.push(`unit ${u.name} is not enabled (no preset line)`);
    }
    const passwd = fs.readFileSync(at("etc/passwd"), "utf8").split("\n");
    for (const u of cfg.passwd?.users ?? []) {
        const entry = passwd.find((l) => l.startsWith(`${u.name}:`));
        if (!entry) { problems.push(`user ${u.name} is missing from /etc/passwd`); continue; }
        const home = entry.split(":")[5];
        const keysFile = [`${home}/.ssh/authorized_keys.d/ignition`, `${home}/.ssh/authorized_keys`].find((p) => fs.existsSync(at(p)));
        const keys = keysFile ? fs.readFileSync(at(keysFile), "utf8") : "";
        for (const k of u.sshAuthorizedKeys ?? []) if (!keys.includes(k)) problems.push(`user ${u.name} lacks an SSH key: ${k.slice(0, 40)}…`);
    }
    return problems;
}

/** A file of an Ignition config's storage.files, decoded: for reading what a node gets without applying it. */
export async function ignitionFile(ignFile: string, filePath: string): Promise<string | undefined> {
    const cfg = JSON.parse(fs.readFileSync(ignFile, "utf8")) as IgnitionConfig;
    const f = cfg.storage?.files?.find((x) => x.path === filePath);
    if (!f?.contents?.source) return undefined;
    return contents(f).toString("utf8");
}
