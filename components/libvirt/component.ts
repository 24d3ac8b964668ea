import * as pulumi from "@pulumi/pulumi";
import * as libvirt from "@pulumi/libvirt";
import { ClusterConfig, derived, NodeConfig, VmSize } from "../config";
import { ignitionFilePath, qemuOwner } from "./host";
import { appsDnsmasqOptions, dhcpReservationsXslt, dnsHosts } from "./network";
import { domainXslt, permissionsXslt } from "./xslt";

/** One row of the node table output. */
export interface NodeRow { name: string; role: "bootstrap" | "master"; ip: string; mac: string }

/** Inputs from the earlier stages. */
export interface LibvirtInputs {
    /** Node name → Ignition config JSON (secret). */
    ignition: Record<string, pulumi.Output<string>>;
    /**
     * The resource that writes each node's Ignition config to `<assetDir>/<node>.ign` (mode 0600),
     * and the SHA-256 of each file it wrote (`<node>.ign` → hex; not secret): the Ignition volume
     * is uploaded from that file, and replaced (with the node's VM) when the hash changes.
     */
    ignitionFiles: { resource: pulumi.Resource; sha256: pulumi.Output<Record<string, string>> };
}

/**
 * The cluster's libvirt objects (the tutorial's stage 02): an explicit provider for `libvirt.uri`;
 * a NAT network with the cluster domain, the DNS records of {@link dnsHosts} and a `*.apps`
 * wildcard; a `dir` storage pool (directory mode 0700, owned by QEMU's user); one base volume (the
 * OS image, or a blank disk) and one copy-on-write volume per node over it; one Ignition volume per
 * node (0600, owned by QEMU's user), handed to the VM through fw_cfg (`opt/com.coreos/config`);
 * one domain per node, whose MAC the network's DHCP reservations ({@link dhcpReservationsXslt})
 * map to its IP and name. The network and the domains carry the owner mark {@link ownerMark}.
 *
 * A node's VM is replaced when its Ignition config changes (Ignition runs at first boot only;
 * libvirt#854) and only then. Masters too: that wipes the etcd member on that VM, which the
 * cluster survives one master at a time. `bootstrap: false` removes the bootstrap node's VM,
 * disk, Ignition volume and DNS records and leaves the masters alone.
 * Names: see {@link derived} (`<stack>_<clusterName>[_<node>]`). Type token: `openshift-hard-way:libvirt:LibvirtCluster`.
 */
export class LibvirtCluster extends pulumi.ComponentResource {
    /** The libvirt network's name, as `virsh net-info` takes it. */
    readonly networkName: pulumi.Output<string>;
    /** The storage pool's name, as `virsh pool-info` takes it. */
    readonly poolName: pulumi.Output<string>;
    /** The host's address on the machine network (the VMs' gateway and DNS server), e.g. 192.168.126.1. */
    readonly gateway: string;
    /** The nodes that exist: name, role, IP, MAC. */
    readonly nodes: NodeRow[];
    /** libvirt domain name per node. */
    readonly domainNames: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, config: ClusterConfig, inputs: LibvirtInputs, opts?: pulumi.ComponentResourceOptions) {
        super("openshift-hard-way:libvirt:LibvirtCluster", name, {}, opts);
        const d = derived(config);
        const names = d.libvirt;
        const provider = new libvirt.Provider(`${name}-provider`, { uri: config.libvirt.uri }, { parent: this });
        const child = { parent: this, provider };
        const owner = qemuOwner(config.libvirt.uri, config.libvirt.qemuOwner);
        // Without QEMU's user, a 0700 directory or 0600 volume of root's would keep QEMU out
        // (it opens the fw_cfg file itself, unlabelled): keep the provider's modes, and say so.
        const secure = owner !== undefined || config.libvirt.uri === "qemu:///session";
        if (!secure) {
            pulumi.log.warn(`libvirt.qemuOwner is not set and cannot be found for ${config.libvirt.uri}: the pool directory and the volumes keep the provider's modes (Ignition volumes 0644, holding private keys); set libvirt.qemuOwner to <uid>:<gid> of QEMU's user on the libvirt host`, this);
        }
        const volumeXml = secure ? { xslt: permissionsXslt("volume", "0600", owner) } : undefined;

        this.gateway = d.gateway;
        const network = new libvirt.Network(`${name}-network`, {
            name: names.network,
            mode: "nat",
            // dnsmasq answers for the cluster domain itself and does not forward it upstream.
            domain: d.clusterDomain,
            addresses: [config.machineNetwork],
            dns: { enabled: true, localOnly: true, hosts: dnsHosts(config) },
            dnsmasqOptions: { options: appsDnsmasqOptions(config) },
            // DHCP reservations MAC → IP → name for the masters (a change replaces the network), and the owner mark.
            xml: { xslt: dhcpReservationsXslt(config) },
            autostart: true,
        }, {
            ...child,
            // The provider updates DNS hosts in place but ignores changed dnsmasq options;
            // only a new network gets them.
            replaceOnChanges: ["dnsmasqOptions"],
            // libvirt names are unique: the old network must go before its successor is defined.
            deleteBeforeReplace: true,
        });

        // The pool's directory: 0700, QEMU's user's (it opens the disks and, through fw_cfg, the
        // Ignition files in it); nobody else can look inside.
        const pool = new libvirt.Pool(`${name}-pool`, {
            name: names.pool,
            type: "dir",
            path: config.libvirt.poolPath,
            ...(secure ? { xml: { xslt: permissionsXslt("pool", "0700", owner) } } : {}),
        }, { ...child, deleteBeforeReplace: true });

        // The OS image, uploaded once; every node's disk is a copy-on-write layer over it.
        const smallest = Math.min(config.vm.bootstrap.diskGiB, config.vm.master.diskGiB);
        const base = new libvirt.Volume(`${name}-base`, {
            name: names.baseVolume,
            pool: pool.name,
            format: "qcow2",
            ...(config.osImage === "blank" ? { size: smallest * 2 ** 30 } : { source: config.osImage }),
            ...(volumeXml ? { xml: volumeXml } : {}),
        }, { ...child, deleteBeforeReplace: true });

        const nodes: [NodeConfig, "bootstrap" | "master", VmSize][] = [
            ...(config.bootstrap ? [[config.nodes.bootstrap, "bootstrap", config.vm.bootstrap] as [NodeConfig, "bootstrap", VmSize]] : []),
            ...config.nodes.masters.map((m) => [m, "master", config.vm.master] as [NodeConfig, "master", VmSize]),
        ];
        this.nodes = nodes.map(([n, role]) => ({ name: n.name, role, ip: n.ip, mac: n.mac }));
        for (const [n, , size] of nodes) {
            const disk = new libvirt.Volume(`${name}-${n.name}-disk`, {
                name: names.disk(n.name),
                pool: pool.name,
                format: "qcow2",
                baseVolumeId: base.id,
                size: size.diskGiB * 2 ** 30,
                ...(volumeXml ? { xml: volumeXml } : {}),
            }, { ...child, deleteBeforeReplace: true });
            // The Ignition config as a volume in the pool, uploaded from its 0600 asset file and
            // itself 0600, QEMU's (the provider's own Ignition resource writes 0644 volumes). The
            // content stays out of the state; its hash (from the file resource) names the version:
            // a new config gives a new volume and, through coreosIgnition, a new VM.
            const sha256 = inputs.ignitionFiles.sha256.apply((h) => h[`${n.name}.ign`] ?? "");
            const ignition = new libvirt.Volume(`${name}-${n.name}-ignition`, {
                name: names.ignition(n.name),
                pool: pool.name,
                format: "raw",
                source: ignitionFilePath(config, n.name),
                ...(volumeXml ? { xml: volumeXml } : {}),
            }, { ...child, deleteBeforeReplace: true, dependsOn: [inputs.ignitionFiles.resource], replacementTrigger: sha256 });
            const domain = new libvirt.Domain(`${name}-${n.name}`, {
                name: names.domain(n.name),
                type: config.libvirt.domainType,
                vcpu: size.vcpu,
                memory: size.memoryMiB,
                ...(config.libvirt.domainType === "kvm" ? { cpu: { mode: "host-passthrough" } } : {}),
                disks: [{ volumeId: disk.id }],
                networkInterfaces: [{
                    networkId: network.id,
                    // The network's DHCP reservation for this MAC gives the node its IP and name
                    // (dhcpReservationsXslt); no addresses here, which would make the provider
                    // add the same reservation again with a `net-update` per domain.
                    mac: n.mac,
                    waitForLease: false,
                }],
                // Ignition reads opt/com.coreos/config from fw_cfg at first boot. The provider
                // takes `<volume key>;<anything>` (its Ignition resource's ID form) and hands QEMU
                // the volume's path; the second part is the config's hash, so a changed config
                // changes this field and replaces the VM.
                coreosIgnition: pulumi.interpolate`${ignition.id};${sha256}`,
                consoles: [{ type: "pty", targetPort: "0", targetType: "serial" }],
                running: true,
                autostart: false,
                xml: { xslt: domainXslt(config) },
            }, {
                ...child,
                // A changed Ignition config must reach the VM, and only a new VM reads it.
                replaceOnChanges: ["coreosIgnition"],
                deleteBeforeReplace: true,
                // The provider reads addresses back from DHCP leases, which come and go with
                // the VM; the reservation is the network's, and an address change also changes
                // the node's Ignition config (its keyfile) and so replaces the VM anyway.
                ignoreChanges: ["networkInterfaces[0].addresses"],
            });
            this.domainNames[n.name] = domain.name;
        }

        this.networkName = network.name;
        this.poolName = pool.name;
        this.registerOutputs({ networkName: this.networkName, poolName: this.poolName });
    }
}
