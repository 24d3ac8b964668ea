import * as pulumi from "@pulumi/pulumi";
import { RenderedFiles } from "./assets";
import type { ClusterConfig } from "./config";
import { derived } from "./config";
import { toYaml } from "./manifests";
import { bootstrapManifests, masterManifests, NodeManifests } from "./static-pods";

/** Node name → absolute path on that node → YAML text. */
export type NodeFiles = Record<string, Record<string, string>>;

/**
 * The static pods and cluster manifests of every node, rendered from the config and made visible
 * to the engine: one {@link RenderedFiles} resource, its files written to
 * `assets/<stack>/manifests/<node><path on node>`, so a changed flag shows up in
 * `pulumi preview --diff` as a change to that one manifest (a key of `files`).
 * Type token: `openshift-hard-way:static-pods:StaticPods`.
 */
export class StaticPods extends pulumi.ComponentResource {
    /** The YAML texts per node and path, for the Ignition configs. Plain text: nothing here is secret. */
    readonly files: NodeFiles;
    /** The asset resource; Ignition depends on it. */
    readonly resource: RenderedFiles;

    constructor(name: string, config: ClusterConfig, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:static-pods:StaticPods", name, {}, opts);
        const perNode: Record<string, NodeManifests> = { [config.nodes.bootstrap.name]: bootstrapManifests(config) };
        for (const m of config.nodes.masters) perNode[m.name] = masterManifests(config);

        this.files = {};
        const assets: Record<string, { content: string; mode: number }> = {};
        for (const [node, manifests] of Object.entries(perNode)) {
            this.files[node] = {};
            for (const [nodePath, objects] of Object.entries(manifests)) {
                const text = toYaml(objects);
                this.files[node][nodePath] = text;
                assets[`manifests/${node}${nodePath}`] = { content: text, mode: 0o644 };
            }
        }
        this.resource = new RenderedFiles(`${config.stack}/manifests`, { root: derived(config).assetDir, files: assets }, { parent: this });
        this.registerOutputs({});
    }
}
