import * as pulumi from "@pulumi/pulumi";
import * as libvirt from "@pulumi/libvirt";
import { ClusterConfig, nthAddress } from "../config";

/**
 * The cluster's libvirt objects: an explicit provider for `config.libvirt.uri`, a NAT network
 * for the machine network with the cluster domain, and a `dir` storage pool.
 *
 * Names are `<stack>-<clusterName>` so two stacks on one libvirt host never share an object.
 * Type token: `openshift-hard-way:libvirt:LibvirtCluster`.
 */
export class LibvirtCluster extends pulumi.ComponentResource {
    /** The libvirt network's name, as `virsh net-info` takes it. */
    readonly networkName: pulumi.Output<string>;
    /** The storage pool's name, as `virsh pool-info` takes it. */
    readonly poolName: pulumi.Output<string>;
    /** The host's address on the machine network (the VMs' gateway and DNS server), e.g. 192.168.126.1. */
    readonly gateway: string;

    constructor(name: string, config: ClusterConfig, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:libvirt:LibvirtCluster", name, {}, opts);
        const prefix = `${config.stack}-${config.clusterName}`;
        const provider = new libvirt.Provider(`${name}-provider`, { uri: config.libvirt.uri }, { parent: this });
        const child = { parent: this, provider };

        // spec/README.md "node addresses": gateway and DNS on .1 of the machine network.
        this.gateway = nthAddress(config.machineNetwork, 1);
        const network = new libvirt.Network(`${name}-network`, {
            name: prefix,
            mode: "nat",
            // dnsmasq answers for the cluster domain itself and does not forward it upstream.
            domain: `${config.clusterName}.${config.baseDomain}`,
            addresses: [config.machineNetwork],
            dns: { enabled: true, localOnly: true },
            autostart: true,
        }, child);

        const pool = new libvirt.Pool(`${name}-pool`, {
            name: prefix,
            type: "dir",
            path: config.libvirt.poolPath,
        }, child);

        this.networkName = network.name;
        this.poolName = pool.name;
        this.registerOutputs({ networkName: this.networkName, poolName: this.poolName });
    }
}
