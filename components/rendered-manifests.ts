import * as pulumi from "@pulumi/pulumi";
import { RenderedFile } from "./assets";
import type { ClusterConfig } from "./config";
import { toYaml } from "./manifests";
import { bootstrapManifests, masterManifests, NodeManifests } from "./static-pods";

/** Node name → absolute path on that node → YAML text. */
export type NodeFiles = Record<string, Record<string, string>>;

/**
 * The static pods and cluster manifests of every node, rendered from the config and made visible
 * to the engine: one {@link RenderedFile} per node and file, written to
 * `assets/<stack>/manifests/<node><path on node>`, so a changed flag shows up in
 * `pulumi preview --diff` as a change to that one manifest.
 * Type token: `openshift-hard-way:static-pods:StaticPods`.
 */
export class StaticPods extends pulumi.ComponentResource {
    /** The YAML texts per node and path, for the Ignition configs. Plain text: nothing here is secret. */
    readonly files: NodeFiles;
    /** The asset resources, by `<node><path>`; Ignition depends on them. */
    readonly resources: Record<string, RenderedFile> = {};

    constructor(name: string, config: ClusterConfig, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:static-pods:StaticPods", name, {}, opts);
        const perNode: Record<string, NodeManifests> = { [config.nodes.bootstrap.name]: bootstrapManifests(config) };
        for (const m of config.nodes.masters) perNode[m.name] = masterManifests(config);

        this.files = {};
        for (const [node, manifests] of Object.entries(perNode)) {
            this.files[node] = {};
            for (const [nodePath, objects] of Object.entries(manifests)) {
                const text = toYaml(objects);
                this.files[node][nodePath] = text;
                const key = `${node}${nodePath}`;
                this.resources[key] = new RenderedFile(key, {
                    path: `assets/${config.stack}/manifests/${key}`,
                    content: text,
                    mode: 0o644,
                }, { parent: this });
            }
        }
        this.registerOutputs({});
    }
}
