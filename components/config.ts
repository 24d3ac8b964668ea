import * as crypto from "node:crypto";
import * as fs from "node:fs";
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
    /** libvirt domain type: `kvm` (hardware virtualization, CPU host-passthrough) or `qemu` (software emulation). */
    domainType: "kvm" | "qemu";
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
    /** `networking.clusterNetwork[0]`: the pod network and the prefix of each node's slice of it. */
    clusterNetwork: { cidr: string; hostPrefix: number };
    /** `networking.serviceNetwork[0]`: ClusterIP range; its first address is the `kubernetes` Service. */
    serviceNetwork: string;
    /** The nodes and their addresses on the machine network. */
    nodes: { bootstrap: NodeConfig; masters: NodeConfig[] };
    /** The OpenShift release and the component images taken from it, all pinned by digest. */
    release: ReleaseConfig;
    /**
     * Extra or overriding flags per control-plane component, e.g.
     * `{ "kube-apiserver": { v: "4" } }` renders `--v=4` in place of the default `--v=2`.
     */
    extraArgs: Partial<Record<ControlPlaneComponent, Record<string, string>>>;
    /** SSH public keys of the `core` user on every node (`ssh-ed25519 AAAA... comment`). */
    sshKeys: string[];
    /**
     * Directory of OpenShift CRD YAMLs for bootkube (tools/extract-crds fills it from the release
     * image), relative to the project root; undefined: the bootstrap config carries none.
     */
    crdsDir?: string;
    /** Whether the bootstrap node exists; `false` removes its VM, disk and DNS records (the pivot). */
    bootstrap: boolean;
    /**
     * The OS image every node's disk is a copy-on-write layer over: a path (on the machine running
     * Pulumi) or URL of an RHCOS QEMU qcow2, uploaded once; `blank` for empty disks (the `local`
     * stack: nothing boots).
     */
    osImage: string;
    /** VM sizes per role. */
    vm: { bootstrap: VmSize; master: VmSize };
    /** Key generation for the cluster PKI. */
    pki: {
        /** RSA modulus size of every key (CAs, leaves, service accounts): 2048 (the installer's), 3072 or 4096. */
        rsaBits: number;
    };
    /** Where the VMs run. */
    libvirt: LibvirtConfig;
}

/** The components whose flags `extraArgs` can change. */
export const CONTROL_PLANE_COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "cluster-version-operator", "kube-proxy"] as const;
export type ControlPlaneComponent = typeof CONTROL_PLANE_COMPONENTS[number];

/** One VM of the cluster. */
export interface NodeConfig {
    /** Short host name, e.g. `master-0`; the FQDN is `<name>.<clusterName>.<baseDomain>`. */
    name: string;
    /** IPv4 address on the machine network. */
    ip: string;
    /** MAC address of its NIC: DHCP reservation MAC → IP → hostname. Derived from the stack and name unless set. */
    mac: string;
}

/** Size of one VM. */
export interface VmSize {
    vcpu: number;
    /** Memory in MiB. */
    memoryMiB: number;
    /** Root disk in GiB (the copy-on-write volume over the OS image). */
    diskGiB: number;
}

/**
 * The OpenShift release (othw-facts §1.3). Images are `<repository>@sha256:<64 hex>`; the script
 * tools/release-info fills this block from `oc adm release info`.
 */
export interface ReleaseConfig {
    /** Release version, e.g. `4.18.0`; the ClusterVersion channel is `stable-<major>.<minor>`. */
    version: string;
    /** The release image; the cluster-version-operator runs from it (it holds /release-manifests). */
    image: string;
    /** Component images by release tag. */
    images: {
        /** tag `etcd`: the etcd static pod. */
        etcd: string;
        /** tag `hyperkube`: kube-apiserver, kube-controller-manager and kube-scheduler (4.18 has no separate tags). */
        hyperkube: string;
        /** tag `kube-proxy`: kube-proxy on the masters (hyperkube's entrypoint fails there, othw-facts §8.7). */
        kubeProxy: string;
        /** tag `pod`: the pause image CRI-O must use. */
        pod: string;
        /**
         * tag `machine-config-operator`: bootkube.sh runs its `bootstrap` render on the bootstrap
         * node, as openshift-install's does (the machine-config-server pod it renders takes the
         * same image from the release's image-references).
         */
        machineConfigOperator: string;
    };
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
    // othw-facts §1.1 and spec/README.md: the tutorial's (and the installer's) networks.
    machineNetwork: "192.168.126.0/24",
    clusterNetwork: { cidr: "10.128.0.0/14", hostPrefix: 23 },
    serviceNetwork: "172.30.0.0/16",
    // spec/README.md "node addresses": bootstrap .100, masters .101-.103.
    bootstrapHost: 100,
    firstMasterHost: 101,
    masterCount: 3,
    // othw-facts §1.2: the tutorial's sizes, what an OpenShift 4.18 control plane needs.
    vm: { vcpu: 4, memoryMiB: 16384, diskGiB: 100 },
    // spec/README.md "key size": RSA 2048, the installer's size.
    rsaBits: 2048,
    libvirt: { uri: "qemu:///system", poolRoot: "/var/lib/libvirt/openshift-hard-way" },
} as const;

const KNOWN_KEYS = ["clusterName", "baseDomain", "machineNetwork", "clusterNetwork", "serviceNetwork", "nodes", "release", "extraArgs", "pki", "sshKeys", "pullSecret", "crdsDir", "bootstrap", "osImage", "vm", "libvirt"] as const;
const SSH_PUBLIC_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/;
const DIGEST_IMAGE = /^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._\/-]+@sha256:[0-9a-f]{64}$/;
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
    if (raw.mcoMasterIgnition !== undefined) {
        // Removed: the masters' pointer configs merge what the bootstrap node's
        // machine-config-server serves, which is MCO's render plus what the server adds.
        throw new ConfigError("mcoMasterIgnition", "is no longer used: each master's Ignition now merges the machine-config-server's /config/master (the bootstrap node runs it); remove the key (pulumi config rm mcoMasterIgnition)");
    }
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
    const clusterNetwork = parseClusterNetwork(raw.clusterNetwork);
    const serviceNetwork = str(raw, "serviceNetwork", DEFAULTS.serviceNetwork);
    parseIPv4Cidr("serviceNetwork", serviceNetwork);
    for (const [a, b] of [["machineNetwork", "clusterNetwork.cidr"], ["machineNetwork", "serviceNetwork"], ["clusterNetwork.cidr", "serviceNetwork"]] as const) {
        const cidr = (k: string) => (k === "machineNetwork" ? machineNetwork : k === "serviceNetwork" ? serviceNetwork : clusterNetwork.cidr);
        if (cidrsOverlap(cidr(a), cidr(b))) {
            throw new ConfigError(b, `${cidr(b)} overlaps ${a} ${cidr(a)}; the machine, cluster and service networks must be disjoint (defaults: 192.168.126.0/24, 10.128.0.0/14, 172.30.0.0/16)`);
        }
    }
    const nodes = parseNodes(raw.nodes, machineNetwork, (name) => derivedMac(stack, clusterName, name));
    const release = parseRelease(raw.release);
    const extraArgs = parseExtraArgs(raw.extraArgs);
    const pkiRaw = obj("pki", raw.pki, ["rsaBits"]);
    const rsaBits = pkiRaw.rsaBits === undefined ? DEFAULTS.rsaBits : Number(pkiRaw.rsaBits);
    if (![2048, 3072, 4096].includes(rsaBits)) {
        throw new ConfigError("pki.rsaBits", `${JSON.stringify(pkiRaw.rsaBits)} is not a supported RSA key size: use 2048, 3072 or 4096`);
    }

    const sshKeys = parseSshKeys(raw.sshKeys);
    if (raw.pullSecret !== undefined) parsePullSecret(raw.pullSecret);
    const crdsDir = optionalPath(raw, "crdsDir", "directory");
    const bootstrap = raw.bootstrap === undefined ? true : raw.bootstrap === true || raw.bootstrap === "true" ? true
        : raw.bootstrap === false || raw.bootstrap === "false" ? false
        : (() => { throw new ConfigError("bootstrap", `${JSON.stringify(raw.bootstrap)} must be true or false`); })();
    if (raw.osImage === undefined) {
        throw new ConfigError("osImage", "is missing: set the path or URL of an RHCOS QEMU qcow2 (pulumi config set osImage /var/lib/libvirt/images/rhcos-qemu.x86_64.qcow2), or `blank` for empty disks as the local stack does");
    }
    const osImage = str(raw, "osImage", "");
    if (osImage !== "blank" && !/^https?:\/\//.test(osImage)) {
        if (!fs.existsSync(osImage)) throw new ConfigError("osImage", `${osImage} does not exist; give an RHCOS qcow2 path or URL, or \`blank\``);
    }
    const vmRaw = obj("vm", raw.vm, ["bootstrap", "master"]);
    const booting = osImage !== "blank";
    const vm = { bootstrap: parseVmSize("vm.bootstrap", vmRaw.bootstrap, booting), master: parseVmSize("vm.master", vmRaw.master, booting) };
    const lvRaw = obj("libvirt", raw.libvirt, ["uri", "poolPath", "domainType"]);
    const uri = str(lvRaw, "uri", DEFAULTS.libvirt.uri, "libvirt.");
    if (!/^[a-z+]+:\/\//.test(uri)) {
        throw new ConfigError("libvirt.uri", `'${uri}' is not a libvirt connection URI, e.g. qemu:///system or qemu+ssh://root@host/system`);
    }
    const poolPath = str(lvRaw, "poolPath", `${DEFAULTS.libvirt.poolRoot}/${stack}`, "libvirt.");
    if (!poolPath.startsWith("/")) {
        throw new ConfigError("libvirt.poolPath", `'${poolPath}' must be an absolute directory on the libvirt host`);
    }
    const domainType = str(lvRaw, "domainType", "kvm", "libvirt.");
    if (domainType !== "kvm" && domainType !== "qemu") {
        throw new ConfigError("libvirt.domainType", `'${domainType}' must be kvm (hardware virtualization) or qemu (software emulation, no /dev/kvm)`);
    }
    return { stack, clusterName, baseDomain, machineNetwork, clusterNetwork, serviceNetwork, nodes, release, extraArgs, pki: { rsaBits }, sshKeys,
        ...(crdsDir ? { crdsDir } : {}),
        bootstrap, osImage, vm, libvirt: { uri, poolPath, domainType } };
}

function obj(key: string, v: unknown, known: string[]): Record<string, unknown> {
    if (v === undefined) return {};
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
        throw new ConfigError(key, `must be an object with the keys ${known.join(", ")}`);
    }
    for (const k of Object.keys(v)) {
        if (!known.includes(k)) throw new ConfigError(`${key}.${k}`, `unknown key (a typo?); known keys: ${known.join(", ")}`);
    }
    return v as Record<string, unknown>;
}

function parseClusterNetwork(v: unknown): ClusterConfig["clusterNetwork"] {
    const o = obj("clusterNetwork", v, ["cidr", "hostPrefix"]);
    const cidr = str(o, "cidr", DEFAULTS.clusterNetwork.cidr, "clusterNetwork.");
    const [, bits] = parseIPv4Cidr("clusterNetwork.cidr", cidr);
    const hp = o.hostPrefix === undefined ? DEFAULTS.clusterNetwork.hostPrefix : Number(o.hostPrefix);
    if (!Number.isInteger(hp) || hp < bits || hp > 30) {
        throw new ConfigError("clusterNetwork.hostPrefix", `${o.hostPrefix === undefined ? `the default ${hp}` : JSON.stringify(o.hostPrefix)} must be an integer between the network's prefix /${bits} and 30, e.g. ${Math.max(bits, 23)}`);
    }
    return { cidr, hostPrefix: hp };
}

/**
 * The smallest VMs this project accepts, per role. With an OS image: what OpenShift 4.18 needs
 * for a bootstrap node and a control-plane node (the installer's minimums: 4 vCPU, 16 GiB, 100 GB);
 * with blank disks (nothing boots): whatever starts a VM.
 */
export const VM_MINIMUMS: Record<"booting" | "blank", VmSize> = {
    booting: { vcpu: 4, memoryMiB: 16384, diskGiB: 100 },
    blank: { vcpu: 1, memoryMiB: 256, diskGiB: 1 },
};

function parseVmSize(key: string, v: unknown, booting: boolean): VmSize {
    const o = obj(key, v, ["vcpu", "memoryMiB", "diskGiB"]);
    const mins = VM_MINIMUMS[booting ? "booting" : "blank"];
    const num = (k: keyof VmSize) => {
        const x = o[k] === undefined ? DEFAULTS.vm[k] : Number(o[k]);
        if (!Number.isInteger(x) || x < mins[k]) {
            const why = booting ? "the minimum for an OpenShift node" : "the minimum for a VM";
            throw new ConfigError(`${key}.${k}`, `${JSON.stringify(o[k])} is below ${mins[k]}, ${why}; use at least ${mins[k]}`);
        }
        return x;
    };
    return { vcpu: num("vcpu"), memoryMiB: num("memoryMiB"), diskGiB: num("diskGiB") };
}

/** Whether two IPv4 CIDR networks share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const range = (c: string) => {
        const [addr, bits] = ipaddr.parseCIDR(c);
        const start = (addr as ipaddr.IPv4).toByteArray().reduce((x, y) => x * 256 + y, 0);
        return [start, start + 2 ** (32 - bits) - 1];
    };
    const [a0, a1] = range(a);
    const [b0, b1] = range(b);
    return a0 <= b1 && b0 <= a1;
}

/** A locally administered MAC in libvirt's 52:54:00 range, derived from the stack, cluster and node names. */
export function derivedMac(stack: string, clusterName: string, node: string): string {
    const h = crypto.createHash("sha256").update(`${stack}/${clusterName}/${node}`).digest();
    return ["52", "54", "00", ...[0, 1, 2].map((i) => h[i].toString(16).padStart(2, "0"))].join(":");
}

function parseNode(key: string, v: unknown, dflt: Omit<NodeConfig, "mac">, machineNetwork: string, macOf: (name: string) => string): NodeConfig {
    const o = obj(key, v, ["name", "ip", "mac"]);
    const name = str(o, "name", dflt.name, `${key}.`);
    if (!DNS_LABEL.test(name)) throw new ConfigError(`${key}.name`, `'${name}' is not a DNS label, e.g. master-0`);
    const ip = str(o, "ip", dflt.ip, `${key}.`);
    if (!ipaddr.IPv4.isValidFourPartDecimal(ip)) throw new ConfigError(`${key}.ip`, `'${ip}' is not an IPv4 address`);
    const [net, bits] = ipaddr.parseCIDR(machineNetwork);
    if (!ipaddr.IPv4.parse(ip).match(net as ipaddr.IPv4, bits)) {
        throw new ConfigError(`${key}.ip`, `${ip} is outside machineNetwork ${machineNetwork}`);
    }
    const hosts = 2 ** (32 - bits);
    if ([nthAddress(machineNetwork, 0), nthAddress(machineNetwork, 1), nthAddress(machineNetwork, hosts - 1)].includes(ip)) {
        throw new ConfigError(`${key}.ip`, `${ip} is the network, gateway or broadcast address of ${machineNetwork}; pick a host address from .2 on`);
    }
    const mac = str(o, "mac", macOf(name), `${key}.`).toLowerCase();
    if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) || (parseInt(mac.slice(0, 2), 16) & 1) === 1) {
        throw new ConfigError(`${key}.mac`, `'${mac}' is not a unicast MAC address like 52:54:00:12:34:56`);
    }
    return { name, ip, mac };
}

function parseNodes(v: unknown, machineNetwork: string, macOf: (name: string) => string): ClusterConfig["nodes"] {
    const o = obj("nodes", v, ["bootstrap", "masters"]);
    const bootstrap = parseNode("nodes.bootstrap", o.bootstrap, { name: "bootstrap", ip: nthAddress(machineNetwork, DEFAULTS.bootstrapHost) }, machineNetwork, macOf);
    let rawMasters: unknown[] = [];
    if (o.masters !== undefined) {
        if (!Array.isArray(o.masters)) throw new ConfigError("nodes.masters", "must be a list of {name, ip}");
        rawMasters = o.masters;
    }
    if (o.masters !== undefined && rawMasters.length !== DEFAULTS.masterCount) {
        throw new ConfigError("nodes.masters", `lists ${rawMasters.length} masters; an HA control plane (etcd quorum) needs exactly ${DEFAULTS.masterCount}`);
    }
    const masters = Array.from({ length: DEFAULTS.masterCount }, (_, i) => parseNode(`nodes.masters[${i}]`, rawMasters[i],
        { name: `master-${i}`, ip: nthAddress(machineNetwork, DEFAULTS.firstMasterHost + i) }, machineNetwork, macOf));
    const all = [bootstrap, ...masters];
    for (const field of ["name", "ip", "mac"] as const) {
        const seen = new Set<string>();
        for (const n of all) {
            if (seen.has(n[field])) throw new ConfigError("nodes", `two nodes share the ${field} ${n[field]}; each node needs its own`);
            seen.add(n[field]);
        }
    }
    return { bootstrap, masters };
}

function parseSshKeys(v: unknown): string[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new ConfigError("sshKeys", "must be a list of SSH public keys, e.g. [\"ssh-ed25519 AAAA... you@host\"]");
    return v.map((k, i) => {
        if (typeof k !== "string" || !SSH_PUBLIC_KEY.test(k.trim())) {
            const hint = typeof k === "string" && k.includes("PRIVATE KEY") ? "that is a PRIVATE key: remove it from the stack config now and use the .pub file" : "paste the one line of your ~/.ssh/id_ed25519.pub";
            throw new ConfigError(`sshKeys[${i}]`, `is not an SSH public key; ${hint}`);
        }
        return k.trim();
    });
}

/**
 * Checks the pull secret's shape: a dockerconfigjson document `{"auths": {...}}`. The value is not
 * kept in ClusterConfig (a plain object); {@link loadPullSecret} hands it out as a secret.
 */
function parsePullSecret(v: unknown): void {
    let doc: unknown;
    try {
        doc = typeof v === "string" ? JSON.parse(v) : v;
    } catch {
        throw new ConfigError("pullSecret", "is not JSON; set it from your pull-secret file: pulumi config set --secret pullSecret < ~/.pull-secret.json");
    }
    const auths = (doc as { auths?: unknown } | null)?.auths;
    if (typeof auths !== "object" || auths === null || Array.isArray(auths)) {
        throw new ConfigError("pullSecret", "has no \"auths\" object; it must be a pull secret ({\"auths\": {...}}) as console.redhat.com gives it");
    }
}

function optionalPath(raw: Record<string, unknown>, key: string, kind: "file" | "directory"): string | undefined {
    if (raw[key] === undefined) return undefined;
    const p = str(raw, key, "");
    let st: fs.Stats;
    try {
        st = fs.statSync(p);
    } catch {
        throw new ConfigError(key, `${p} does not exist (paths are relative to the project root)`);
    }
    if (kind === "directory" ? !st.isDirectory() : !st.isFile()) throw new ConfigError(key, `${p} is not a ${kind}`);
    return p;
}

function parseExtraArgs(v: unknown): ClusterConfig["extraArgs"] {
    const o = obj("extraArgs", v, [...CONTROL_PLANE_COMPONENTS]);
    const out: ClusterConfig["extraArgs"] = {};
    for (const [component, flags] of Object.entries(o)) {
        if (typeof flags !== "object" || flags === null || Array.isArray(flags)) {
            throw new ConfigError(`extraArgs.${component}`, "must be an object of flag: value, e.g. { v: \"4\" }");
        }
        const entries: Record<string, string> = {};
        for (const [flag, value] of Object.entries(flags as Record<string, unknown>)) {
            if (!/^[a-z0-9][a-z0-9-]*$/.test(flag)) {
                throw new ConfigError(`extraArgs.${component}.${flag}`, "is not a flag name: write it without dashes, e.g. v or audit-log-path");
            }
            if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
                throw new ConfigError(`extraArgs.${component}.${flag}`, `must be a string, number or boolean, got ${JSON.stringify(value)}`);
            }
            entries[flag] = String(value);
        }
        out[component as ControlPlaneComponent] = entries;
    }
    return out;
}

function image(o: Record<string, unknown>, key: string, prefix: string): string {
    const v = o[key];
    if (typeof v !== "string" || !DIGEST_IMAGE.test(v)) {
        throw new ConfigError(prefix + key, `${JSON.stringify(v)} is not an image pinned by digest (<repository>@sha256:<64 hex>); fill the release block with tools/release-info`);
    }
    return v;
}

function parseRelease(v: unknown): ReleaseConfig {
    if (v === undefined) throw new ConfigError("release", "is missing: every stack pins its OpenShift release by digest; see stacks/Pulumi.local.yaml and tools/release-info");
    const o = obj("release", v, ["version", "image", "images"]);
    const version = str(o, "version", "", "release.");
    if (!/^\d+\.\d+\.\d+$/.test(version)) throw new ConfigError("release.version", `'${version}' is not a release version like 4.18.0`);
    const imgs = obj("release.images", o.images, ["etcd", "hyperkube", "kubeProxy", "pod", "machineConfigOperator"]);
    return {
        version,
        image: image(o, "image", "release."),
        images: {
            etcd: image(imgs, "etcd", "release.images."),
            hyperkube: image(imgs, "hyperkube", "release.images."),
            kubeProxy: image(imgs, "kubeProxy", "release.images."),
            pod: image(imgs, "pod", "release.images."),
            machineConfigOperator: image(imgs, "machineConfigOperator", "release.images."),
        },
    };
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
        throw new ConfigError(key, `'${cidr}' is too small for a gateway and four nodes; use /29 or larger (/25 or larger with the default node addresses .100-.103), e.g. ${network}/24`);
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
            throw new ConfigError(key, key === "pullSecret"
                ? "is not JSON; set it from your pull-secret file: pulumi config set --secret pullSecret < ~/.pull-secret.json"
                : `is not valid JSON: ${v}`);
        }
    }
    return parseClusterConfig(raw, pulumi.getStack());
}

/**
 * The stack's pull secret as a Pulumi secret; `{"auths":{}}` when the stack sets none (the
 * `local` stack pulls nothing). Set it with `pulumi config set --secret pullSecret < file`.
 */
export function loadPullSecret(): pulumi.Output<string> {
    const v = new pulumi.Config(CONFIG_NAMESPACE).getSecret("pullSecret");
    return v ?? pulumi.secret('{"auths":{}}');
}
