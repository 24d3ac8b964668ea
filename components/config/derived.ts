import * as ipaddr from "ipaddr.js";
import type { ClusterConfig } from "./schema";

// Values that follow from the config, computed here once and read from here everywhere: no other
// file builds the cluster domain, an API URL, a libvirt name or the asset directory itself.
// Pure: plain values in, plain values out.

/**
 * The n-th address of an IPv4 network, e.g. `nthAddress("192.168.126.0/24", 1)` is `192.168.126.1`.
 * @throws RangeError if n falls outside the network.
 */
export function nthAddress(cidr: string, n: number): string {
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    const base = (addr as ipaddr.IPv4).toByteArray().reduce((a, b) => a * 256 + b, 0);
    if (n < 0 || n >= 2 ** (32 - bits)) throw new RangeError(`address #${n} is outside ${cidr}`);
    const v = base + n;
    return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join(".");
}

/**
 * The separator of the parts of a libvirt object name: `<stack>_<clusterName>_<node>`. Neither a
 * cluster name nor a node name (DNS labels) can contain it, and the config refuses a stack name
 * that does, so no two (stack, cluster) pairs map to one name, and `<stack>_<clusterName>_` is a
 * prefix only this stack's cluster has.
 */
export const LIBVIRT_NAME_SEPARATOR = "_";

/** `<clusterName>.<baseDomain>`, e.g. `othw.lab.local`. */
export function clusterDomainOf(clusterName: string, baseDomain: string): string {
    return `${clusterName}.${baseDomain}`;
}

/** `<stack>_<clusterName>`: the libvirt network's and pool's name, and the prefix of every other object's. */
export function libvirtPrefixOf(stack: string, clusterName: string): string {
    return `${stack}${LIBVIRT_NAME_SEPARATOR}${clusterName}`;
}

/** The default `libvirt.poolPath` of a stack. */
export const POOL_ROOT = "/var/lib/libvirt/openshift-hard-way";
export function defaultPoolPath(stack: string): string {
    return `${POOL_ROOT}/${stack}`;
}

/**
 * The XML namespace of the owner mark each libvirt domain and network carries in its
 * `<metadata>`: `<othw:owner xmlns:othw="…" stack="<stack>" cluster="<clusterName>"/>`
 * (libvirt's formatdomain "General metadata": one element per namespace, for applications).
 * tools/recover deletes only objects with this stack's mark.
 */
export const OWNER_XML_NAMESPACE = "urn:openshift-hard-way:owner:1";

/** The libvirt names of one cluster's objects. */
export interface LibvirtNames {
    /** The network's and pool's name: `<stack>_<clusterName>`. */
    prefix: string;
    network: string;
    pool: string;
    /** The base volume (the OS image): `<prefix>_base.qcow2` (no node may be named `base`). */
    baseVolume: string;
    /** A node's domain: `<prefix>_<node>`. */
    domain(node: string): string;
    /** A node's copy-on-write disk: `<prefix>_<node>.qcow2`. */
    disk(node: string): string;
    /** A node's Ignition volume: `<prefix>_<node>.ign`. */
    ignition(node: string): string;
}

/** The values every stage derives from the config, computed once per config. */
export interface Derived {
    /** `<clusterName>.<baseDomain>`. */
    clusterDomain: string;
    /** `https://api.<clusterDomain>:6443`, the external API URL. */
    apiServerUrl: string;
    /** `https://api-int.<clusterDomain>:6443`, the URL the nodes use. */
    apiServerInternalUrl: string;
    /** The host's address on the machine network (`.1`): the VMs' gateway and DNS server. */
    gateway: string;
    /** The prefix length of the machine network, e.g. 24. */
    machineNetworkBits: number;
    /** The first address of the service network: the `kubernetes` Service's ClusterIP. */
    kubernetesServiceIp: string;
    /** The asset directory, relative to the project root: `assets/<stack>`. */
    assetDir: string;
    /** libvirt object names. */
    libvirt: LibvirtNames;
    /** A node's FQDN: `<node>.<clusterDomain>`. */
    fqdn(node: string): string;
}

const cache = new WeakMap<ClusterConfig, Derived>();

/**
 * The derived values of a config (see {@link Derived}); the same object for the same config.
 * @param c a config from parseClusterConfig (already validated: nothing here throws for it).
 */
export function derived(c: ClusterConfig): Derived {
    const hit = cache.get(c);
    if (hit) return hit;
    const clusterDomain = clusterDomainOf(c.clusterName, c.baseDomain);
    const prefix = libvirtPrefixOf(c.stack, c.clusterName);
    const sep = LIBVIRT_NAME_SEPARATOR;
    const d: Derived = {
        clusterDomain,
        apiServerUrl: `https://api.${clusterDomain}:6443`,
        apiServerInternalUrl: `https://api-int.${clusterDomain}:6443`,
        gateway: nthAddress(c.machineNetwork, 1),
        machineNetworkBits: Number(c.machineNetwork.split("/")[1]),
        kubernetesServiceIp: nthAddress(c.serviceNetwork, 1),
        assetDir: `assets/${c.stack}`,
        libvirt: {
            prefix,
            network: prefix,
            pool: prefix,
            baseVolume: `${prefix}${sep}base.qcow2`,
            domain: (n) => `${prefix}${sep}${n}`,
            disk: (n) => `${prefix}${sep}${n}.qcow2`,
            ignition: (n) => `${prefix}${sep}${n}.ign`,
        },
        fqdn: (n) => `${n}.${clusterDomain}`,
    };
    cache.set(c, Object.freeze(d));
    return d;
}
