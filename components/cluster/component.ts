import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig, derived, insecureFlags } from "../config";
import { LibvirtCluster } from "../libvirt";
import { ClusterPki } from "../pki";
import { IgnitionConfigs } from "../ignition";
import { StaticPods } from "../static-pods";

/** What the program hands the cluster besides the config: what ClusterConfig, a plain value, leaves out. */
export interface OpenShiftClusterInputs {
    /** The pull secret's text (a dockerconfigjson document; secret), as the stack config sets it. */
    pullSecret: pulumi.Output<string>;
}

/**
 * The whole pipeline of shared/DESIGN.md, one stage per component: the PKI and
 * kubeconfigs, the static pods and cluster manifests, the Ignition configs, and the libvirt
 * infrastructure.
 * Type token: `openshift-hard-way:index:OpenShiftCluster`.
 */
export class OpenShiftCluster extends pulumi.ComponentResource {
    /** `<clusterName>.<baseDomain>`, the DNS domain the libvirt network serves. */
    readonly clusterDomain: string;
    readonly infra: LibvirtCluster;
    readonly staticPods: StaticPods;
    readonly pki: ClusterPki;
    readonly ignition: IgnitionConfigs;
    /** `https://api.<clusterDomain>:6443`. */
    readonly apiServerUrl: string;

    constructor(name: string, config: ClusterConfig, inputs: OpenShiftClusterInputs, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:index:OpenShiftCluster", name, {}, opts);
        this.clusterDomain = derived(config).clusterDomain;
        this.apiServerUrl = derived(config).apiServerUrl;
        // Flags that weaken authentication, which allowInsecureFlags let through: said on every run.
        for (const f of insecureFlags(config)) {
            pulumi.log.warn(`extraArgs.${f} can switch off authentication, authorization or TLS client checks; allowed by allowInsecureFlags, fit for a throwaway lab only`, this);
        }
        this.pki = new ClusterPki(name, config, { parent: this });
        this.staticPods = new StaticPods(name, config, this.pki.material, { parent: this });
        this.ignition = new IgnitionConfigs(name, config, {
            manifests: this.staticPods.files,
            objects: this.staticPods.objects,
            pki: this.pki.nodeFiles,
            operatorInputs: this.staticPods.operatorInputs,
            rootCa: this.pki.certs["root-ca"].certPem,
            bootstrapSshKey: this.pki.bootstrapSshPublicKey,
            pullSecret: inputs.pullSecret,
        }, { parent: this });
        this.infra = new LibvirtCluster(name, config, {
            ignition: this.ignition.configs,
            ignitionFiles: { resource: this.ignition.files, sha256: this.ignition.files.sha256 },
        }, { parent: this });
        this.registerOutputs({ clusterDomain: this.clusterDomain });
    }
}
