import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as libvirt from "@pulumi/libvirt";
import { ClusterConfig, ConfigError, derived, NodeConfig, OWNER_XML_NAMESPACE, VmSize } from "../config";

/** One row of the node table output. */
export interface NodeRow { name: string; role: "bootstrap" | "master"; ip: string; mac: string }

/**
 * The DNS records the cluster network serves (README "What the `local` stack does"): every
 * node's FQDN; `api` and `api-int` round-robin over the bootstrap node (while it exists) and the
 * masters, as openshift-install's libvirt platform did instead of a load balancer; `etcd-N` per
 * master. `*.apps` is a dnsmasq `address=` option (see {@link appsDnsmasqOptions}).
 * @returns `{ ip, hostname }` pairs, the form of the libvirt network's `dns.hosts`.
 */
export function dnsHosts(c: ClusterConfig): { ip: string; hostname: string }[] {
    const d = derived(c).clusterDomain;
    const nodes = [...(c.bootstrap ? [c.nodes.bootstrap] : []), ...c.nodes.masters];
    return [
        ...nodes.map((n) => ({ ip: n.ip, hostname: `${n.name}.${d}` })),
        ...nodes.flatMap((n) => [{ ip: n.ip, hostname: `api.${d}` }, { ip: n.ip, hostname: `api-int.${d}` }]),
        ...c.nodes.masters.map((m, i) => ({ ip: m.ip, hostname: `etcd-${i}.${d}` })),
    ];
}

/** dnsmasq options answering every name under `apps.<cluster domain>` with the masters (where the routers run). */
export function appsDnsmasqOptions(c: ClusterConfig): { optionName: string; optionValue: string }[] {
    return c.nodes.masters.map((m) => ({ optionName: "address", optionValue: `/apps.${derived(c).clusterDomain}/${m.ip}` }));
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
 * `pulumi up` (measured by tools/dev/bench).
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
        ...ownerMarkTemplates(c, "network"),
        `</xsl:stylesheet>`,
    ].join("\n");
}

/**
 * The owner mark of this stack's libvirt objects: an element in the `<metadata>` of the domains
 * and the network (libvirt formatdomain.html "General metadata": applications keep their own
 * elements there, one namespace each). tools/recover deletes an object only when it carries the
 * mark of the stack and cluster it recovers. Stack names ([A-Za-z0-9.-], Pulumi's) and cluster
 * names (DNS labels) need no XML escaping.
 */
export function ownerMark(c: ClusterConfig): string {
    return `<othw:owner xmlns:othw="${OWNER_XML_NAMESPACE}" stack="${c.stack}" cluster="${c.clusterName}"/>`;
}

/** XSLT templates that add {@link ownerMark} to the `<metadata>` of the document element `root`, making one if there is none. */
function ownerMarkTemplates(c: ClusterConfig, root: "network" | "domain"): string[] {
    return [
        `  <xsl:template match="/${root}[not(metadata)]">`,
        `    <xsl:copy><xsl:apply-templates select="@*|node()"/><metadata>${ownerMark(c)}</metadata></xsl:copy>`,
        `  </xsl:template>`,
        `  <xsl:template match="/${root}/metadata">`,
        `    <xsl:copy><xsl:apply-templates select="@*|node()"/>${ownerMark(c)}</xsl:copy>`,
        `  </xsl:template>`,
    ];
}

const XSLT_HEAD = [
    `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">`,
    `  <xsl:output method="xml" indent="yes"/>`,
    `  <xsl:template match="@*|node()">`,
    `    <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>`,
    `  </xsl:template>`,
];

/** An XSLT 1.0 stylesheet over a domain's XML, as the provider generates it: the same, plus the owner mark. */
export function domainXslt(c: ClusterConfig): string {
    return [...XSLT_HEAD, ...ownerMarkTemplates(c, "domain"), `</xsl:stylesheet>`].join("\n");
}

/**
 * The user and group QEMU runs as under this libvirt URI, which must own the pool directory (0700)
 * and the volumes (0600) to open them: under `qemu:///system` on this host, `user`/`group` of
 * /etc/libvirt/qemu.conf, else the distribution's default user (`libvirt-qemu` on Debian and
 * Ubuntu, `qemu` on Fedora and RHEL) and its primary group; `libvirt.qemuOwner` (`<uid>:<gid>`)
 * when the stack sets it. Undefined where this host cannot know (a remote URI without that key)
 * or where QEMU runs as the caller (`qemu:///session`).
 */
export function qemuOwner(uri: string, configured?: string): { uid: number; gid: number } | undefined {
    if (configured) {
        const [uid, gid] = configured.split(":").map(Number);
        return { uid, gid };
    }
    if (uri !== "qemu:///system") return undefined;
    const read = (f: string) => { try { return fs.readFileSync(f, "utf8"); } catch { return ""; } };
    const conf = read("/etc/libvirt/qemu.conf");
    const setting = (k: string) => new RegExp(`^\\s*${k}\\s*=\\s*"([^"]+)"`, "m").exec(conf)?.[1];
    const passwd = read("/etc/passwd").split("\n").map((l) => l.split(":"));
    const user = [setting("user"), "libvirt-qemu", "qemu"].filter((u): u is string => !!u)
        .map((u) => passwd.find((p) => p[0] === u || p[2] === u.replace(/^\+/, ""))).find((p) => p);
    if (!user) return undefined;
    const groupName = setting("group");
    const group = groupName ? read("/etc/group").split("\n").map((l) => l.split(":")).find((g) => g[0] === groupName || g[2] === groupName.replace(/^\+/, "")) : undefined;
    return { uid: Number(user[2]), gid: Number(group ? group[2] : user[3]) };
}

/** `<permissions>` with `mode` and, when known, QEMU's user and group. */
function permissionsXml(mode: string, owner: { uid: number; gid: number } | undefined): string {
    return `<permissions><mode>${mode}</mode>${owner ? `<owner>${owner.uid}</owner><group>${owner.gid}</group>` : ""}</permissions>`;
}

/**
 * An XSLT 1.0 stylesheet that sets the `<target><permissions>` of a pool's or volume's XML (libvirt
 * formatstorage.html "Target elements": mode, owner, group of the directory or file libvirt
 * creates), replacing the provider's (it writes mode 644 for every volume).
 */
export function permissionsXslt(root: "pool" | "volume", mode: string, owner: { uid: number; gid: number } | undefined): string {
    return [...XSLT_HEAD,
        `  <xsl:template match="/${root}/target/permissions">${permissionsXml(mode, owner)}</xsl:template>`,
        `  <xsl:template match="/${root}/target[not(permissions)]">`,
        `    <xsl:copy><xsl:apply-templates select="@*|node()"/>${permissionsXml(mode, owner)}</xsl:copy>`,
        `  </xsl:template>`,
        `</xsl:stylesheet>`].join("\n");
}

/**
 * Checks that libvirt answers at `libvirt.uri` (`virsh -c <uri> uri`, at most 10 s), so that a
 * wrong URI or a dead libvirtd stops the run before anything is created, naming the key,
 * instead of failing inside a resource after minutes of the provider's retries.
 * @throws ConfigError naming `libvirt.uri`, with virsh's own reason.
 */
export function assertLibvirtAnswers(uri: string): void {
    try {
        execFileSync("virsh", ["-c", uri, "uri"], { stdio: ["ignore", "pipe", "pipe"], timeout: 10_000, encoding: "utf8" });
    } catch (e) {
        const err = e as { code?: string; signal?: string; stderr?: string };
        const why = err.code === "ENOENT" ? "virsh is not installed (tools/setup installs libvirt-clients)"
            : err.signal ? "no answer within 10 s" : (err.stderr ?? String(e)).split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
        throw new ConfigError("libvirt.uri", `libvirt does not answer at ${uri}: ${why}; start libvirtd (systemctl start libvirtd) or fix libvirt.uri`);
    }
}

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

/** The absolute path of a node's Ignition asset file (written by IgnitionConfigs), for the volume upload. */
export function ignitionFilePath(c: ClusterConfig, node: string): string {
    return path.resolve(derived(c).assetDir, `${node}.ign`);
}
