import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";

/**
 * The project's config namespace: keys in stacks/Pulumi.<stack>.yaml are written
 * `openshift-hard-way:<key>`.
 */
export const CONFIG_NAMESPACE = "openshift-hard-way";

/** Connection to the libvirt host that runs the cluster's VMs. */
export interface LibvirtConfig {
    /** libvirt connection URI, as `virsh -c` takes it, e.g. `qemu:///system`. */
    uri: string;
    /** Absolute directory of the cluster's `dir` storage pool on the libvirt host. */
    poolPath: string;
}

/**
 * The whole cluster, as one plain, validated value: the single input of every renderer and
 * component. Field names follow `install-config.yaml` where it has one.
 */
export interface ClusterConfig {
    /** The Pulumi stack this config belongs to; names libvirt objects so stacks do not clash. */
    stack: string;
    /** `metadata.name` in install-config: a DNS label, e.g. `othw`. */
    clusterName: string;
    /** `baseDomain` in install-config, e.g. `lab.local`; the cluster domain is `<clusterName>.<baseDomain>`. */
    baseDomain: string;
    /** `networking.machineNetwork[0].cidr`: the IPv4 network of the VMs, e.g. `192.168.126.0/24`. */
    machineNetwork: string;
    /** Where the VMs run. */
    libvirt: LibvirtConfig;
}

/** A bad config value. The message names the key, the value and the fix. */
export class ConfigError extends Error {
    constructor(readonly key: string, message: string) {
        super(`config ${CONFIG_NAMESPACE}:${key}: ${message}`);
        this.name = "ConfigError";
    }
}

/** Defaults for every optional key; the `local` stack relies on them. */
export const DEFAULTS = {
    clusterName: "othw",
    baseDomain: "lab.local",
    // othw-facts §1 and spec/README.md: the tutorial's machine network.
    machineNetwork: "192.168.126.0/24",
    libvirt: { uri: "qemu:///system", poolRoot: "/var/lib/libvirt/openshift-hard-way" },
} as const;

const KNOWN_KEYS = ["clusterName", "baseDomain", "machineNetwork", "libvirt"] as const;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Validates raw stack config and applies defaults.
 *
 * @param raw   the project's keys without the namespace, values as Pulumi hands them over
 *              (strings, or parsed JSON for objects), e.g. `{ clusterName: "othw" }`.
 * @param stack the stack name.
 * @returns the complete config.
 * @throws ConfigError on the first bad or unknown key; nothing has been created at that point.
 */
export function parseClusterConfig(raw: Record<string, unknown>, stack: string): ClusterConfig {
    for (const key of Object.keys(raw)) {
        if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
            throw new ConfigError(key, `unknown key (a typo?); known keys: ${KNOWN_KEYS.join(", ")}`);
        }
    }
    const clusterName = str(raw, "clusterName", DEFAULTS.clusterName);
    if (!DNS_LABEL.test(clusterName)) {
        throw new ConfigError("clusterName", `'${clusterName}' is not a DNS label: use lower-case letters, digits and '-', at most 63 characters`);
    }
    const baseDomain = str(raw, "baseDomain", DEFAULTS.baseDomain);
    if (!baseDomain.split(".").every((l) => DNS_LABEL.test(l))) {
        throw new ConfigError("baseDomain", `'${baseDomain}' is not a DNS domain: dot-separated labels of lower-case letters, digits and '-', e.g. lab.local`);
    }
    const machineNetwork = str(raw, "machineNetwork", DEFAULTS.machineNetwork);
    parseIPv4Cidr("machineNetwork", machineNetwork);

    const lv = raw.libvirt === undefined ? {} : raw.libvirt;
    if (typeof lv !== "object" || lv === null || Array.isArray(lv)) {
        throw new ConfigError("libvirt", "must be an object with the keys uri and poolPath");
    }
    const lvRaw = lv as Record<string, unknown>;
    for (const key of Object.keys(lvRaw)) {
        if (key !== "uri" && key !== "poolPath") {
            throw new ConfigError(`libvirt.${key}`, "unknown key (a typo?); known keys: uri, poolPath");
        }
    }
    const uri = str(lvRaw, "uri", DEFAULTS.libvirt.uri, "libvirt.");
    if (!/^[a-z+]+:\/\//.test(uri)) {
        throw new ConfigError("libvirt.uri", `'${uri}' is not a libvirt connection URI, e.g. qemu:///system or qemu+ssh://root@host/system`);
    }
    const poolPath = str(lvRaw, "poolPath", `${DEFAULTS.libvirt.poolRoot}/${stack}`, "libvirt.");
    if (!poolPath.startsWith("/")) {
        throw new ConfigError("libvirt.poolPath", `'${poolPath}' must be an absolute directory on the libvirt host`);
    }
    return { stack, clusterName, baseDomain, machineNetwork, libvirt: { uri, poolPath } };
}

function str(raw: Record<string, unknown>, key: string, dflt: string, prefix = ""): string {
    const v = raw[key];
    if (v === undefined) return dflt;
    if (typeof v !== "string" || v === "") {
        throw new ConfigError(prefix + key, `must be a non-empty string, got ${JSON.stringify(v)}`);
    }
    return v;
}

/**
 * Parses an IPv4 network in CIDR notation whose address is the network address.
 * @returns the network address and prefix length, e.g. `["192.168.126.0", 24]`.
 * @throws ConfigError naming `key` if `cidr` is not such a network.
 */
export function parseIPv4Cidr(key: string, cidr: string): [string, number] {
    let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
        parsed = ipaddr.parseCIDR(cidr);
    } catch {
        throw new ConfigError(key, `'${cidr}' is not a CIDR network, e.g. 192.168.126.0/24`);
    }
    const [addr, bits] = parsed;
    if (addr.kind() !== "ipv4") {
        throw new ConfigError(key, `'${cidr}' is IPv6; this project builds IPv4 networks, e.g. 192.168.126.0/24`);
    }
    const network = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
    if (network !== addr.toString()) {
        throw new ConfigError(key, `'${cidr}' has host bits set; did you mean ${network}/${bits}?`);
    }
    if (bits > 29) {
        throw new ConfigError(key, `'${cidr}' is too small for a gateway and four nodes; use /29 or larger, e.g. ${network}/24`);
    }
    return [network, bits];
}

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
 * Reads this project's keys from the running stack's config and validates them
 * (see {@link parseClusterConfig}). Object values arrive as JSON text and are parsed here.
 * @throws ConfigError before any resource is registered.
 */
export function loadClusterConfig(): ClusterConfig {
    const raw: Record<string, unknown> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
        if (!k.startsWith(prefix)) continue;
        const key = k.slice(prefix.length);
        try {
            raw[key] = v.startsWith("{") || v.startsWith("[") ? JSON.parse(v) : v;
        } catch {
            throw new ConfigError(key, `is not valid JSON: ${v}`);
        }
    }
    return parseClusterConfig(raw, pulumi.getStack());
}
