import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "./config";
import { LibvirtCluster } from "./libvirt";
import { apiServerUrl } from "./manifests";
import { ClusterPki } from "./pki";
import { StaticPods } from "./rendered-manifests";

/**
 * The whole pipeline of shared/DESIGN.md, one stage per component: today the PKI and
 * kubeconfigs, the static pods and cluster manifests, and the libvirt infrastructure; Ignition
 * plugs in between them.
 * Type token: `openshift-hard-way:index:OpenShiftCluster`.
 */
export class OpenShiftCluster extends pulumi.ComponentResource {
    /** `<clusterName>.<baseDomain>`, the DNS domain the libvirt network serves. */
    readonly clusterDomain: string;
    readonly infra: LibvirtCluster;
    readonly staticPods: StaticPods;
    readonly pki: ClusterPki;
    /** `https://api.<clusterDomain>:6443`. */
    readonly apiServerUrl: string;

    constructor(name: string, config: ClusterConfig, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:index:OpenShiftCluster", name, {}, opts);
        this.clusterDomain = `${config.clusterName}.${config.baseDomain}`;
        this.apiServerUrl = apiServerUrl(config);
        this.pki = new ClusterPki(name, config, { parent: this });
        this.staticPods = new StaticPods(name, config, { parent: this });
        this.infra = new LibvirtCluster(name, config, { parent: this });
        this.registerOutputs({ clusterDomain: this.clusterDomain });
    }
}
