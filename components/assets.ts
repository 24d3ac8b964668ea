import * as pulumi from "@pulumi/pulumi";

/** Inputs of a {@link RenderedFile}. */
export interface RenderedFileArgs {
    /** File path relative to the project root, e.g. `assets/local/manifests/bootstrap/etc/...`. */
    path: pulumi.Input<string>;
    /** The file's full text. Pass a secret Output for anything holding a key; it stays secret in state. */
    content: pulumi.Input<string>;
    /** File mode, e.g. 0o644; 0o600 for secrets. */
    mode: pulumi.Input<number>;
}

interface FileInputs { path: string; content: string; mode: number }
/** What the state keeps as outputs: the content's SHA-256, not the content (it is in the inputs already). */
interface FileOutputs { path: string; mode: number; sha256: string }

// The provider's methods are serialized into the state by Pulumi's dynamic provider support, so
// each one requires what it needs itself.
const fileProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: FileInputs, news: FileInputs) {
        return { inputs: news };
    },
    async diff(_id: string, olds: FileOutputs, news: FileInputs) {
        const crypto = require("crypto") as typeof import("crypto");
        const sha256 = crypto.createHash("sha256").update(news.content).digest("hex");
        const replaces = olds.path !== news.path ? ["path"] : [];
        const changed = replaces.length > 0 || olds.sha256 !== sha256 || olds.mode !== news.mode;
        return { changes: changed, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: FileInputs) {
        const fs = require("fs") as typeof import("fs");
        const path = require("path") as typeof import("path");
        const crypto = require("crypto") as typeof import("crypto");
        // The asset directory holds keys and kubeconfigs: only its owner may enter it.
        const top = inputs.path.split("/")[0];
        fs.mkdirSync(top, { recursive: true, mode: 0o700 });
        fs.chmodSync(top, 0o700);
        fs.mkdirSync(path.dirname(inputs.path), { recursive: true, mode: 0o700 });
        fs.writeFileSync(inputs.path, inputs.content, { mode: inputs.mode });
        fs.chmodSync(inputs.path, inputs.mode);
        const sha256 = crypto.createHash("sha256").update(inputs.content).digest("hex");
        return { id: inputs.path, outs: { path: inputs.path, mode: inputs.mode, sha256 } };
    },
    async update(_id: string, _olds: FileOutputs, news: FileInputs) {
        const fs = require("fs") as typeof import("fs");
        const crypto = require("crypto") as typeof import("crypto");
        fs.writeFileSync(news.path, news.content, { mode: news.mode });
        fs.chmodSync(news.path, news.mode);
        return { outs: { path: news.path, mode: news.mode, sha256: crypto.createHash("sha256").update(news.content).digest("hex") } };
    },
    async read(id: string, props: FileOutputs) {
        const fs = require("fs") as typeof import("fs");
        const crypto = require("crypto") as typeof import("crypto");
        // A file edited or removed behind Pulumi's back shows up as drift on refresh.
        let sha256 = "";
        let mode = 0;
        try {
            sha256 = crypto.createHash("sha256").update(fs.readFileSync(id)).digest("hex");
            mode = fs.statSync(id).mode & 0o777;
        } catch {
            // missing: an empty hash makes the next up write it again
        }
        return { id, props: { ...props, sha256, mode } };
    },
    async delete(id: string) {
        const fs = require("fs") as typeof import("fs");
        const path = require("path") as typeof import("path");
        fs.rmSync(id, { force: true });
        // Leave no empty directories behind, up to the asset directory's top (kept).
        const top = id.split("/")[0];
        for (let dir = path.dirname(id); dir !== top && dir !== "."; dir = path.dirname(dir)) {
            try {
                fs.rmdirSync(dir);
            } catch {
                break; // not empty: another file still lives here
            }
        }
    },
};

/**
 * One rendered file in the stack's asset directory, as its own resource: `pulumi preview --diff`
 * names the file whose content would change, and `pulumi destroy` removes it. Paths are relative
 * to the project root (Pulumi runs programs and their providers there). The state keeps the
 * content once, in the inputs (encrypted when it is a secret), and only its SHA-256 as output.
 * Type token: `pulumi-nodejs:dynamic/assets:RenderedFile`.
 */
export class RenderedFile extends pulumi.dynamic.Resource {
    declare readonly path: pulumi.Output<string>;
    /** Hex SHA-256 of the content as last written (or read back by a refresh). */
    declare readonly sha256: pulumi.Output<string>;

    constructor(name: string, args: RenderedFileArgs, opts?: pulumi.CustomResourceOptions) {
        super(fileProvider, name, { ...args, sha256: undefined }, opts, "assets", "RenderedFile");
    }
}
