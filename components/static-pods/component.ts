import * as pulumi from "@pulumi/pulumi";
import { RenderedFiles } from "../assets";
import type { ClusterConfig } from "../config";
import { derived } from "../config";
import { operatorInputManifests, toYaml } from "../manifests";
import { CLUSTER_MANIFESTS_DIR } from "../node-paths";
import type { NodeFileContent, PkiMaterial } from "../pki";
import { bootstrapManifests, masterManifests, NodeFiles, NodeManifests } from "./nodes";

/** A stand-in PKI whose only use is to learn the operator inputs' file names without the real PEMs. */
const STAND_IN: PkiMaterial = {
    certs: new Proxy({}, { get: () => ({ cert: "", crtFile: "", key: "", notBefore: "", notAfter: "" }) }) as PkiMaterial["certs"],
    bundles: new Proxy({}, { get: () => "" }) as PkiMaterial["bundles"],
    keyPairs: new Proxy({}, { get: () => ({ key: "", pub: "" }) }) as PkiMaterial["keyPairs"],
    kubeadminHash: "",
};

/**
 * The static pods and cluster manifests of every node, rendered from the config and made visible
 * to the engine: one {@link RenderedFiles} resource, its files written to
 * `assets/<stack>/manifests/<node><path on node>`, so a changed flag shows up in
 * `pulumi preview --diff` as a change to that one manifest (a key of `files`). The operators'
 * inputs (signer secrets, CA bundles, initial keys, the kubeadmin secret) are rendered from the
 * PKI into the same resource, as secrets with mode 0600, and handed to Ignition as
 * {@link StaticPods.operatorInputs}.
 * Type token: `openshift-hard-way:static-pods:StaticPods`.
 */
export class StaticPods extends pulumi.ComponentResource {
    /** The objects per node and path, as rendered: what `files` is the YAML of. */
    readonly objects: Record<string, NodeManifests>;
    /** The YAML texts per node and path, for the Ignition configs. Plain text: nothing here is secret. */
    readonly files: NodeFiles;
    /** The operator-input manifests for the bootstrap node, by absolute path (secret: they hold private keys). */
    readonly operatorInputs: pulumi.Output<Record<string, NodeFileContent>>;
    /** The asset resource that writes `files` and the operator inputs below `assets/<stack>/manifests/`. */
    readonly resource: RenderedFiles;

    /** @param pki ClusterPki.material (secret), which the operator inputs are rendered from. */
    constructor(name: string, config: ClusterConfig, pki: pulumi.Output<PkiMaterial>, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:static-pods:StaticPods", name, {}, opts);
        this.objects = { [config.nodes.bootstrap.name]: bootstrapManifests(config) };
        for (const m of config.nodes.masters) this.objects[m.name] = masterManifests(config);

        this.files = {};
        const assets: Record<string, { content: pulumi.Input<string>; mode: number }> = {};
        for (const [node, manifests] of Object.entries(this.objects)) {
            this.files[node] = {};
            for (const [nodePath, objects] of Object.entries(manifests)) {
                const text = toYaml(objects);
                this.files[node][nodePath] = text;
                assets[`manifests/${node}${nodePath}`] = { content: text, mode: 0o644 };
            }
        }
        const boot = config.nodes.bootstrap.name;
        const inputs = pulumi.secret(pki.apply((m) => Object.fromEntries(Object.entries(operatorInputManifests(config, m))
            .map(([file, objects]) => [`${CLUSTER_MANIFESTS_DIR}/${file}`, { content: toYaml(objects), mode: 0o600 }]))));
        this.operatorInputs = inputs;
        // The file names are known without the PKI's values, so each is its own visible property.
        for (const file of Object.keys(operatorInputManifests(config, STAND_IN))) {
            const p = `${CLUSTER_MANIFESTS_DIR}/${file}`;
            assets[`manifests/${boot}${p}`] = { content: pulumi.secret(inputs.apply((i) => i[p].content)), mode: 0o600 };
        }
        this.resource = new RenderedFiles(`${config.stack}/manifests`, { root: derived(config).assetDir, files: assets }, { parent: this });
        this.registerOutputs({});
    }
}
