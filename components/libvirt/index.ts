import * as pulumi from "@pulumi/pulumi";
import * as libvirt from "@pulumi/libvirt";
import { ClusterConfig, NodeConfig, nthAddress, VmSize } from "../config";

/** One row of the node table output. */
export interface NodeRow { name: string; role: "bootstrap" | "master"; ip: string; mac: string }

/**
 * The DNS records the cluster network serves (spec/README.md "API endpoint", "*.apps"): every
 * node's FQDN; `api` and `api-int` round-robin over the bootstrap node (while it exists) and the
 * masters, as openshift-install's libvirt platform did instead of a load balancer; `etcd-N` per
 * master. `*.apps` is a dnsmasq `address=` option (see {@link appsDnsmasqOptions}).
 * @returns `{ ip, hostname }` pairs, the form of the libvirt network's `dns.hosts`.
 */
export function dnsHosts(c: ClusterConfig): { ip: string; hostname: string }[] {
    const d = `${c.clusterName}.${c.baseDomain}`;
    const nodes = [...(c.bootstrap ? [c.nodes.bootstrap] : []), ...c.nodes.masters];
    return [
        ...nodes.map((n) => ({ ip: n.ip, hostname: `${n.name}.${d}` })),
        ...nodes.flatMap((n) => [{ ip: n.ip, hostname: `api.${d}` }, { ip: n.ip, hostname: `api-int.${d}` }]),
        ...c.nodes.masters.map((m, i) => ({ ip: m.ip, hostname: `etcd-${i}.${d}` })),
    ];
}

/** dnsmasq options answering every name under `apps.<cluster domain>` with the masters (where the routers run). */
export function appsDnsmasqOptions(c: ClusterConfig): { optionName: string; optionValue: string }[] {
    return c.nodes.masters.map((m) => ({ optionName: "address", optionValue: `/apps.${c.clusterName}.${c.baseDomain}/${m.ip}` }));
}

/**
 * The network's DHCP reservations, MAC → IP → name, one per master: what a master's initramfs
 * gets its address and name from when it brings the network up to fetch its pointer config from
 * the machine-config-server (openshift-install's libvirt platform reserved them through each
 * domain's `network_interface.addresses`).
 *
 * The bootstrap node has none, so `bootstrap: false` changes nothing in the network and the
 * pivot leaves no reservation behind: it needs no DHCP at any stage. Its Ignition config comes
 * through fw_cfg and has no remote resource, so its initramfs never brings the network up
 * (Ignition's fetch-offline stage), and the booted system takes the static address of its
 * NetworkManager keyfile, the name of its /etc/hostname, and its DNS records from
 * {@link dnsHosts}, which the provider updates live. (The other way, a reservation added and
 * removed with a live `virsh net-update`, needs a resource that runs it: the provider's domain
 * adds one but never removes it.)
 *
 * They are written into the network's definition as libvirt's own
 * `<ip><dhcp><host mac=… name=… ip=…/>` elements, by an XSLT stylesheet over the XML the provider
 * generates (provider v0.7.6 has no field for them; it runs `xsltproc`). Reserving through the
 * domains instead costs one `virsh net-update` per domain, each of which restarts the network's
 * dnsmasq and holds libvirtd's network lock while the other domains wait to start: ~2 s of every
 * `pulumi up`.
 * @returns an XSLT 1.0 stylesheet: the provider's network XML, unchanged, plus the `<host>` elements
 *   in its IPv4 `<dhcp>` element. The values come validated from the config (MAC, IPv4 address,
 *   DNS label), so none needs XML escaping.
 */
export function dhcpReservationsXslt(c: ClusterConfig): string {
    const hosts = c.nodes.masters
        .map((n) => `        <host mac="${n.mac}" name="${n.name}" ip="${n.ip}"/>`);
    return [
        `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">`,
        `  <xsl:output method="xml" indent="yes"/>`,
        `  <xsl:template match="@*|node()">`,
        `    <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>`,
        `  </xsl:template>`,
        `  <xsl:template match="/network/ip[not(@family) or @family='ipv4']/dhcp">`,
        `    <xsl:copy>`,
        `      <xsl:apply-templates select="@*|node()"/>`,
        ...hosts,
        `    </xsl:copy>`,
        `  </xsl:template>`,
        `</xsl:stylesheet>`,
    ].join("\n");
}

/** Inputs from the earlier stages. */
export interface LibvirtInputs {
    /** Node name → Ignition config JSON (secret). */
    ignition: Record<string, pulumi.Output<string>>;
}

/**
 * The cluster's libvirt objects (the tutorial's stage 02, othw-facts §2, with spec/README.md's
 * decisions): an explicit provider for `libvirt.uri`; a NAT network with the cluster domain, the
 * DNS records of {@link dnsHosts} and a `*.apps` wildcard; a `dir` storage pool; one base volume
 * (the OS image, or a blank disk) and one copy-on-write volume per node over it; one Ignition
 * volume per node, handed to the VM through fw_cfg (`opt/com.coreos/config`); one domain per
 * node, whose MAC the network's DHCP reservations ({@link dhcpReservationsXslt}) map to its IP and name.
 *
 * A node's VM is replaced when its Ignition config changes (Ignition runs at first boot only;
 * libvirt#854) and only then. Masters too: that wipes the etcd member on that VM, which the
 * cluster survives one master at a time. `bootstrap: false` removes the bootstrap node's VM,
 * disk, Ignition volume and DNS records and leaves the masters alone.
 * Names are `<stack>-<clusterName>[-<node>]`. Type token: `openshift-hard-way:libvirt:LibvirtCluster`.
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
            dns: { enabled: true, localOnly: true, hosts: dnsHosts(config) },
            dnsmasqOptions: { options: appsDnsmasqOptions(config) },
            // DHCP reservations MAC → IP → name for the masters (a change replaces the network).
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

        const pool = new libvirt.Pool(`${name}-pool`, {
            name: prefix,
            type: "dir",
            path: config.libvirt.poolPath,
        }, { ...child, deleteBeforeReplace: true });

        // The OS image, uploaded once; every node's disk is a copy-on-write layer over it.
        const smallest = Math.min(config.vm.bootstrap.diskGiB, config.vm.master.diskGiB);
        const base = new libvirt.Volume(`${name}-base`, {
            name: `${prefix}-base.qcow2`,
            pool: pool.name,
            format: "qcow2",
            ...(config.osImage === "blank" ? { size: smallest * 2 ** 30 } : { source: config.osImage }),
        }, { ...child, deleteBeforeReplace: true });

        const nodes: [NodeConfig, "bootstrap" | "master", VmSize][] = [
            ...(config.bootstrap ? [[config.nodes.bootstrap, "bootstrap", config.vm.bootstrap] as [NodeConfig, "bootstrap", VmSize]] : []),
            ...config.nodes.masters.map((m) => [m, "master", config.vm.master] as [NodeConfig, "master", VmSize]),
        ];
        this.nodes = nodes.map(([n, role]) => ({ name: n.name, role, ip: n.ip, mac: n.mac }));
        for (const [n, , size] of nodes) {
            const disk = new libvirt.Volume(`${name}-${n.name}-disk`, {
                name: `${prefix}-${n.name}.qcow2`,
                pool: pool.name,
                format: "qcow2",
                baseVolumeId: base.id,
                size: size.diskGiB * 2 ** 30,
            }, { ...child, deleteBeforeReplace: true });
            // The Ignition config as a volume in the pool: it holds keys, so it stays secret.
            const ignition = new libvirt.Ignition(`${name}-${n.name}-ignition`, {
                name: `${prefix}-${n.name}.ign`,
                pool: pool.name,
                content: pulumi.secret(inputs.ignition[n.name]),
            }, { ...child, deleteBeforeReplace: true, additionalSecretOutputs: ["content"] });
            const domain = new libvirt.Domain(`${name}-${n.name}`, {
                name: `${prefix}-${n.name}`,
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
                // Ignition reads opt/com.coreos/config from fw_cfg at first boot.
                coreosIgnition: ignition.id,
                consoles: [{ type: "pty", targetPort: "0", targetType: "serial" }],
                running: true,
                autostart: false,
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
