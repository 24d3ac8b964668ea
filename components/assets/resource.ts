import * as pulumi from "@pulumi/pulumi";

/**
 * The version of this project's resource plugin, `pulumi-resource-openshift-hard-way`
 * (tools/plugins/assets), that the program asks for; tools/setup builds and installs it at
 * `OTHW_PLUGIN_VERSION` of tools/versions.sh, which must be the same.
 */
export const OTHW_PLUGIN_VERSION = "0.1.0";

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

/** Property names of the resource itself, which no file path may take. */
const RESERVED = ["root", "sha256", "modes"];

/**
 * A set of rendered files below one directory of the stack's asset directory, as one resource
 * of this project's own plugin (tools/plugins/assets, type token `openshift-hard-way:index:RenderedFiles`)
 * with one input property per file, named by its path: `pulumi preview` names each file whose
 * content would change (`[diff: ~manifests/bootstrap/etc/kubernetes/manifests/...]`), `--diff`
 * shows just those, an update writes just those, a refresh reads every file back (drift shows in
 * `sha256`), and `pulumi destroy` removes them with the directories they leave empty. The state
 * keeps each content once, in the inputs (encrypted when it is a secret), and its SHA-256 and
 * mode as outputs. Paths are relative to the project root, where Pulumi starts the plugin.
 *
 * Why one resource per set and a plugin of our own (measured by tools/dev/bench): each resource costs the
 * engine a step, provider calls and a state checkpoint, and 63 one-file resources were ~4 s of
 * every `up`; a Node.js dynamic provider costs ~1.3 s of every preview (the program serializes the
 * provider's code, a second Node.js process runs it) and cannot return a per-file diff.
 */
export class RenderedFiles extends pulumi.CustomResource {
    declare readonly root: pulumi.Output<string>;
    /** Path below `root` → hex SHA-256 of the content as last written (or read back by a refresh; "" if missing). */
    declare readonly sha256: pulumi.Output<Record<string, string>>;
    /** Path below `root` → file mode as last written (or read back). */
    declare readonly modes: pulumi.Output<Record<string, number>>;

    /** @throws Error if a file path is `root`, `sha256`, `modes` or starts with `__` (names the resource or Pulumi uses). */
    constructor(name: string, args: RenderedFilesArgs, opts?: pulumi.CustomResourceOptions) {
        const reserved = Object.keys(args.files).filter((p) => RESERVED.includes(p) || p.startsWith("__"));
        if (reserved.length > 0) throw new Error(`RenderedFiles ${name}: ${reserved.join(", ")} cannot be a file path (reserved property name)`);
        super("openshift-hard-way:index:RenderedFiles", name,
            { root: args.root, ...args.files, sha256: undefined, modes: undefined },
            { version: OTHW_PLUGIN_VERSION, ...opts });
    }
}
