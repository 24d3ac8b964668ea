import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigError, derivedMac, nthAddress, parseClusterConfig } from "../../components/config";
import { localStackValues } from "../support/config";

// The keys without a default: the release, pinned by digest, and the OS image.
const release = localStackValues().release as any;
const required = { release, osImage: "blank" };

test("defaults fill every key the local stack leaves out", () => {
    const c = parseClusterConfig(required, "local");
    assert.deepEqual(c, {
        stack: "local",
        clusterName: "othw",
        baseDomain: "lab.local",
        machineNetwork: "192.168.126.0/24",
        clusterNetwork: { cidr: "10.128.0.0/14", hostPrefix: 23 },
        serviceNetwork: "172.30.0.0/16",
        nodes: {
            bootstrap: { name: "bootstrap", ip: "192.168.126.100", mac: derivedMac("local", "othw", "bootstrap") },
            masters: [0, 1, 2].map((i) => ({ name: `master-${i}`, ip: `192.168.126.10${i + 1}`, mac: derivedMac("local", "othw", `master-${i}`) })),
        },
        release,
        extraArgs: {},
        pki: { rsaBits: 2048 },
        sshKeys: [],
        bootstrap: true,
        osImage: "blank",
        vm: { bootstrap: { vcpu: 4, memoryMiB: 16384, diskGiB: 100 }, master: { vcpu: 4, memoryMiB: 16384, diskGiB: 100 } },
        libvirt: { uri: "qemu:///system", poolPath: "/var/lib/libvirt/openshift-hard-way/local", domainType: "kvm" },
    });
    const local = parseClusterConfig(localStackValues(), "local");
    assert.deepEqual({ ...local, sshKeys: [], vm: c.vm, libvirt: c.libvirt }, c, "the local stack spells out the defaults, but for small VMs, software emulation and an example key");
    assert.deepEqual(local.vm.master, { vcpu: 1, memoryMiB: 256, diskGiB: 1 });
    assert.equal(local.libvirt.domainType, "qemu");
    assert.notEqual(derivedMac("local", "othw", "master-0"), derivedMac("lab", "othw", "master-0"), "MACs differ between stacks");
});

test("given values win over defaults", () => {
    const c = parseClusterConfig({
        clusterName: "ocp4", baseDomain: "example.com", machineNetwork: "10.10.0.0/16",
        libvirt: { uri: "qemu+ssh://root@host/system", poolPath: "/srv/pool" }, ...required,
    }, "lab");
    assert.equal(c.nodes.bootstrap.ip, "10.10.0.100", "node addresses follow the machine network");
    assert.equal(c.clusterName, "ocp4");
    assert.equal(c.baseDomain, "example.com");
    assert.equal(c.machineNetwork, "10.10.0.0/16");
    assert.deepEqual(c.libvirt, { uri: "qemu+ssh://root@host/system", poolPath: "/srv/pool", domainType: "kvm" });
});

const bad: [string, Record<string, unknown>, RegExp][] = [
    ["clusterName", { clusterName: "Bad_Name" }, /openshift-hard-way:clusterName: 'Bad_Name' is not a DNS label/],
    ["baseDomain", { baseDomain: "lab..local" }, /openshift-hard-way:baseDomain: 'lab..local' is not a DNS domain/],
    ["machineNetwork", { machineNetwork: "192.168.126.0" }, /machineNetwork: '192.168.126.0' is not a CIDR network/],
    ["machineNetwork", { machineNetwork: "192.168.126.7/24" }, /host bits set; did you mean 192.168.126.0\/24\?/],
    ["machineNetwork", { machineNetwork: "fd00::/64" }, /is IPv6/],
    ["machineNetwork", { machineNetwork: "192.168.126.0/30" }, /too small/],
    ["clusterNmae", { clusterNmae: "x" }, /clusterNmae: unknown key \(a typo\?\)/],
    ["libvirt.url", { libvirt: { url: "qemu:///system" } }, /libvirt.url: unknown key/],
    ["libvirt.uri", { libvirt: { uri: "localhost" } }, /libvirt.uri: 'localhost' is not a libvirt connection URI/],
    ["libvirt.poolPath", { libvirt: { poolPath: "pool" } }, /libvirt.poolPath: 'pool' must be an absolute directory/],
    ["clusterName", { clusterName: "" }, /clusterName: must be a non-empty string/],
    ["release", { release: undefined }, /release: is missing/],
    ["release.images.etcd", { release: { ...release, images: { ...release.images, etcd: "quay.io/openshift/etcd:latest" } } }, /not an image pinned by digest/],
    ["release.version", { release: { ...release, version: "4.18" } }, /not a release version like 4.18.0/],
    ["clusterNetwork.hostPrefix", { clusterNetwork: { cidr: "10.128.0.0/14", hostPrefix: 12 } }, /between the network's prefix \/14 and 30/],
    ["nodes.masters", { nodes: { masters: [{ name: "m", ip: "192.168.126.9" }] } }, /lists 1 masters; .* exactly 3/],
    ["nodes.masters[1].ip", { nodes: { masters: [{}, { ip: "10.0.0.5" }, {}] } }, /10.0.0.5 is outside machineNetwork 192.168.126.0\/24/],
    ["nodes.bootstrap.ip", { nodes: { bootstrap: { ip: "192.168.126.1" } } }, /gateway/],
    ["nodes", { nodes: { bootstrap: { ip: "192.168.126.101" } } }, /two nodes share the ip 192.168.126.101/],
    ["extraArgs.kube-apiserver.--v", { extraArgs: { "kube-apiserver": { "--v": "4" } } }, /without dashes/],
    ["extraArgs.kubelet", { extraArgs: { kubelet: {} } }, /unknown key/],
    ["pki.rsaBits", { pki: { rsaBits: 1024 } }, /use 2048, 3072 or 4096/],
    ["serviceNetwork", { serviceNetwork: "10.130.0.0/16" }, /10.130.0.0\/16 overlaps clusterNetwork.cidr 10.128.0.0\/14/],
    ["clusterNetwork.cidr", { clusterNetwork: { cidr: "192.0.0.0/8" } }, /overlaps machineNetwork 192.168.126.0\/24/],
    ["vm.master.memoryMiB", { osImage: "https://example.com/rhcos.qcow2", vm: { master: { memoryMiB: 8192 } } }, /8192 is below 16384, the minimum for an OpenShift node/],
    ["vm.bootstrap.vcpu", { vm: { bootstrap: { vcpu: 0 } } }, /below 1, the minimum for a VM/],
    ["nodes.masters[0].mac", { nodes: { masters: [{ mac: "01:00:5e:00:00:01" }, {}, {}] } }, /not a unicast MAC/],
    ["osImage", { osImage: undefined }, /osImage: is missing: set the path or URL of an RHCOS QEMU qcow2/],
    ["osImage", { osImage: "/nonexistent/rhcos.qcow2" }, /does not exist/],
    ["bootstrap", { bootstrap: "yes" }, /must be true or false/],
    ["libvirt.domainType", { libvirt: { domainType: "xen" } }, /must be kvm .* or qemu/],
    ["sshKeys[0]", { sshKeys: ["-----BEGIN OPENSSH PRIVATE KEY-----"] }, /that is a PRIVATE key/],
    ["pullSecret", { pullSecret: "not json" }, /pullSecret: is not JSON/],
    ["crdsDir", { crdsDir: "no/such/dir" }, /does not exist/],
    ["mcoMasterIgnition", { mcoMasterIgnition: "mco.json" }, /no longer used: each master's Ignition now merges the machine-config-server's \/config\/master.*pulumi config rm mcoMasterIgnition/],
];
for (const [key, raw, message] of bad) {
    test(`rejects bad ${key}: ${JSON.stringify(raw)}`, () => {
        assert.throws(() => parseClusterConfig({ ...required, ...raw }, "local"), (e: unknown) => {
            assert.ok(e instanceof ConfigError);
            assert.equal(e.key, key);
            assert.match(e.message, message);
            return true;
        });
    });
}

test("nthAddress counts from the network address", () => {
    assert.equal(nthAddress("192.168.126.0/24", 1), "192.168.126.1");
    assert.equal(nthAddress("192.168.126.0/24", 100), "192.168.126.100");
    assert.equal(nthAddress("10.0.0.0/8", 65536 + 2), "10.1.0.2");
    assert.throws(() => nthAddress("192.168.126.0/24", 256), RangeError);
});
