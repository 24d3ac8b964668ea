import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import { clusterDomainOf, defaultPoolPath, LIBVIRT_NAME_SEPARATOR, nthAddress, POOL_ROOT } from "./derived";

// The stack config, declared once: types, defaults, constraints and the documentation of every
// key (the README's config table is generated from the `doc` metadata here, see ./docs.ts).
// Rules that relate keys to each other (overlapping networks, addresses inside the machine network,
// DNS name collisions, flags the config owns) are the explicit refinements of `refine()` below.

/**
 * The project's config namespace: keys in stacks/Pulumi.<stack>.yaml are written
 * `openshift-hard-way:<key>`.
 */
export const CONFIG_NAMESPACE = "openshift-hard-way";

/** A bad config value. The message names the key, the value and the fix. */
export class ConfigError extends Error {
    /**
     * @param key     the dotted key, e.g. `nodes.masters[1].ip`.
     * @param message what is wrong and how to fix it.
     * @param others  further problems found in the same config, each `{key, message}`.
     */
    constructor(readonly key: string, message: string, readonly others: { key: string; message: string }[] = []) {
        super([`config ${CONFIG_NAMESPACE}:${key}: ${message}`, ...others.map((o) => `config ${CONFIG_NAMESPACE}:${o.key}: ${o.message}`)].join("\n"));
        this.name = "ConfigError";
    }
}

/** Documentation of a key, for the README's table: its default as text and what it means. */
export interface KeyDoc { default: string; meaning: string; secret?: boolean }
const doc = <T extends z.ZodType>(s: T, d: KeyDoc): T => s.meta({ doc: d }) as T;

/** Defaults for every optional key; the `local` stack relies on them. */
export const DEFAULTS = {
    clusterName: "othw",
    baseDomain: "lab.local",
    // openshift/installer pkg/types/defaults (release-4.18): the installer's networks; the
    // machine network is the libvirt platform's.
    machineNetwork: "192.168.126.0/24",
    clusterNetwork: { cidr: "10.128.0.0/14", hostPrefix: 23 },
    serviceNetwork: "172.30.0.0/16",
    // bootstrap .100, masters .101-.103.
    bootstrapHost: 100,
    firstMasterHost: 101,
    masterCount: 3,
    // What an OpenShift 4.18 control-plane node needs (openshift/installer docs/user/metal
    // minimum resource requirements, release-4.18): 4 vCPU, 16 GiB, 100 GB.
    vm: { vcpu: 4, memoryMiB: 16384, diskGiB: 100 },
    rsaBits: 2048,
    libvirt: { uri: "qemu:///system", poolRoot: POOL_ROOT, domainType: "kvm" },
} as const;

/**
 * The smallest VMs this project accepts, per role. With an OS image: what OpenShift 4.18 needs
 * for a bootstrap node and a control-plane node (the installer's minimums: 4 vCPU, 16 GiB, 100 GB);
 * with blank disks (nothing boots): whatever starts a VM.
 */
export const VM_MINIMUMS: Record<"booting" | "blank", VmSize> = {
    booting: { vcpu: 4, memoryMiB: 16384, diskGiB: 100 },
    blank: { vcpu: 1, memoryMiB: 256, diskGiB: 1 },
};
/** The largest VM this project accepts: beyond these a value is a typo (a size in bytes, say). */
export const VM_MAXIMUMS: VmSize = { vcpu: 256, memoryMiB: 4 * 1024 * 1024, diskGiB: 64 * 1024 };

/** The components whose flags `extraArgs` can change. */
export const CONTROL_PLANE_COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "cluster-version-operator", "kube-proxy"] as const;
export type ControlPlaneComponent = typeof CONTROL_PLANE_COMPONENTS[number];

/**
 * Flags the config owns: `extraArgs` may not set them, because the config renders them from a key
 * that other artifacts (the other components' flags, the manifests, the certificates' SANs) read
 * too. Component → flag → the config key to change instead.
 */
export const CONFIG_OWNED_FLAGS: Record<ControlPlaneComponent, Record<string, string>> = {
    "kube-apiserver": {
        "service-cluster-ip-range": "serviceNetwork", "advertise-address": "nodes.bootstrap.ip",
        "etcd-servers": "(fixed: the bootstrap node's own etcd)",
        "service-account-issuer": "(fixed: the cluster's service-account issuer)", "api-audiences": "(fixed: the cluster's service-account issuer)",
    },
    "kube-controller-manager": { "cluster-cidr": "clusterNetwork.cidr", "node-cidr-mask-size": "clusterNetwork.hostPrefix", "service-cluster-ip-range": "serviceNetwork" },
    "kube-proxy": { "cluster-cidr": "clusterNetwork.cidr" },
    "cluster-version-operator": { "release-image": "release.image" },
    etcd: { "initial-advertise-peer-urls": "nodes", "advertise-client-urls": "nodes", "listen-client-urls": "nodes", "listen-peer-urls": "nodes" },
    "kube-scheduler": {},
};

/**
 * Flags that can switch off authentication, authorization or TLS client checks. Setting one in
 * `extraArgs` needs its `<component>.<flag>` in `allowInsecureFlags`, and every run warns.
 * Sources: kubernetes cmd/kube-apiserver/app/options (anonymous-auth, authorization-mode,
 * the insecure port flags removed in 1.24), etcd server/embed/config.go (client-cert-auth,
 * peer-client-cert-auth, auto-tls), the controller-manager's and scheduler's
 * authentication/authorization delegation options (k8s.io/apiserver pkg/server/options).
 */
export const AUTH_WEAKENING_FLAGS: Record<ControlPlaneComponent, string[]> = {
    "kube-apiserver": ["anonymous-auth", "authorization-mode", "enable-bootstrap-token-auth", "token-auth-file", "insecure-port", "insecure-bind-address",
        "kubelet-certificate-authority", "client-ca-file", "requestheader-client-ca-file", "requestheader-allowed-names", "authorization-webhook-config-file", "authentication-token-webhook-config-file"],
    etcd: ["client-cert-auth", "peer-client-cert-auth", "auto-tls", "peer-auto-tls", "trusted-ca-file", "peer-trusted-ca-file"],
    "kube-controller-manager": ["authentication-skip-lookup", "authorization-always-allow-paths", "authentication-tolerate-lookup-failure", "client-ca-file"],
    "kube-scheduler": ["authentication-skip-lookup", "authorization-always-allow-paths", "authentication-tolerate-lookup-failure", "client-ca-file"],
    "cluster-version-operator": [],
    "kube-proxy": [],
};

const SSH_KEY_TYPES = ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"];
const DIGEST_IMAGE = /^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Node names that would answer for one of the cluster's own DNS names (see components/libvirt dnsHosts). */
const RESERVED_NODE_NAME = /^(api|api-int|apps|etcd-\d+|base)$/;
/** Directories a storage pool may not be, or be inside (the pool's destroy removes its directory). */
const SYSTEM_DIRS = ["/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/boot", "/dev", "/proc", "/sys", "/run", "/var/run", "/root", "/tmp", "/var/tmp", "/var/lib/libvirt/qemu", "/var/lib/libvirt/dnsmasq", "/var/lib/libvirt/images"];

const show = (v: unknown) => (typeof v === "string" ? `'${v}'` : JSON.stringify(v) ?? String(v));

/** A string check: the message for a bad value, or undefined. */
const checked = (s: z.ZodType<string>, check: (v: string) => string | undefined) =>
    s.superRefine((v, ctx) => { const m = check(v); if (m) ctx.addIssue({ code: "custom", message: m }); });

/** A non-empty string; `missing` is the message when the key is required and absent. */
const str = (missing?: string) => z.string({ error: (iss) => (iss.input === undefined && missing ? missing : `must be a non-empty string, got ${show(iss.input)}`) })
    .min(1, { error: (iss) => (missing && iss.input === "" ? missing : `must be a non-empty string, got ${show(iss.input)}`) });

/** A whole number from min to max; numeric strings count (`pulumi config set --path` writes them). */
const int = (min: number, max: number, what: string) => z.preprocess((v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
    z.number({ error: (iss) => `${show(iss.input)} is not a whole number; use ${what}` }).superRefine((v, ctx) => {
        if (!Number.isInteger(v) || v < min || v > max) ctx.addIssue({ code: "custom", message: `${show(v)} is ${Number.isInteger(v) ? (v < min ? "below" : "above") : "not"} ${Number.isInteger(v) ? (v < min ? min : max) : "a whole number"}; use ${what}` });
    }));

/** A strict object: an unknown key is an error naming it. */
const obj = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? `unknown key (a typo?); known keys: ${Object.keys(shape).join(", ")}`
        : iss.code === "invalid_type" ? `must be an object with the keys ${Object.keys(shape).join(", ")}, got ${show(iss.input)}` : undefined),
});

/** Parses an IPv4 address written as four decimal numbers (no octal, hex or integer forms). */
export function strictIPv4(s: string): ipaddr.IPv4 | undefined {
    return ipaddr.IPv4.isValidFourPartDecimal(s) && !s.split(".").some((p) => p.length > 1 && p.startsWith("0")) ? ipaddr.IPv4.parse(s) : undefined;
}

/** What is wrong with an IPv4 CIDR network as a cluster network, or undefined. */
function cidrProblem(cidr: string, maxBits: number): string | undefined {
    const [a, b, ...rest] = cidr.split("/");
    if (b === undefined || rest.length || !/^\d{1,2}$/.test(b)) {
        if (a.includes(":")) return `${show(cidr)} is IPv6; this project builds IPv4 networks, e.g. 192.168.126.0/24`;
        return `${show(cidr)} is not a CIDR network, e.g. 192.168.126.0/24`;
    }
    if (a.includes(":")) return `${show(cidr)} is IPv6; this project builds IPv4 networks, e.g. 192.168.126.0/24`;
    const addr = strictIPv4(a);
    const bits = Number(b);
    if (!addr || bits > 32) return `${show(cidr)} is not a CIDR network, e.g. 192.168.126.0/24 (four decimal numbers without leading zeros, a prefix length up to 32)`;
    const network = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
    if (network !== addr.toString()) return `${show(cidr)} has host bits set; did you mean ${network}/${bits}?`;
    // IANA special-purpose ranges (RFC 6890) that cannot carry a cluster: a network overlapping one is refused.
    const special: [string, string][] = [["0.0.0.0/8", "unspecified (\"this network\")"], ["127.0.0.0/8", "loopback"], ["169.254.0.0/16", "link-local"],
        ["224.0.0.0/4", "multicast"], ["240.0.0.0/4", "reserved (240/4, with the broadcast address)"]];
    const hit = special.find(([r]) => cidrsOverlap(`${network}/${bits}`, r));
    if (hit) {
        return `${show(cidr)} overlaps the ${hit[1]} range ${hit[0]}, which cannot carry a cluster's traffic; use a private range, e.g. 192.168.126.0/24, 10.128.0.0/14, 172.30.0.0/16`;
    }
    if (bits > maxBits) return `${show(cidr)} is too small for a gateway and four nodes; use /${maxBits} or larger (/25 or larger with the default node addresses .100-.103), e.g. ${network}/24`;
    return undefined;
}
const cidr = (maxBits = 29) => checked(str(), (v) => cidrProblem(v, maxBits));

/**
 * Parses an IPv4 network in CIDR notation whose address is the network address.
 * @returns the network address and prefix length, e.g. `["192.168.126.0", 24]`.
 * @throws ConfigError naming `key` if `cidr` is not such a network.
 */
export function parseIPv4Cidr(key: string, cidr: string): [string, number] {
    const p = cidrProblem(cidr, 32);
    if (p) throw new ConfigError(key, p);
    const [a, b] = cidr.split("/");
    return [a, Number(b)];
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

/**
 * What is wrong with one line of an OpenSSH `authorized_keys` public key, or undefined: the type,
 * a base64 body whose wire form (RFC 4253 §6.6: length-prefixed strings) names the same type and
 * holds the type's fields, whole; no control characters in the comment.
 */
function sshKeyProblem(k: string): string | undefined {
    const generic = "is not an SSH public key; paste the one line of your ~/.ssh/id_ed25519.pub";
    if (k.includes("PRIVATE KEY")) return "is not an SSH public key; that is a PRIVATE key: remove it from the stack config now and use the .pub file";
    if (/[\x00-\x1f\x7f]/.test(k)) return "contains control characters (a line break, tab or escape); paste the one line of your ~/.ssh/id_ed25519.pub";
    const [type, body] = k.split(" ");
    if (!SSH_KEY_TYPES.includes(type) || !body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return generic;
    const blob = Buffer.from(body, "base64");
    const fields: Buffer[] = [];
    for (let at = 0; at < blob.length;) {
        if (at + 4 > blob.length) return `is cut short (its key data ends inside a field); paste the whole line of your .pub file`;
        const n = blob.readUInt32BE(at);
        if (at + 4 + n > blob.length) return `is cut short (its key data ends inside a field); paste the whole line of your .pub file`;
        fields.push(blob.subarray(at + 4, at + 4 + n));
        at += 4 + n;
    }
    const want: Record<string, number> = { "ssh-ed25519": 2, "ssh-rsa": 3, "sk-ssh-ed25519@openssh.com": 3, "sk-ecdsa-sha2-nistp256@openssh.com": 4 };
    if (fields[0]?.toString() !== type) return `says ${type} but its key data is not an ${type} key; paste the whole line of your .pub file`;
    if (fields.length !== (want[type] ?? 3) || (type === "ssh-ed25519" && fields[1].length !== 32)) {
        return `is cut short or damaged (its ${type} key data is incomplete); paste the whole line of your .pub file`;
    }
    return undefined;
}

const image = () => z.string({ error: (iss) => (iss.input === undefined
    ? "is missing: every component image is pinned by digest (<repository>@sha256:<64 hex>); fill the release block with tools/release-info"
    : `${show(iss.input)} is not an image pinned by digest (<repository>@sha256:<64 hex>); fill the release block with tools/release-info`) })
    .regex(DIGEST_IMAGE, { error: (iss) => `${show(iss.input)} is not an image pinned by digest (<repository>@sha256:<64 hex>); fill the release block with tools/release-info` });

const releaseSchema = obj({
    version: checked(str(), (v) => (/^\d+\.\d+\.\d+$/.test(v) ? undefined : `${show(v)} is not a release version like 4.18.0`)),
    image: image(),
    images: obj({
        etcd: image(), hyperkube: image(), kubeProxy: image(), pod: image(),
        // tag `machine-config-operator`: bootkube.sh runs its `bootstrap` render on the bootstrap node,
        // as openshift-install's does, and the machine-config-server pod it renders takes the same
        // image from the release's image-references.
        machineConfigOperator: image(),
        // tag `cluster-policy-controller`: the bootstrap kube-controller-manager pod's second container.
        clusterPolicyController: image(),
    }),
});

const vmSizeSchema = obj({
    vcpu: int(-Infinity, VM_MAXIMUMS.vcpu, `a number of vCPUs from 1 to ${VM_MAXIMUMS.vcpu}`).default(DEFAULTS.vm.vcpu),
    memoryMiB: int(-Infinity, VM_MAXIMUMS.memoryMiB, `MiB from 256 to ${VM_MAXIMUMS.memoryMiB} (4 TiB), e.g. 16384`).default(DEFAULTS.vm.memoryMiB),
    diskGiB: int(-Infinity, VM_MAXIMUMS.diskGiB, `GiB from 1 to ${VM_MAXIMUMS.diskGiB} (64 TiB), e.g. 100`).default(DEFAULTS.vm.diskGiB),
});

const nodeSchema = obj({
    name: checked(str(), (v) => (!DNS_LABEL.test(v) ? `${show(v)} is not a DNS label, e.g. master-0`
        : RESERVED_NODE_NAME.test(v) ? `${show(v)} is one of the cluster's own DNS names (api, api-int, apps, etcd-N) or the base volume's; pick another node name, e.g. master-0` : undefined)).optional(),
    ip: checked(str(), (v) => (strictIPv4(v) ? undefined : `${show(v)} is not an IPv4 address (four decimal numbers without leading zeros, e.g. 192.168.126.101)`)).optional(),
    mac: z.preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), checked(str(), (v) => (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(v) || (parseInt(v.slice(0, 2), 16) & 1) === 1
        ? `${show(v)} is not a unicast MAC address like 52:54:00:12:34:56`
        : v === "00:00:00:00:00:00" ? `${show(v)} is the all-zero MAC, which no NIC may use; use one like 52:54:00:12:34:56 or leave it out (derived)` : undefined))).optional(),
});

const extraArgsSchema = obj(Object.fromEntries(CONTROL_PLANE_COMPONENTS.map((c) => [c, z.record(
    checked(z.string(), (f) => (/^[a-z0-9][a-z0-9-]*$/.test(f) ? undefined : "is not a flag name: write it without dashes, e.g. v or audit-log-path")),
    z.union([z.string(), z.number(), z.boolean()], { error: (iss) => `must be a string, number or boolean, got ${show(iss.input)}` }).transform(String),
    { error: (iss) => (iss.code === "invalid_type" ? "must be an object of flag: value, e.g. { v: \"4\" }" : undefined) },
).optional()])) as Record<ControlPlaneComponent, z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodPipe<z.ZodUnion<[z.ZodString, z.ZodNumber, z.ZodBoolean]>, z.ZodTransform<string, string | number | boolean>>>>>);

/** The raw keys of the stack config; the cross-key rules and the dependent defaults come after. */
export const rawConfigSchema = obj({
    clusterName: doc(checked(str(), (v) => (DNS_LABEL.test(v) ? undefined : `${show(v)} is not a DNS label: use lower-case letters, digits and '-', at most 63 characters`)).default(DEFAULTS.clusterName),
        { default: "`othw`", meaning: "`metadata.name` of install-config; a DNS label" }),
    baseDomain: doc(checked(str(), (v) => (v.split(".").every((l) => DNS_LABEL.test(l)) ? undefined
        : `${show(v)} is not a DNS domain: dot-separated labels of lower-case letters, digits and '-', e.g. lab.local`)).default(DEFAULTS.baseDomain),
        { default: "`lab.local`", meaning: "the cluster domain is `<clusterName>.<baseDomain>`; every name under it stays within 253 characters" }),
    machineNetwork: doc(cidr().default(DEFAULTS.machineNetwork),
        { default: "`192.168.126.0/24`", meaning: "the VMs' IPv4 network (private, /29 or larger, four decimal numbers); the host takes `.1` (gateway and DNS)" }),
    clusterNetwork: obj({
        cidr: doc(cidr(30).default(DEFAULTS.clusterNetwork.cidr), { default: "`10.128.0.0/14`", meaning: "the pod network" }),
        hostPrefix: doc(int(-Infinity, Infinity, "an integer between the network's prefix and 30, e.g. 23").default(DEFAULTS.clusterNetwork.hostPrefix),
            { default: "`23`", meaning: "the prefix of each node's slice of the pod network" }),
    }).prefault({}),
    serviceNetwork: doc(cidr(30).default(DEFAULTS.serviceNetwork),
        { default: "`172.30.0.0/16`", meaning: "the ClusterIP range; its first address is the `kubernetes` Service" }),
    nodes: obj({
        bootstrap: doc(nodeSchema.prefault({}), { default: "`{name: bootstrap, ip: <machineNetwork>.100}`", meaning: "the bootstrap node `{name, ip, mac}`" }),
        masters: doc(z.array(nodeSchema, { error: "must be a list of {name, ip}" }).optional(),
            { default: "`master-0..2` at `.101`-`.103`", meaning: "exactly three masters, each `{name, ip, mac}`; names are DNS labels other than `api`, `api-int`, `apps`, `etcd-N`, `base`" }),
    }).prefault({}),
    release: doc(z.unknown().superRefine((v, ctx) => { if (v === undefined) ctx.addIssue({ code: "custom", message: "is missing: every stack pins its OpenShift release by digest; see stacks/Pulumi.local.yaml and tools/release-info" }); })
        .pipe(releaseSchema),
        { default: "(required)", meaning: "`version`, the release `image` and `images.{etcd,hyperkube,kubeProxy,pod,machineConfigOperator,clusterPolicyController}`, each `<repository>@sha256:<digest>`; `tools/release-info <release image>` prints this block from `oc adm release info`; the `local` stack carries OpenShift 4.18.0's, with a placeholder `clusterPolicyController` digest" }),
    extraArgs: doc(extraArgsSchema.prefault({}),
        { default: "none", meaning: "extra or overriding flags per component (`etcd`, `kube-apiserver`, `kube-controller-manager`, `kube-scheduler`, `cluster-version-operator`, `kube-proxy`), e.g. `{kube-apiserver: {v: \"4\"}}` renders `--v=4` in place of `--v=2`; a flag the config renders from a key (e.g. `service-cluster-ip-range`: `serviceNetwork`) is refused with that key's name; a flag that weakens authentication needs `allowInsecureFlags`" }),
    allowInsecureFlags: doc(z.array(z.string({ error: "must be a list of `<component>.<flag>`, e.g. [\"kube-apiserver.anonymous-auth\"]" }), { error: "must be a list of `<component>.<flag>`, e.g. [\"kube-apiserver.anonymous-auth\"]" }).default([]),
        { default: "`[]`", meaning: "`<component>.<flag>` entries of `extraArgs` allowed to switch off authentication, authorization or TLS client checks (e.g. `kube-apiserver.anonymous-auth`); every run warns about each" }),
    pki: obj({
        rsaBits: doc(z.preprocess((v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v), z.union([z.literal(2048), z.literal(3072), z.literal(4096)], {
            error: (iss) => `${show(iss.input)} is not a supported RSA key size: use 2048, 3072 or 4096`,
        })).default(DEFAULTS.rsaBits), { default: "`2048`", meaning: "RSA key size of every key: 2048, 3072 or 4096" }),
    }).prefault({}),
    sshKeys: doc(z.array(checked(z.string({ error: "is not an SSH public key; paste the one line of your ~/.ssh/id_ed25519.pub" }), (k) => sshKeyProblem(k.trim())).transform((k) => k.trim()),
        { error: "must be a list of SSH public keys, e.g. [\"ssh-ed25519 AAAA... you@host\"]" }).default([]),
        { default: "`[]`", meaning: "SSH public keys of the `core` user on every node, each one whole line of a `.pub` file" }),
    pullSecret: doc(z.unknown().superRefine((v, ctx) => { const m = pullSecretProblem(v); if (m) ctx.addIssue({ code: "custom", message: m }); }).optional(),
        { default: "`{\"auths\":{}}`", secret: true, meaning: "your pull secret: `pulumi config set --secret pullSecret < ~/.pull-secret.json`" }),
    crdsDir: doc(checked(str(), crdsDirProblem).optional(),
        { default: "none", meaning: "directory of the OpenShift CRDs bootkube applies (its `*.yaml`/`*.yml` files); `tools/extract-crds <release image> <dir>` fills it (needs `oc` and registry access). Without it the bootstrap config is valid but bootkube cannot create the cluster config resources, and `pulumi up` warns so" }),
    // Removed: each master's pointer config merges what the bootstrap node's machine-config-server
    // serves (MCO's render plus what the server adds), so a hand-rendered master config has no use.
    mcoMasterIgnition: doc(z.unknown().superRefine((v, ctx) => {
        if (v !== undefined) ctx.addIssue({ code: "custom", message: "is no longer used: each master's Ignition now merges the machine-config-server's /config/master (the bootstrap node runs it); remove the key (pulumi config rm mcoMasterIgnition)" });
    }).optional(), { default: "(removed)", meaning: "a stack that still sets it is refused: the masters now merge the machine-config-server's config (see \"Ignition and the VMs\")" }),
    bootstrap: doc(z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean({ error: (iss) => `${JSON.stringify(iss.input)} must be true or false` })).default(true),
        { default: "`true`", meaning: "`false` removes the bootstrap node's VM, disk, Ignition volume and DNS records (the pivot; it has no DHCP reservation, so the network and the masters stay untouched); api-int then round-robins over the masters, whose machine-config-server serves :22623" }),
    osImage: doc(checked(str("is missing: set the path or URL of an RHCOS QEMU qcow2 (pulumi config set osImage /var/lib/libvirt/images/rhcos-qemu.x86_64.qcow2), or `blank` for empty disks as the local stack does"), osImageProblem),
        { default: "(required)", meaning: "path (a regular file) or http(s) URL of an RHCOS QEMU qcow2, uploaded once as the base volume; `blank` for empty disks (the `local` stack)" }),
    vm: obj({
        bootstrap: doc(vmSizeSchema.prefault({}), { default: "4 vCPU, 16384 MiB, 100 GiB", meaning: "the bootstrap VM `{vcpu, memoryMiB, diskGiB}`; minimums: those values with an OS image, 1 / 256 / 1 with `blank`; maximums 256 / 4194304 / 65536" }),
        master: doc(vmSizeSchema.prefault({}), { default: "4 vCPU, 16384 MiB, 100 GiB", meaning: "each master's VM, as `vm.bootstrap`" }),
    }).prefault({}),
    libvirt: obj({
        uri: doc(checked(str(), (v) => (/^[a-z][a-z0-9+]*:\/\/[^\s]*$/.test(v) ? undefined : `${show(v)} is not a libvirt connection URI, e.g. qemu:///system or qemu+ssh://root@host/system`)).default(DEFAULTS.libvirt.uri),
            { default: "`qemu:///system`", meaning: "libvirt connection URI, as `virsh -c` takes it; checked to answer before anything is created" }),
        poolPath: doc(checked(str(), poolPathProblem).optional(),
            { default: "`/var/lib/libvirt/openshift-hard-way/<stack>`", meaning: "directory of the cluster's storage pool (mode 0700): absolute, normalized, not `/` or a system directory, not inside another stack's pool" }),
        domainType: doc(z.enum(["kvm", "qemu"], { error: (iss) => `${show(iss.input)} must be kvm (hardware virtualization) or qemu (software emulation, no /dev/kvm)` }).default(DEFAULTS.libvirt.domainType),
            { default: "`kvm`", meaning: "`kvm` (CPU host-passthrough) or `qemu` (software emulation; the `local` stack)" }),
        qemuOwner: doc(checked(str(), (v) => (/^\d+:\d+$/.test(v) ? undefined : `${show(v)} is not <uid>:<gid>, e.g. 64055:108 (id libvirt-qemu on the libvirt host)`)).optional(),
            { default: "QEMU's user on this host for `qemu:///system`", meaning: "`<uid>:<gid>` QEMU runs as on the libvirt host, which owns the pool directory (0700) and the volumes (0600); needed for a remote URI, else the pool and volumes keep the provider's modes (0644 volumes) and every run warns" }),
    }).prefault({}),
});

function pullSecretProblem(v: unknown): string | undefined {
    if (v === undefined) return undefined;
    let d: unknown;
    try {
        d = typeof v === "string" ? JSON.parse(v) : v;
    } catch {
        return "is not JSON; set it from your pull-secret file: pulumi config set --secret pullSecret < ~/.pull-secret.json";
    }
    const auths = (d as { auths?: unknown } | null)?.auths;
    if (typeof auths !== "object" || auths === null || Array.isArray(auths)) {
        return "has no \"auths\" object; it must be a pull secret ({\"auths\": {...}}) as console.redhat.com gives it";
    }
    for (const [registry, entry] of Object.entries(auths)) {
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return `has an "auths" entry for ${registry} that is not an object ({"auth": "<base64 user:password>"}); use the file console.redhat.com gives`;
    }
    return undefined;
}

function statOf(p: string): fs.Stats | undefined {
    try {
        return fs.statSync(p);
    } catch {
        return undefined;
    }
}

function osImageProblem(v: string): string | undefined {
    if (v === "blank") return undefined;
    if (/^[a-z]+:\/\//.test(v)) return /^https?:\/\/[^\s/]+\/\S*$/.test(v) ? undefined : `${v} is not an http(s) URL of a qcow2; give an RHCOS qcow2 path or URL, or \`blank\``;
    const st = statOf(v);
    if (!st) return `${v} does not exist; give an RHCOS qcow2 path or URL, or \`blank\``;
    if (!st.isFile()) return `${v} is ${st.isDirectory() ? "a directory" : "not a regular file (a device, socket or pipe)"}; give the path of an RHCOS QEMU qcow2 file, a URL, or \`blank\``;
    return undefined;
}

function crdsDirProblem(v: string): string | undefined {
    const st = statOf(v);
    if (!st) return `${v} does not exist (paths are relative to the project root)`;
    if (!st.isDirectory()) return `${v} is not a directory`;
    for (const f of fs.readdirSync(v).filter((f) => /\.ya?ml$/.test(f))) {
        const fst = statOf(path.join(v, f));
        if (!fst?.isFile()) return `${path.join(v, f)} is not a regular file; crdsDir must hold CRD files only (tools/extract-crds writes them), move it away`;
    }
    return undefined;
}

function poolPathProblem(v: string): string | undefined {
    if (!v.startsWith("/")) return `${show(v)} must be an absolute directory on the libvirt host`;
    if (v === "/") return "'/' is the root directory; give a directory of its own, e.g. /var/lib/libvirt/openshift-hard-way/<stack>";
    if (path.posix.normalize(v) !== v || v.endsWith("/") || v.split("/").includes("..") || v.split("/").includes(".")) {
        return `${show(v)} is not a normalized path (no '..', '.', '//' or trailing '/'); write it as ${path.posix.normalize(v).replace(/(.)\/$/, "$1")}`;
    }
    const sys = SYSTEM_DIRS.find((d) => v === d || v.startsWith(`${d}/`) || d.startsWith(`${v}/`));
    if (sys) return `${show(v)} is ${v === sys ? "" : sys.startsWith(`${v}/`) ? "above " : "inside "}the system directory ${sys}; give a directory of its own, e.g. /var/lib/libvirt/openshift-hard-way/<stack>`;
    return undefined;
}

/** `<component>.<flag>` */
const flagKey = (c: string, f: string) => `${c}.${f}`;

/** The whole cluster as one plain, validated value: the input of every renderer and component. */
export type ClusterConfig = ReturnType<typeof complete>;
/** One VM of the cluster: short host name (a DNS label), IPv4 address on the machine network, NIC MAC. */
export type NodeConfig = { name: string; ip: string; mac: string };
/** Size of one VM: vCPUs, memory in MiB, root disk in GiB. */
export type VmSize = { vcpu: number; memoryMiB: number; diskGiB: number };
/** The OpenShift release: version, release image and component images, all pinned by digest. */
export type ReleaseConfig = z.output<typeof releaseSchema>;
/** Connection to the libvirt host: URI, pool directory, domain type. */
export type LibvirtConfig = { uri: string; poolPath: string; domainType: "kvm" | "qemu"; qemuOwner?: string };
type Raw = z.output<typeof rawConfigSchema>;

/** The raw keys with the defaults that depend on other keys filled in (node addresses, MACs, pool path). */
function complete(r: Raw, stack: string, issues: { key: string; message: string }[]) {
    const [, bits] = r.machineNetwork.split("/").map(Number);
    const hosts = 2 ** (32 - bits);
    const defaultIp = (key: string, n: number) => {
        if (n < hosts - 1) return nthAddress(r.machineNetwork, n);
        issues.push({ key, message: `is not set, and its default .${n} lies outside machineNetwork ${r.machineNetwork}; set it, or use a /25 or larger network` });
        return "0.0.0.0";
    };
    const node = (key: string, n: { name?: string; ip?: string; mac?: string } | undefined, name: string, host: number): NodeConfig => {
        const nm = n?.name ?? name;
        return { name: nm, ip: n?.ip ?? defaultIp(`${key}.ip`, host), mac: n?.mac ?? derivedMac(stack, r.clusterName, nm) };
    };
    const masters = r.nodes.masters ?? [];
    const out = {
        stack,
        clusterName: r.clusterName,
        baseDomain: r.baseDomain,
        machineNetwork: r.machineNetwork,
        clusterNetwork: r.clusterNetwork,
        serviceNetwork: r.serviceNetwork,
        nodes: {
            bootstrap: node("nodes.bootstrap", r.nodes.bootstrap, "bootstrap", DEFAULTS.bootstrapHost),
            masters: Array.from({ length: DEFAULTS.masterCount }, (_, i) => node(`nodes.masters[${i}]`, masters[i], `master-${i}`, DEFAULTS.firstMasterHost + i)),
        },
        release: r.release,
        extraArgs: r.extraArgs as Partial<Record<ControlPlaneComponent, Record<string, string>>>,
        allowInsecureFlags: r.allowInsecureFlags,
        pki: { rsaBits: r.pki.rsaBits as number },
        sshKeys: r.sshKeys,
        ...(r.crdsDir !== undefined ? { crdsDir: r.crdsDir } : {}) as { crdsDir?: string },
        bootstrap: r.bootstrap,
        osImage: r.osImage,
        vm: { bootstrap: r.vm.bootstrap as VmSize, master: r.vm.master as VmSize },
        libvirt: { uri: r.libvirt.uri, poolPath: r.libvirt.poolPath ?? defaultPoolPath(stack), domainType: r.libvirt.domainType,
            ...(r.libvirt.qemuOwner !== undefined ? { qemuOwner: r.libvirt.qemuOwner } : {}) } as LibvirtConfig,
    };
    return out;
}

/**
 * The rules between keys, on the completed config. Each problem names the key to change.
 * @param otherPools storage pool directories of the other stacks (stack → path).
 */
function refine(c: ClusterConfig, raw: Raw, otherPools: Record<string, string>, issues: { key: string; message: string }[]): void {
    const add = (key: string, message: string) => issues.push({ key, message });
    const nets = { machineNetwork: c.machineNetwork, "clusterNetwork.cidr": c.clusterNetwork.cidr, serviceNetwork: c.serviceNetwork };
    for (const [a, b] of [["machineNetwork", "clusterNetwork.cidr"], ["machineNetwork", "serviceNetwork"], ["clusterNetwork.cidr", "serviceNetwork"]] as const) {
        if (cidrsOverlap(nets[a], nets[b])) add(b, `${nets[b]} overlaps ${a} ${nets[a]}; the machine, cluster and service networks must be disjoint (defaults: 192.168.126.0/24, 10.128.0.0/14, 172.30.0.0/16)`);
    }
    const cnBits = Number(c.clusterNetwork.cidr.split("/")[1]);
    if (c.clusterNetwork.hostPrefix < cnBits || c.clusterNetwork.hostPrefix > 30) {
        add("clusterNetwork.hostPrefix", `${c.clusterNetwork.hostPrefix} must be an integer between the network's prefix /${cnBits} and 30, e.g. ${Math.max(cnBits, 23)}`);
    }
    if (raw.nodes.masters !== undefined && raw.nodes.masters.length !== DEFAULTS.masterCount) {
        add("nodes.masters", `lists ${raw.nodes.masters.length} masters; an HA control plane (etcd quorum) needs exactly ${DEFAULTS.masterCount}`);
        return;
    }
    const [net, bits] = ipaddr.parseCIDR(c.machineNetwork);
    const hosts = 2 ** (32 - bits);
    const reserved = [nthAddress(c.machineNetwork, 0), nthAddress(c.machineNetwork, 1), nthAddress(c.machineNetwork, hosts - 1)];
    const keyed: [string, NodeConfig][] = [["nodes.bootstrap", c.nodes.bootstrap], ...c.nodes.masters.map((m, i) => [`nodes.masters[${i}]`, m] as [string, NodeConfig])];
    for (const [key, n] of keyed) {
        if (n.ip === "0.0.0.0") continue; // already reported: no default address fits
        if (!ipaddr.IPv4.parse(n.ip).match(net as ipaddr.IPv4, bits)) add(`${key}.ip`, `${n.ip} is outside machineNetwork ${c.machineNetwork}`);
        else if (reserved.includes(n.ip)) add(`${key}.ip`, `${n.ip} is the network, gateway or broadcast address of ${c.machineNetwork}; pick a host address from .2 on`);
    }
    for (const field of ["name", "ip", "mac"] as const) {
        const seen = new Set<string>();
        for (const [, n] of keyed) {
            if (seen.has(n[field])) add("nodes", `two nodes share the ${field} ${n[field]}; each node needs its own`);
            seen.add(n[field]);
        }
    }
    // RFC 1035 §2.3.4 / RFC 1123: a name is at most 253 characters (without the final dot).
    const domain = clusterDomainOf(c.clusterName, c.baseDomain);
    const longest = ["api-int", "apps", ...keyed.map(([, n]) => n.name)].map((l) => `${l}.${domain}`).sort((a, b) => b.length - a.length)[0];
    if (longest.length > 253) add("baseDomain", `makes the name ${longest.slice(0, 40)}... ${longest.length} characters long; a DNS name has at most 253: shorten baseDomain or clusterName`);
    // VM sizes: the minimums depend on whether anything boots.
    const booting = c.osImage !== "blank";
    const mins = VM_MINIMUMS[booting ? "booting" : "blank"];
    for (const role of ["bootstrap", "master"] as const) {
        for (const k of ["vcpu", "memoryMiB", "diskGiB"] as const) {
            if (c.vm[role][k] < mins[k]) add(`vm.${role}.${k}`, `${c.vm[role][k]} is below ${mins[k]}, ${booting ? "the minimum for an OpenShift node" : "the minimum for a VM"}; use at least ${mins[k]}`);
        }
    }
    // extraArgs: flags the config owns, flags that weaken authentication.
    const allowed = new Set(c.allowInsecureFlags);
    for (const [comp, flags] of Object.entries(c.extraArgs) as [ControlPlaneComponent, Record<string, string>][]) {
        for (const flag of Object.keys(flags)) {
            const owner = CONFIG_OWNED_FLAGS[comp][flag];
            if (owner) {
                add(`extraArgs.${comp}.${flag}`, owner.startsWith("(")
                    ? `is rendered by this project ${owner} and cannot be overridden; remove it`
                    : `is rendered from the config key ${owner}, which other components, the manifests and the certificates read too; set ${owner} instead and remove this flag`);
            } else if (AUTH_WEAKENING_FLAGS[comp].includes(flag) && !allowed.has(flagKey(comp, flag))) {
                add(`extraArgs.${comp}.${flag}`, `can switch off authentication, authorization or TLS client checks; if you mean it, add "${flagKey(comp, flag)}" to allowInsecureFlags (every run then warns), otherwise remove it`);
            }
        }
    }
    c.allowInsecureFlags.forEach((f, i) => {
        const [comp, ...rest] = f.split(".");
        const flag = rest.join(".");
        if (!(CONTROL_PLANE_COMPONENTS as readonly string[]).includes(comp) || !AUTH_WEAKENING_FLAGS[comp as ControlPlaneComponent].includes(flag)) {
            add(`allowInsecureFlags[${i}]`, `${show(f)} is not a <component>.<flag> that weakens authentication; known: ${CONTROL_PLANE_COMPONENTS.flatMap((k) => AUTH_WEAKENING_FLAGS[k].map((x) => flagKey(k, x))).slice(0, 6).join(", ")}, ...`);
        } else if (c.extraArgs[comp as ControlPlaneComponent]?.[flag] === undefined) {
            add(`allowInsecureFlags[${i}]`, `${show(f)} allows a flag that extraArgs does not set; remove it`);
        }
    });
    // The storage pool: not inside (or around) another stack's pool, nor the default root itself.
    const pool = c.libvirt.poolPath;
    const inside = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
    if (pool === POOL_ROOT) add("libvirt.poolPath", `${pool} is the directory of every stack's default pool; use ${defaultPoolPath(c.stack)}`);
    else if (inside(pool, POOL_ROOT) && !inside(pool, defaultPoolPath(c.stack))) {
        add("libvirt.poolPath", `${pool} is inside another stack's default pool directory; use ${defaultPoolPath(c.stack)} or a directory of its own`);
    }
    for (const [other, p] of Object.entries(otherPools)) {
        if (other !== c.stack && (inside(pool, p) || inside(p, pool))) add("libvirt.poolPath", `${pool} ${pool === p ? "is" : inside(pool, p) ? "is inside" : "contains"} the pool directory ${p} of stack ${other}; give this stack a directory of its own`);
    }
}

/**
 * Validates raw stack config and applies defaults.
 *
 * @param raw   the project's keys without the namespace, values as Pulumi hands them over
 *              (strings, or parsed JSON for objects), e.g. `{ clusterName: "othw" }`.
 * @param stack the stack name (it may not contain `_`, the separator of libvirt object names).
 * @param otherPools the `libvirt.poolPath` of other stacks (stack → path), which this stack's pool may not nest with.
 * @returns the complete config.
 * @throws ConfigError naming the first bad or unknown key (and listing the others); nothing has been created at that point.
 */
export function parseClusterConfig(raw: Record<string, unknown>, stack: string, otherPools: Record<string, string> = {}): ClusterConfig {
    if (stack.includes(LIBVIRT_NAME_SEPARATOR)) {
        throw new ConfigError("(stack name)", `'${stack}' contains '${LIBVIRT_NAME_SEPARATOR}', which separates stack, cluster and node in libvirt object names; use a stack name without it, e.g. ${stack.replaceAll(LIBVIRT_NAME_SEPARATOR, "-")}`);
    }
    const r = rawConfigSchema.safeParse(raw);
    if (!r.success) throw toConfigError(r.error.issues.map((i) => ({ key: keyOf(i), message: messageOf(i) })));
    const issues: { key: string; message: string }[] = [];
    const c = complete(r.data, stack, issues);
    refine(c, r.data, otherPools, issues);
    if (issues.length) throw toConfigError(issues);
    return c;
}

function toConfigError(issues: { key: string; message: string }[]): ConfigError {
    // One message per key, the first one found.
    const seen = new Set<string>();
    const uniq = issues.filter((i) => (seen.has(i.key) ? false : (seen.add(i.key), true)));
    return new ConfigError(uniq[0].key, uniq[0].message, uniq.slice(1));
}

/** An issue's message; a record key's own check's message rather than zod's "Invalid key in record". */
function messageOf(i: z.core.$ZodIssue): string {
    return i.code === "invalid_key" && i.issues[0] ? i.issues[0].message : i.message;
}

/** The dotted key of an issue, e.g. `nodes.masters[1].ip`; an unknown key's own name. */
function keyOf(i: z.core.$ZodIssue): string {
    const parts = [...i.path, ...(i.code === "unrecognized_keys" ? [i.keys[0]] : [])];
    return parts.map((p, n) => (typeof p === "number" ? `[${p}]` : n === 0 ? String(p) : `.${String(p)}`)).join("") || "(config)";
}

/** The `<component>.<flag>` entries of extraArgs that weaken authentication (allowed by allowInsecureFlags): each run warns about them. */
export function insecureFlags(c: ClusterConfig): string[] {
    return (Object.entries(c.extraArgs) as [ControlPlaneComponent, Record<string, string>][])
        .flatMap(([comp, flags]) => Object.keys(flags).filter((f) => AUTH_WEAKENING_FLAGS[comp].includes(f)).map((f) => flagKey(comp, f)));
}
