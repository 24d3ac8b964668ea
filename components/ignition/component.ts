import * as pulumi from "@pulumi/pulumi";
import { RenderedFiles } from "../assets";
import type { ClusterConfig } from "../config";
import { derived } from "../config";
import type { NodeFileContent, NodeFileMap } from "../pki";
import type { NodeFiles, NodeManifests } from "../static-pods";
import { readCrds } from "./crds";
import { bootstrapIgnition, masterIgnition } from "./nodes";
import type { IgnitionConfig } from "./spec";

/** What IgnitionConfigs is built from: the outputs of the earlier stages. */
export interface IgnitionInputs {
    /** StaticPods.files: node → path → YAML. */
    manifests: NodeFiles;
    /** StaticPods.objects: node → path → the objects `manifests` is the YAML of. */
    objects: Record<string, NodeManifests>;
    /** ClusterPki.nodeFiles (secret): node or "masters" → path → file. */
    pki: pulumi.Output<NodeFileMap>;
    /** StaticPods.operatorInputs (secret): the operator-input manifests for the bootstrap node, by path. */
    operatorInputs: pulumi.Output<Record<string, NodeFileContent>>;
    /** root-ca's certificate (PEM): the masters' pointer configs trust it for the machine-config-server. */
    rootCa: pulumi.Output<string>;
    /** The bootstrap-ssh public key: the core user's on the bootstrap node only. */
    bootstrapSshKey: pulumi.Output<string>;
    /** The pull secret (secret). */
    pullSecret: pulumi.Output<string>;
}

/**
 * One Ignition config (spec 3.2.0) per node: the bootstrap node's (with the PKI, the pull secret
 * and bootkube.sh) and one pointer config per master (which merges the machine-config-server's
 * `/config/master`), as secret JSON outputs, each also written to
 * `assets/<stack>/<node>.ign` with mode 0600.
 * Type token: `openshift-hard-way:ignition:IgnitionConfigs`.
 */
export class IgnitionConfigs extends pulumi.ComponentResource {
    /** Node name → Ignition JSON (secret). */
    readonly configs: Record<string, pulumi.Output<string>> = {};
    /** The asset files `<node>.ign` (0600), one resource; its `sha256` names each file's content. */
    readonly files: RenderedFiles;

    constructor(name: string, config: ClusterConfig, inputs: IgnitionInputs, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:ignition:IgnitionConfigs", name, {}, opts);
        const crds = readCrds(config.crdsDir);
        if (!config.crdsDir) {
            pulumi.log.warn("no crdsDir in the stack config: the bootstrap node gets no OpenShift CRDs, so bootkube cannot create the cluster config resources and the cluster-version-operator will not start (tools/extract-crds fills a directory from the release image)", this);
        }
        const json = (c: IgnitionConfig) => JSON.stringify(c);

        const boot = config.nodes.bootstrap.name;
        this.configs[boot] = pulumi.secret(pulumi.all([inputs.pki, inputs.operatorInputs, inputs.pullSecret, inputs.bootstrapSshKey]).apply(([pki, operatorInputs, pullSecret, bootstrapSshKey]) =>
            json(bootstrapIgnition({ config, manifests: inputs.manifests[boot], objects: inputs.objects[boot], pki: { ...(pki[boot] ?? {}), ...operatorInputs }, pullSecret, crds, bootstrapSshKey }))));
        for (const m of config.nodes.masters) {
            // No secret inside (the pointer carries only root-ca's certificate, the SSH keys and
            // per-node files), but kept secret like every node's config.
            this.configs[m.name] = pulumi.secret(inputs.rootCa.apply((rootCa) =>
                json(masterIgnition({ config, node: m, manifests: inputs.manifests[m.name], rootCa }))));
        }
        this.files = new RenderedFiles(`${config.stack}/ignition`, {
            root: derived(config).assetDir,
            files: Object.fromEntries(Object.entries(this.configs).map(([node, content]) => [`${node}.ign`, { content, mode: 0o600 }])),
        }, { parent: this });
        this.registerOutputs({});
    }
}
