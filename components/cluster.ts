import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "./config";
import { LibvirtCluster } from "./libvirt";
import { StaticPods } from "./rendered-manifests";

/**
 * The whole pipeline of shared/DESIGN.md, one stage per component: today the static pods and
 * cluster manifests, and the libvirt infrastructure; PKI and Ignition plug in between them.
 * Type token: `openshift-hard-way:index:OpenShiftCluster`.
 */
export class OpenShiftCluster extends pulumi.ComponentResource {
    /** `<clusterName>.<baseDomain>`, the DNS domain the libvirt network serves. */
    readonly clusterDomain: string;
    readonly infra: LibvirtCluster;
    readonly staticPods: StaticPods;

    constructor(name: string, config: ClusterConfig, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:index:OpenShiftCluster", name, {}, opts);
        this.clusterDomain = `${config.clusterName}.${config.baseDomain}`;
        this.staticPods = new StaticPods(name, config, { parent: this });
        this.infra = new LibvirtCluster(name, config, { parent: this });
        this.registerOutputs({ clusterDomain: this.clusterDomain });
    }
}
