import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { Stack } from "@pulumi/pulumi/automation";
import { localStackValues } from "../support/config";
import { libvirtObjectsNamed, removeStack, ROOT, stateResources, throwawayStack } from "./harness";

// Bad stack configs through a real `pulumi preview`: each one must fail with a message that
// names the key (`config openshift-hard-way:<key>: ...`) and says how to fix it, and must create
// nothing: no resource in the stack's state, no libvirt object named after the stack, no assets.
// Two throwaway stacks work through the table at once; each case rewrites its stack's config file.

const NS = "openshift-hard-way";
const NET = "192.168.144";
const local = localStackValues() as Record<string, any>;
/** A good config (the local stack's release, blank disks, small VMs) on its own machine network. */
const BASE: Record<string, unknown> = {
    clusterName: "bad", machineNetwork: `${NET}.0/24`,
    release: local.release, osImage: local.osImage, vm: local.vm, sshKeys: local.sshKeys,
    libvirt: { domainType: local.libvirt.domainType },
};
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const masters = (ips: number[], names = ["master-0", "master-1", "master-2", "master-3"]) => ips.map((h, i) => ({ name: names[i], ip: `${NET}.${h}` }));
const release = (patch: (r: any) => void) => { const r = clone(local.release); patch(r); return r; };
// Not a real key: the shape of one, pasted by mistake.
const PRIVATE_KEY = ["-----BEGIN OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", "-----END OPENSSH PRIVATE KEY-----"].join("\n");

// Files the path cases point at: a crdsDir holding a directory named like a CRD, and the file a
// stack from before the pointer configs may still name as mcoMasterIgnition.
const FIXTURES = fs.mkdtempSync(path.join(os.tmpdir(), "othw-badcfg-"));
const CRDS_WITH_DIR = path.join(FIXTURES, "crds");
fs.mkdirSync(path.join(CRDS_WITH_DIR, "0000_10_config-operator_01_infrastructures.crd.yaml"), { recursive: true });
const MCO_MASTER = path.join(FIXTURES, "mco.json");
fs.writeFileSync(MCO_MASTER, JSON.stringify({ ignition: { version: "3.2.0" } }));

interface Case {
    /** What is wrong. */
    what: string;
    /** The config over BASE; a key set to undefined is removed. */
    config: Record<string, unknown>;
    /** The key the message must name. */
    key: string;
    /** Text of the fix the message must contain. */
    fix: string;
}
const CASES: Case[] = [
    { what: "malformed CIDR", config: { machineNetwork: "192.168.300.0/24" }, key: "machineNetwork", fix: "is not a CIDR network, e.g. 192.168.126.0/24" },
    { what: "CIDR without a prefix", config: { serviceNetwork: "172.30.0.0" }, key: "serviceNetwork", fix: "is not a CIDR network" },
    { what: "host bits set", config: { machineNetwork: `${NET}.7/24` }, key: "machineNetwork", fix: `has host bits set; did you mean ${NET}.0/24?` },
    { what: "IPv6 network", config: { machineNetwork: "fd00:1::/64" }, key: "machineNetwork", fix: "is IPv6; this project builds IPv4 networks" },
    { what: "machine network too small", config: { machineNetwork: `${NET}.0/30` }, key: "machineNetwork", fix: "is too small for a gateway and four nodes; use /29 or larger" },
    { what: "service network overlaps cluster network", config: { serviceNetwork: "10.130.0.0/16" }, key: "serviceNetwork", fix: "overlaps clusterNetwork.cidr 10.128.0.0/14; the machine, cluster and service networks must be disjoint" },
    { what: "cluster network overlaps machine network", config: { clusterNetwork: { cidr: "192.168.0.0/16" } }, key: "clusterNetwork.cidr", fix: `overlaps machineNetwork ${NET}.0/24; the machine, cluster and service networks must be disjoint` },
    { what: "service network overlaps machine network", config: { serviceNetwork: `${NET}.0/28` }, key: "serviceNetwork", fix: "overlaps machineNetwork" },
    { what: "hostPrefix shorter than the cluster network", config: { clusterNetwork: { cidr: "10.128.0.0/14", hostPrefix: 12 } }, key: "clusterNetwork.hostPrefix", fix: "must be an integer between the network's prefix /14 and 30, e.g. 23" },
    { what: "hostPrefix longer than /30", config: { clusterNetwork: { hostPrefix: 31 } }, key: "clusterNetwork.hostPrefix", fix: "between the network's prefix /14 and 30" },
    { what: "two masters", config: { nodes: { masters: masters([101, 102]) } }, key: "nodes.masters", fix: "lists 2 masters; an HA control plane (etcd quorum) needs exactly 3" },
    { what: "four masters", config: { nodes: { masters: masters([101, 102, 103, 104]) } }, key: "nodes.masters", fix: "lists 4 masters; an HA control plane (etcd quorum) needs exactly 3" },
    { what: "duplicate node names", config: { nodes: { masters: masters([101, 102, 103], ["master-0", "master-0", "master-2"]) } }, key: "nodes", fix: "two nodes share the name master-0; each node needs its own" },
    { what: "duplicate IPs", config: { nodes: { bootstrap: { ip: `${NET}.101` } } }, key: "nodes", fix: `two nodes share the ip ${NET}.101; each node needs its own` },
    { what: "duplicate MACs", config: { nodes: { bootstrap: { mac: "52:54:00:aa:bb:cc" }, masters: [{ name: "master-0", ip: `${NET}.101`, mac: "52:54:00:AA:BB:CC" }, { name: "master-1", ip: `${NET}.102` }, { name: "master-2", ip: `${NET}.103` }] } }, key: "nodes", fix: "two nodes share the mac 52:54:00:aa:bb:cc; each node needs its own" },
    { what: "multicast MAC", config: { nodes: { bootstrap: { mac: "01:00:5e:00:00:01" } } }, key: "nodes.bootstrap.mac", fix: "is not a unicast MAC address like 52:54:00:12:34:56" },
    { what: "node IP outside the machine network", config: { nodes: { masters: masters([101, 102, 103]).map((m, i) => (i === 1 ? { ...m, ip: "10.0.0.5" } : m)) } }, key: "nodes.masters[1].ip", fix: `10.0.0.5 is outside machineNetwork ${NET}.0/24` },
    { what: "node IP on the gateway", config: { nodes: { bootstrap: { ip: `${NET}.1` } } }, key: "nodes.bootstrap.ip", fix: "is the network, gateway or broadcast address" },
    { what: "node IP not an address", config: { nodes: { bootstrap: { ip: "bootstrap.lab" } } }, key: "nodes.bootstrap.ip", fix: "is not an IPv4 address" },
    { what: "node name not a DNS label", config: { nodes: { bootstrap: { name: "Boot_Strap" } } }, key: "nodes.bootstrap.name", fix: "is not a DNS label, e.g. master-0" },
    { what: "invalid baseDomain", config: { baseDomain: "Lab_Local" }, key: "baseDomain", fix: "is not a DNS domain: dot-separated labels of lower-case letters, digits and '-', e.g. lab.local" },
    { what: "baseDomain with an empty label", config: { baseDomain: "lab..local" }, key: "baseDomain", fix: "is not a DNS domain" },
    { what: "clusterName not a DNS label", config: { clusterName: "My_Cluster" }, key: "clusterName", fix: "is not a DNS label: use lower-case letters, digits and '-', at most 63 characters" },
    { what: "clusterName longer than 63", config: { clusterName: "c".repeat(64) }, key: "clusterName", fix: "is not a DNS label" },
    { what: "SSH key that is not a public key", config: { sshKeys: ["AAAAC3NzaC1lZDI1NTE5AAAAIPXJ7Ux28cIGj4b21XFKFX me@host"] }, key: "sshKeys[0]", fix: "is not an SSH public key; paste the one line of your ~/.ssh/id_ed25519.pub" },
    { what: "SSH private key pasted by mistake", config: { sshKeys: [local.sshKeys[0], PRIVATE_KEY] }, key: "sshKeys[1]", fix: "is not an SSH public key; that is a PRIVATE key: remove it from the stack config now and use the .pub file" },
    { what: "sshKeys not a list", config: { sshKeys: "ssh-ed25519 AAAA" }, key: "sshKeys", fix: "must be a list of SSH public keys" },
    { what: "missing osImage", config: { osImage: undefined }, key: "osImage", fix: "is missing: set the path or URL of an RHCOS QEMU qcow2" },
    { what: "osImage path that does not exist", config: { osImage: "/nonexistent/rhcos-qemu.x86_64.qcow2" }, key: "osImage", fix: "/nonexistent/rhcos-qemu.x86_64.qcow2 does not exist; give an RHCOS qcow2 path or URL, or `blank`" },
    { what: "release image not pinned by digest", config: { release: release((r) => { r.image = "quay.io/openshift-release-dev/ocp-release:latest"; }) }, key: "release.image", fix: "is not an image pinned by digest (<repository>@sha256:<64 hex>); fill the release block with tools/release-info" },
    { what: "component image with a :latest tag", config: { release: release((r) => { r.images.etcd = "quay.io/openshift/etcd:latest"; }) }, key: "release.images.etcd", fix: "is not an image pinned by digest" },
    { what: "component image missing", config: { release: release((r) => { delete r.images.pod; }) }, key: "release.images.pod", fix: "is missing: every component image is pinned by digest" },
    { what: "release version malformed", config: { release: release((r) => { r.version = "4.18"; }) }, key: "release.version", fix: "is not a release version like 4.18.0" },
    { what: "release missing", config: { release: undefined }, key: "release", fix: "is missing: every stack pins its OpenShift release by digest" },
    { what: "memory below the minimum for a booting OS image", config: { osImage: "https://example.com/rhcos.qcow2", vm: { bootstrap: { vcpu: 4, memoryMiB: 8192, diskGiB: 100 }, master: { vcpu: 4, memoryMiB: 16384, diskGiB: 100 } } }, key: "vm.bootstrap.memoryMiB", fix: "8192 is below 16384, the minimum for an OpenShift node; use at least 16384" },
    { what: "vCPU 0", config: { vm: { bootstrap: local.vm.bootstrap, master: { ...local.vm.master, vcpu: 0 } } }, key: "vm.master.vcpu", fix: "0 is below 1, the minimum for a VM; use at least 1" },
    { what: "unknown top-level key (typo)", config: { clusterNmae: "typo" }, key: "clusterNmae", fix: "unknown key (a typo?); known keys: clusterName," },
    { what: "unknown nested key libvirt.url", config: { libvirt: { url: "qemu:///system", domainType: "qemu" } }, key: "libvirt.url", fix: "unknown key (a typo?); known keys: uri, poolPath, domainType" },
    { what: "unknown nested key vm.masters", config: { vm: { masters: local.vm.master } }, key: "vm.masters", fix: "unknown key (a typo?); known keys: bootstrap, master" },
    { what: "bad libvirt.domainType", config: { libvirt: { domainType: "xen" } }, key: "libvirt.domainType", fix: "must be kvm (hardware virtualization) or qemu (software emulation, no /dev/kvm)" },
    { what: "bad libvirt.uri", config: { libvirt: { uri: "localhost", domainType: "qemu" } }, key: "libvirt.uri", fix: "is not a libvirt connection URI, e.g. qemu:///system" },
    { what: "relative libvirt.poolPath", config: { libvirt: { poolPath: "pools/bad", domainType: "qemu" } }, key: "libvirt.poolPath", fix: "must be an absolute directory on the libvirt host" },
    { what: "bad pki.rsaBits", config: { pki: { rsaBits: 1024 } }, key: "pki.rsaBits", fix: "is not a supported RSA key size: use 2048, 3072 or 4096" },
    { what: "pullSecret that is not JSON", config: { pullSecret: "auths: none" }, key: "pullSecret", fix: "is not JSON; set it from your pull-secret file: pulumi config set --secret pullSecret < ~/.pull-secret.json" },
    { what: "pullSecret without auths", config: { pullSecret: { auth: { "quay.io": {} } } }, key: "pullSecret", fix: "has no \"auths\" object" },
    { what: "bootstrap not a boolean", config: { bootstrap: "maybe" }, key: "bootstrap", fix: "\"maybe\" must be true or false" },
    { what: "extraArgs for an unknown component", config: { extraArgs: { kubelet: { v: "4" } } }, key: "extraArgs.kubelet", fix: "unknown key (a typo?)" },
    { what: "extraArgs flag written with dashes", config: { extraArgs: { "kube-apiserver": { "--v": "4" } } }, key: "extraArgs.kube-apiserver.--v", fix: "is not a flag name: write it without dashes" },
    { what: "crdsDir that does not exist", config: { crdsDir: "no/such/crds" }, key: "crdsDir", fix: "no/such/crds does not exist (paths are relative to the project root)" },
    // --- Second round: values that used to be accepted, or crashed. ---
    // IPv4 written in other forms than four decimal numbers (ipaddr.js and inet_aton read them as octal, hex, one integer).
    { what: "machine network in octal", config: { machineNetwork: "0300.0250.0220.0/24" }, key: "machineNetwork", fix: "is not a CIDR network, e.g. 192.168.126.0/24 (four decimal numbers without leading zeros" },
    { what: "service network in hex", config: { serviceNetwork: "0xac.0x1e.0.0/16" }, key: "serviceNetwork", fix: "is not a CIDR network" },
    { what: "node IP as one integer", config: { nodes: { bootstrap: { ip: "3232272484" } } }, key: "nodes.bootstrap.ip", fix: "is not an IPv4 address (four decimal numbers without leading zeros" },
    { what: "node IP with a leading zero (octal)", config: { nodes: { bootstrap: { ip: `${NET}.0100` } } }, key: "nodes.bootstrap.ip", fix: "is not an IPv4 address" },
    { what: "node IP in hex", config: { nodes: { masters: [{ ip: "0xc0.0xa8.0x90.0x65" }, {}, {}] } }, key: "nodes.masters[0].ip", fix: "is not an IPv4 address" },
    { what: "prefix length over 32", config: { machineNetwork: `${NET}.0/33` }, key: "machineNetwork", fix: "is not a CIDR network" },
    // Ranges that cannot carry a cluster.
    { what: "loopback machine network", config: { machineNetwork: "127.0.0.0/24" }, key: "machineNetwork", fix: "overlaps the loopback range 127.0.0.0/8, which cannot carry a cluster's traffic" },
    { what: "multicast machine network", config: { machineNetwork: "224.1.0.0/24" }, key: "machineNetwork", fix: "overlaps the multicast range 224.0.0.0/4" },
    { what: "link-local machine network", config: { machineNetwork: "169.254.10.0/24" }, key: "machineNetwork", fix: "overlaps the link-local range 169.254.0.0/16" },
    { what: "unspecified machine network", config: { machineNetwork: "0.0.0.0/24" }, key: "machineNetwork", fix: "overlaps the unspecified (\"this network\") range 0.0.0.0/8" },
    { what: "loopback service network", config: { serviceNetwork: "127.0.0.0/16" }, key: "serviceNetwork", fix: "overlaps the loopback range" },
    { what: "multicast cluster network", config: { clusterNetwork: { cidr: "239.0.0.0/14" } }, key: "clusterNetwork.cidr", fix: "overlaps the multicast range 224.0.0.0/4" },
    { what: "reserved (240/4) machine network", config: { machineNetwork: "240.0.0.0/24" }, key: "machineNetwork", fix: "overlaps the reserved (240/4, with the broadcast address) range 240.0.0.0/4" },
    // DNS names.
    { what: "FQDNs over 253 characters", config: { baseDomain: ["a", "b", "c", "d"].map((l) => l.repeat(60)).join(".") }, key: "baseDomain", fix: "characters long; a DNS name has at most 253: shorten baseDomain or clusterName" },
    { what: "node named api", config: { nodes: { masters: [{ name: "api" }, {}, {}] } }, key: "nodes.masters[0].name", fix: "is one of the cluster's own DNS names (api, api-int, apps, etcd-N)" },
    { what: "node named etcd-1", config: { nodes: { masters: [{}, {}, { name: "etcd-1" }] } }, key: "nodes.masters[2].name", fix: "is one of the cluster's own DNS names" },
    { what: "node named api-int", config: { nodes: { bootstrap: { name: "api-int" } } }, key: "nodes.bootstrap.name", fix: "is one of the cluster's own DNS names" },
    { what: "node named apps", config: { nodes: { bootstrap: { name: "apps" } } }, key: "nodes.bootstrap.name", fix: "is one of the cluster's own DNS names" },
    { what: "node named base (the base volume's name)", config: { nodes: { bootstrap: { name: "base" } } }, key: "nodes.bootstrap.name", fix: "or the base volume's; pick another node name" },
    // MACs.
    { what: "all-zero MAC", config: { nodes: { bootstrap: { mac: "00:00:00:00:00:00" } } }, key: "nodes.bootstrap.mac", fix: "is the all-zero MAC, which no NIC may use" },
    { what: "broadcast MAC", config: { nodes: { masters: [{}, { mac: "ff:ff:ff:ff:ff:ff" }, {}] } }, key: "nodes.masters[1].mac", fix: "is not a unicast MAC address" },
    // SSH keys.
    { what: "SSH key with an escape sequence in its comment", config: { sshKeys: [`${local.sshKeys[0].split(" ").slice(0, 2).join(" ")} me\u001b[31m@host`] }, key: "sshKeys[0]", fix: "contains control characters" },
    { what: "two SSH keys in one string (a line break)", config: { sshKeys: [`${local.sshKeys[0]}\n${local.sshKeys[0]}`] }, key: "sshKeys[0]", fix: "contains control characters" },
    { what: "truncated SSH key", config: { sshKeys: [`ssh-ed25519 ${local.sshKeys[0].split(" ")[1].slice(0, 40)} me@host`] }, key: "sshKeys[0]", fix: "paste the whole line of your .pub file" },
    { what: "SSH key whose data is another type's", config: { sshKeys: [`ssh-rsa ${local.sshKeys[0].split(" ")[1]} me@host`] }, key: "sshKeys[0]", fix: "says ssh-rsa but its key data is not an ssh-rsa key" },
    // Pull secret.
    { what: "pullSecret whose auths is a string", config: { pullSecret: { auths: "quay.io" } }, key: "pullSecret", fix: "has no \"auths\" object" },
    { what: "pullSecret whose auths is a list", config: { pullSecret: { auths: [{ "quay.io": {} }] } }, key: "pullSecret", fix: "has no \"auths\" object" },
    { what: "pullSecret with an auths entry that is not an object", config: { pullSecret: { auths: { "quay.io": "dXNlcjpwYXNz" } } }, key: "pullSecret", fix: "has an \"auths\" entry for quay.io that is not an object" },
    // OS image.
    { what: "osImage that is a directory", config: { osImage: "test" }, key: "osImage", fix: "test is a directory; give the path of an RHCOS QEMU qcow2 file" },
    { what: "osImage that is a device", config: { osImage: "/dev/null" }, key: "osImage", fix: "/dev/null is not a regular file (a device, socket or pipe)" },
    { what: "osImage with a scheme other than http(s)", config: { osImage: "ftp://mirror.example.com/rhcos.qcow2" }, key: "osImage", fix: "is not an http(s) URL of a qcow2" },
    // Storage pool paths.
    { what: "pool at /", config: { libvirt: { poolPath: "/", domainType: "qemu" } }, key: "libvirt.poolPath", fix: "'/' is the root directory" },
    { what: "pool under /etc", config: { libvirt: { poolPath: "/etc/othw-pool", domainType: "qemu" } }, key: "libvirt.poolPath", fix: "is inside the system directory /etc" },
    { what: "pool at /usr", config: { libvirt: { poolPath: "/usr", domainType: "qemu" } }, key: "libvirt.poolPath", fix: "the system directory /usr" },
    { what: "pool path with ..", config: { libvirt: { poolPath: "/srv/pools/../../etc", domainType: "qemu" } }, key: "libvirt.poolPath", fix: "is not a normalized path (no '..', '.', '//' or trailing '/')" },
    { what: "pool inside another stack's (local) pool", config: { libvirt: { poolPath: "/var/lib/libvirt/openshift-hard-way/local/mine", domainType: "qemu" } }, key: "libvirt.poolPath", fix: "is inside another stack's default pool directory" },
    { what: "pool the same as another stack's (lab)", config: { libvirt: { poolPath: "/var/lib/libvirt/openshift-hard-way/lab", domainType: "qemu" } }, key: "libvirt.poolPath", fix: "another stack's default pool directory" },
    { what: "pool around every stack's pools", config: { libvirt: { poolPath: "/var/lib/libvirt/openshift-hard-way", domainType: "qemu" } }, key: "libvirt.poolPath", fix: "is the directory of every stack's default pool" },
    { what: "pool in libvirt's own images directory", config: { libvirt: { poolPath: "/var/lib/libvirt/images", domainType: "qemu" } }, key: "libvirt.poolPath", fix: "the system directory /var/lib/libvirt/images" },
    // VM sizes.
    { what: "vcpu written as a word", config: { vm: { bootstrap: { ...local.vm.bootstrap, vcpu: "two" }, master: local.vm.master } }, key: "vm.bootstrap.vcpu", fix: "'two' is not a whole number; use a number of vCPUs from 1 to 256" },
    { what: "absurd vcpu count", config: { vm: { bootstrap: local.vm.bootstrap, master: { ...local.vm.master, vcpu: 4096 } } }, key: "vm.master.vcpu", fix: "4096 is above 256" },
    { what: "memory given in bytes", config: { vm: { bootstrap: { ...local.vm.bootstrap, memoryMiB: 17179869184 }, master: local.vm.master } }, key: "vm.bootstrap.memoryMiB", fix: "is above 4194304" },
    { what: "fractional disk size", config: { vm: { bootstrap: local.vm.bootstrap, master: { ...local.vm.master, diskGiB: 1.5 } } }, key: "vm.master.diskGiB", fix: "1.5 is not a whole number" },
    { what: "negative memory", config: { vm: { bootstrap: local.vm.bootstrap, master: { ...local.vm.master, memoryMiB: -256 } } }, key: "vm.master.memoryMiB", fix: "-256 is below 256, the minimum for a VM" },
    { what: "absurd disk size", config: { vm: { bootstrap: { ...local.vm.bootstrap, diskGiB: 10000000 }, master: local.vm.master } }, key: "vm.bootstrap.diskGiB", fix: "is above 65536" },
    // extraArgs: authentication and authorization switched off without the opt-in.
    { what: "anonymous-auth without the opt-in", config: { extraArgs: { "kube-apiserver": { "anonymous-auth": "true" } } }, key: "extraArgs.kube-apiserver.anonymous-auth", fix: "can switch off authentication, authorization or TLS client checks; if you mean it, add \"kube-apiserver.anonymous-auth\" to allowInsecureFlags" },
    { what: "authorization-mode AlwaysAllow without the opt-in", config: { extraArgs: { "kube-apiserver": { "authorization-mode": "AlwaysAllow" } } }, key: "extraArgs.kube-apiserver.authorization-mode", fix: "to allowInsecureFlags" },
    { what: "etcd client-cert-auth off without the opt-in", config: { extraArgs: { etcd: { "client-cert-auth": false } } }, key: "extraArgs.etcd.client-cert-auth", fix: "add \"etcd.client-cert-auth\" to allowInsecureFlags" },
    { what: "etcd peer-client-cert-auth off without the opt-in", config: { extraArgs: { etcd: { "peer-client-cert-auth": "false" } } }, key: "extraArgs.etcd.peer-client-cert-auth", fix: "to allowInsecureFlags" },
    { what: "scheduler authorization-always-allow-paths without the opt-in", config: { extraArgs: { "kube-scheduler": { "authorization-always-allow-paths": "/*" } } }, key: "extraArgs.kube-scheduler.authorization-always-allow-paths", fix: "to allowInsecureFlags" },
    { what: "allowInsecureFlags naming no such flag", config: { allowInsecureFlags: ["kube-apiserver.v"] }, key: "allowInsecureFlags[0]", fix: "is not a <component>.<flag> that weakens authentication" },
    { what: "allowInsecureFlags for a flag extraArgs does not set", config: { allowInsecureFlags: ["etcd.client-cert-auth"] }, key: "allowInsecureFlags[0]", fix: "allows a flag that extraArgs does not set; remove it" },
    // extraArgs: flags the config owns.
    { what: "apiserver service-cluster-ip-range out of step", config: { extraArgs: { "kube-apiserver": { "service-cluster-ip-range": "172.31.0.0/16" } } }, key: "extraArgs.kube-apiserver.service-cluster-ip-range", fix: "is rendered from the config key serviceNetwork, which other components, the manifests and the certificates read too; set serviceNetwork instead" },
    { what: "controller-manager cluster-cidr", config: { extraArgs: { "kube-controller-manager": { "cluster-cidr": "10.0.0.0/14" } } }, key: "extraArgs.kube-controller-manager.cluster-cidr", fix: "set clusterNetwork.cidr instead" },
    { what: "controller-manager node-cidr-mask-size", config: { extraArgs: { "kube-controller-manager": { "node-cidr-mask-size": 24 } } }, key: "extraArgs.kube-controller-manager.node-cidr-mask-size", fix: "set clusterNetwork.hostPrefix instead" },
    { what: "kube-proxy cluster-cidr", config: { extraArgs: { "kube-proxy": { "cluster-cidr": "10.0.0.0/14" } } }, key: "extraArgs.kube-proxy.cluster-cidr", fix: "set clusterNetwork.cidr instead" },
    { what: "CVO release-image", config: { extraArgs: { "cluster-version-operator": { "release-image": "quay.io/x/y:latest" } } }, key: "extraArgs.cluster-version-operator.release-image", fix: "set release.image instead" },
    { what: "etcd advertise-client-urls", config: { extraArgs: { etcd: { "advertise-client-urls": "https://1.2.3.4:2379" } } }, key: "extraArgs.etcd.advertise-client-urls", fix: "set nodes instead" },
    { what: "apiserver service-account-issuer", config: { extraArgs: { "kube-apiserver": { "service-account-issuer": "https://evil" } } }, key: "extraArgs.kube-apiserver.service-account-issuer", fix: "cannot be overridden; remove it" },
    { what: "extraArgs value that is an object", config: { extraArgs: { "kube-apiserver": { v: { level: 4 } } } }, key: "extraArgs.kube-apiserver.v", fix: "must be a string, number or boolean" },
    // Other types.
    { what: "hostPrefix written as a word", config: { clusterNetwork: { hostPrefix: "twenty-three" } }, key: "clusterNetwork.hostPrefix", fix: "'twenty-three' is not a whole number" },
    { what: "rsaBits as text", config: { pki: { rsaBits: "lots" } }, key: "pki.rsaBits", fix: "is not a supported RSA key size: use 2048, 3072 or 4096" },
    // libvirt.uri that is well-formed but answers nothing: named before any resource.
    { what: "libvirt.uri at a port nothing listens on", config: { libvirt: { uri: "qemu+tcp://127.0.0.1:1/system", domainType: "qemu" } }, key: "libvirt.uri", fix: "libvirt does not answer at qemu+tcp://127.0.0.1:1/system" },
    { what: "libvirt.uri at a socket that does not exist (libvirtd down)", config: { libvirt: { uri: "qemu:///system?socket=/nonexistent/libvirt-sock", domainType: "qemu" } }, key: "libvirt.uri", fix: "start libvirtd (systemctl start libvirtd) or fix libvirt.uri" },
    // The three former crashes (a JavaScript stack trace instead of a message).
    { what: "machine network too small for the default node addresses (was a RangeError)", config: { machineNetwork: `${NET}.0/28` }, key: "nodes.bootstrap.ip", fix: "is not set, and its default .100 lies outside machineNetwork" },
    { what: "a directory named *.yaml inside crdsDir (was EISDIR)", config: { crdsDir: CRDS_WITH_DIR }, key: "crdsDir", fix: "is not a regular file; crdsDir must hold CRD files only" },
    { what: "mcoMasterIgnition, removed since the masters merge the machine-config-server's config", config: { mcoMasterIgnition: MCO_MASTER }, key: "mcoMasterIgnition", fix: "is no longer used: each master's Ignition now merges the machine-config-server's /config/master" },
];

/** The stack config file's text for one case: the stack's encryption salt, BASE and the case. */
function configFile(salt: string, c: Case): string {
    const values: Record<string, unknown> = { ...BASE, ...c.config };
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) if (v !== undefined) config[`${NS}:${k}`] = v;
    return YAML.stringify({ encryptionsalt: salt, config });
}

/** Runs the pulumi CLI; never rejects. */
function pulumi(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile("pulumi", [...args, "--non-interactive", "--color", "never"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 },
            (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }));
    });
}

const WORKERS = 2;
const stacks: Stack[] = [];
const results: { c: Case; output: string; code: number; resources: number; libvirt: string[]; assets: boolean; secs: number }[] = [];
let started = 0;

before(async () => {
    for (let i = 0; i < WORKERS; i++) stacks.push(await throwawayStack("badcfg", { clusterName: "bad", machineNetwork: `${NET}.0/24` }));
    // Each worker takes the next case, rewrites its own stack's config file and previews.
    let next = 0;
    started = Date.now();
    await Promise.all(stacks.map(async (stack) => {
        const file = path.join(ROOT, "stacks", `Pulumi.${stack.name}.yaml`);
        const salt = YAML.parse(fs.readFileSync(file, "utf8")).encryptionsalt as string;
        while (next < CASES.length) {
            const c = CASES[next++];
            fs.writeFileSync(file, configFile(salt, c));
            const t = Date.now();
            const r = await pulumi("preview", "--stack", stack.name);
            results.push({
                c, code: r.code, output: `${r.stdout}\n${r.stderr}`, secs: (Date.now() - t) / 1000,
                resources: await stateResources(stack.name), libvirt: libvirtObjectsNamed(`${stack.name}_`),
                assets: fs.existsSync(path.join(ROOT, "assets", stack.name)),
            });
        }
    }));
});
after(async () => {
    for (const s of stacks) await removeStack(s);
    fs.rmSync(FIXTURES, { recursive: true, force: true });
});

test("the baseline config previews cleanly (so each failure below is the case's own)", async () => {
    const file = path.join(ROOT, "stacks", `Pulumi.${stacks[0].name}.yaml`);
    const salt = YAML.parse(fs.readFileSync(file, "utf8")).encryptionsalt as string;
    fs.writeFileSync(file, configFile(salt, { what: "none", config: {}, key: "", fix: "" }));
    const r = await pulumi("preview", "--stack", stacks[0].name);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(await stateResources(stacks[0].name), 0, "a preview records nothing");
});

test(`${CASES.length} bad configs: preview fails naming the key and the fix, and creates nothing`, () => {
    assert.equal(results.length, CASES.length);
    const failures: string[] = [];
    for (const { c, code, output, resources, libvirt, assets } of results) {
        const why: string[] = [];
        if (code === 0) why.push("preview succeeded");
        const line = output.split("\n").find((l) => l.includes(`config ${NS}:${c.key}:`));
        if (!line) why.push(`no message naming config ${NS}:${c.key}:`);
        else if (!line.includes(c.fix)) why.push(`message lacks the fix text ${JSON.stringify(c.fix)}: ${line.trim()}`);
        if (resources !== 0) why.push(`${resources} resources in state`);
        if (libvirt.length) why.push(`libvirt objects: ${libvirt.join(", ")}`);
        if (assets) why.push("assets directory written");
        if (output.includes("b3BlbnNzaC1rZXktdjEAAAAABG5v")) why.push("the output shows the private key");
        if (why.length) failures.push(`${c.what}: ${why.join("; ")}\n    ${output.split("\n").filter((l) => l.includes("error") || l.includes("config ")).slice(0, 4).join("\n    ")}`);
    }
    const secs = results.map((r) => r.secs);
    console.log(`${results.length - failures.length}/${CASES.length} bad configs rejected with nothing created; `
        + `preview ${Math.min(...secs).toFixed(1)}-${Math.max(...secs).toFixed(1)} s each, ${((Date.now() - started) / 1000).toFixed(0)} s for all`);
    assert.deepEqual(failures, []);
});
