import * as pulumi from "@pulumi/pulumi";

/** One file of a {@link RenderedFiles}. */
export interface RenderedFileSpec {
    /** The file's full text. Pass a secret Output for anything holding a key; it stays secret in state. */
    content: pulumi.Input<string>;
    /** File mode, e.g. 0o644; 0o600 for secrets. */
    mode: number;
}

/** Inputs of a {@link RenderedFiles}. */
export interface RenderedFilesArgs {
    /** The directory the files go in, relative to the project root, e.g. `assets/local`. */
    root: string;
    /** Path below `root` (e.g. `tls/root-ca.crt`) → the file. */
    files: Record<string, RenderedFileSpec>;
}

/** The resource's inputs: `root`, and one property per file, named by its path below `root`. */
interface FilesInputs { root: string; [path: string]: string | { content: string; mode: number } }
/**
 * What the state keeps as outputs: each file's SHA-256 and mode, not its content (that is in the
 * inputs already, encrypted where secret; a SHA-256 tells nothing of a key).
 */
interface FilesOutputs { root: string; sha256: Record<string, string>; modes: Record<string, number> }

/**
 * The files of a {@link FilesInputs}: every property but `root`, the output names (`sha256`,
 * `modes`) and Pulumi's own (`__provider`).
 * @returns `[path below root, { content, mode }]` pairs.
 */
function fileEntries(inputs: FilesInputs): [string, { content: string; mode: number }][] {
    return Object.entries(inputs).filter(([k]) => !["root", "sha256", "modes"].includes(k) && !k.startsWith("__")) as [string, { content: string; mode: number }][];
}

/**
 * Removes `paths` (relative to `root`) and the directories they leave empty, up to the asset
 * directory's top, which is kept. Missing files are no error.
 */
function removeFiles(root: string, paths: string[]): void {
    const fs = require("fs") as typeof import("fs");
    const path = require("path") as typeof import("path");
    const top = root.split("/")[0];
    for (const p of paths) {
        const file = path.join(root, p);
        fs.rmSync(file, { force: true });
        for (let dir = path.dirname(file); dir !== top && dir !== "."; dir = path.dirname(dir)) {
            try {
                fs.rmdirSync(dir);
            } catch {
                break; // not empty: another file still lives here
            }
        }
    }
}

/**
 * The dynamic provider behind {@link RenderedFiles} (exported for its tests). Inputs are
 * `{ root, <path below root>: { content, mode }, ... }`, outputs
 * `{ root, sha256: { <path>: hex }, modes: { <path>: mode } }`, the id is `root`. Its methods
 * (and the helpers they capture) are serialized into the state by Pulumi's dynamic
 * provider support, so each one requires the modules it needs itself. Errors are the `fs`
 * module's (e.g. EACCES), passed on.
 */
export const renderedFilesProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: FilesInputs, news: FilesInputs) {
        return { inputs: news };
    },
    async diff(_id: string, olds: FilesOutputs, news: FilesInputs) {
        const crypto = require("crypto") as typeof import("crypto");
        const hash = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
        if (olds.root !== news.root) return { changes: true, replaces: ["root"], deleteBeforeReplace: true };
        const files = fileEntries(news);
        const changed = Object.keys(olds.sha256 ?? {}).length !== files.length || files.some(([p, f]) =>
            olds.sha256?.[p] !== hash(f.content) || olds.modes?.[p] !== f.mode);
        return { changes: changed };
    },
    async create(inputs: FilesInputs) {
        const fs = require("fs") as typeof import("fs");
        const path = require("path") as typeof import("path");
        const crypto = require("crypto") as typeof import("crypto");
        // The asset directory holds keys and kubeconfigs: only its owner may enter it.
        const top = inputs.root.split("/")[0];
        for (const dir of [top, inputs.root]) {
            fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
            fs.chmodSync(dir, 0o700);
        }
        const outs: FilesOutputs = { root: inputs.root, sha256: {}, modes: {} };
        for (const [p, f] of fileEntries(inputs)) {
            const file = path.join(inputs.root, p);
            fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
            fs.writeFileSync(file, f.content, { mode: f.mode });
            fs.chmodSync(file, f.mode);
            outs.sha256[p] = crypto.createHash("sha256").update(f.content).digest("hex");
            outs.modes[p] = f.mode;
        }
        return { id: inputs.root, outs };
    },
    async update(_id: string, olds: FilesOutputs, news: FilesInputs) {
        const fs = require("fs") as typeof import("fs");
        const path = require("path") as typeof import("path");
        const crypto = require("crypto") as typeof import("crypto");
        const outs: FilesOutputs = { root: news.root, sha256: {}, modes: {} };
        // Only what changed is written; files no longer rendered are removed.
        const files = fileEntries(news);
        for (const [p, f] of files) {
            const sha256 = crypto.createHash("sha256").update(f.content).digest("hex");
            const file = path.join(news.root, p);
            if (olds.sha256?.[p] !== sha256 || olds.modes?.[p] !== f.mode) {
                fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
                fs.writeFileSync(file, f.content, { mode: f.mode });
                fs.chmodSync(file, f.mode);
            }
            outs.sha256[p] = sha256;
            outs.modes[p] = f.mode;
        }
        removeFiles(olds.root, Object.keys(olds.sha256 ?? {}).filter((p) => !files.some(([q]) => q === p)));
        return { outs };
    },
    async read(id: string, props: FilesOutputs) {
        const fs = require("fs") as typeof import("fs");
        const path = require("path") as typeof import("path");
        const crypto = require("crypto") as typeof import("crypto");
        // A file edited, re-moded or removed behind Pulumi's back shows up as drift on refresh;
        // a missing one reads as an empty hash, which the next up writes again.
        const sha256: Record<string, string> = {};
        const modes: Record<string, number> = {};
        for (const p of Object.keys(props.sha256 ?? {})) {
            const file = path.join(props.root, p);
            try {
                sha256[p] = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
                modes[p] = fs.statSync(file).mode & 0o777;
            } catch {
                sha256[p] = "";
                modes[p] = 0;
            }
        }
        return { id, props: { ...props, sha256, modes } };
    },
    async delete(_id: string, props: FilesOutputs) {
        removeFiles(props.root, Object.keys(props.sha256 ?? {}));
    },
};

/**
 * A set of rendered files below one directory of the stack's asset directory, as one resource
 * with one input property per file, named by its path: `pulumi preview` names each file whose
 * content would change (`[diff: ~manifests/bootstrap/etc/kubernetes/manifests/...]`), `--diff`
 * shows the change, an update writes only those files, a refresh reads every file back (drift shows as its `sha256`),
 * and `pulumi destroy` removes them. Paths are relative to the project root (Pulumi runs programs
 * and their providers there). The state keeps each content once, in the inputs (encrypted when
 * it is a secret), and its SHA-256 and mode as outputs.
 *
 * One resource per set rather than per file: every resource costs the engine an RPC round, a
 * provider call and a state checkpoint, and a dynamic resource also carries its serialized
 * provider (~4 KB) twice in the state; 63 single-file resources made half of the state and
 * ~1.3 s of every preview, ~4 s of every `up` (issue 8's benchmark).
 * Type token: `pulumi-nodejs:dynamic/assets:RenderedFiles`.
 */
export class RenderedFiles extends pulumi.dynamic.Resource {
    declare readonly root: pulumi.Output<string>;
    /** Path below `root` → hex SHA-256 of the content as last written (or read back by a refresh). */
    declare readonly sha256: pulumi.Output<Record<string, string>>;

    /** @throws Error if a file path is `root`, `sha256`, `modes` or starts with `__` (property names the resource uses). */
    constructor(name: string, args: RenderedFilesArgs, opts?: pulumi.CustomResourceOptions) {
        const reserved = Object.keys(args.files).filter((p) => ["root", "sha256", "modes"].includes(p) || p.startsWith("__"));
        if (reserved.length > 0) throw new Error(`RenderedFiles ${name}: ${reserved.join(", ")} cannot be a file path (reserved property name)`);
        super(renderedFilesProvider, name, { root: args.root, ...args.files, sha256: undefined, modes: undefined }, opts, "assets", "RenderedFiles");
    }
}
