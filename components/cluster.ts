import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "./config";
import { LibvirtCluster } from "./libvirt";

/**
 * The whole pipeline of shared/DESIGN.md, one stage per component: today the libvirt
 * infrastructure; PKI, static pods and Ignition plug in ahead of it.
 * Type token: `openshift-hard-way:index:OpenShiftCluster`.
 */
export class OpenShiftCluster extends pulumi.ComponentResource {
    /** `<clusterName>.<baseDomain>`, the DNS domain the libvirt network serves. */
    readonly clusterDomain: string;
    readonly infra: LibvirtCluster;

    constructor(name: string, config: ClusterConfig, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:index:OpenShiftCluster", name, {}, opts);
        this.clusterDomain = `${config.clusterName}.${config.baseDomain}`;
        this.infra = new LibvirtCluster(name, config, { parent: this });
        this.registerOutputs({ clusterDomain: this.clusterDomain });
    }
}
