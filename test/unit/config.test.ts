import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import YAML from "yaml";
import { ConfigError, derivedMac, insecureFlags, parseClusterConfig } from "../../components/config/schema";
import { derived, nthAddress } from "../../components/config/derived";
import { assertOwnPassphrase, loadClusterConfig, NO_PULL_SECRET, PUBLIC_PASSPHRASE } from "../../components/config/stack";
import { configKeyRows, withConfigKeyTable } from "../../components/config/docs";
import { ROOT } from "../support/config";
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
        allowInsecureFlags: [],
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
    ["release.images.clusterPolicyController", { release: { ...release, images: { ...release.images, clusterPolicyController: undefined } } }, /release\.images\.clusterPolicyController: is missing: .*tools\/release-info/],
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
    ["machineNetwork", { machineNetwork: "0300.0250.0176.0/24" }, /not a CIDR network.*four decimal numbers/],
    ["nodes.bootstrap.ip", { nodes: { bootstrap: { ip: "3232268900" } } }, /not an IPv4 address/],
    ["machineNetwork", { machineNetwork: "127.0.0.0/24" }, /overlaps the loopback range 127.0.0.0\/8/],
    ["nodes.masters[0].name", { nodes: { masters: [{ name: "etcd-0" }, {}, {}] } }, /the cluster's own DNS names/],
    ["nodes.bootstrap.mac", { nodes: { bootstrap: { mac: "00:00:00:00:00:00" } } }, /all-zero MAC/],
    ["vm.master.vcpu", { vm: { master: { vcpu: "two" } } }, /'two' is not a whole number; use a number of vCPUs from 1 to 256/],
    ["vm.master.memoryMiB", { vm: { master: { memoryMiB: 2 ** 40 } } }, /is above 4194304/],
    ["libvirt.poolPath", { libvirt: { poolPath: "/" } }, /'\/' is the root directory/],
    ["libvirt.poolPath", { libvirt: { poolPath: "/etc/pool" } }, /inside the system directory \/etc/],
    ["libvirt.poolPath", { libvirt: { poolPath: "/srv/a/../b" } }, /not a normalized path/],
    ["libvirt.poolPath", { libvirt: { poolPath: "/var/lib/libvirt/openshift-hard-way/lab" } }, /inside another stack's default pool directory/],
    ["extraArgs.kube-apiserver.service-cluster-ip-range", { extraArgs: { "kube-apiserver": { "service-cluster-ip-range": "10.0.0.0/16" } } }, /set serviceNetwork instead/],
    ["extraArgs.kube-apiserver.anonymous-auth", { extraArgs: { "kube-apiserver": { "anonymous-auth": true } } }, /add "kube-apiserver.anonymous-auth" to allowInsecureFlags/],
    ["allowInsecureFlags[0]", { allowInsecureFlags: ["etcd.client-cert-auth"] }, /does not set/],
    ["sshKeys[0]", { sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPXJ7Ux28cIGj4b21XFKFX me"] }, /cut short/],
    ["sshKeys[0]", { sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPXJ7Ux28cIGj4b21XFKFX+JFSShGnidLAvzfvMe9G95 a\u0007b"] }, /control characters/],
    ["pullSecret", { pullSecret: { auths: { "quay.io": "x" } } }, /not an object/],
    ["osImage", { osImage: "/dev/null" }, /not a regular file/],
    ["osImage", { osImage: "test" }, /is a directory/],
    ["nodes.bootstrap.ip", { machineNetwork: "192.168.126.0/28" }, /its default .100 lies outside machineNetwork/],
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

test("every problem of a config is reported, one line per key, the first one as the error's key", () => {
    assert.throws(() => parseClusterConfig({ ...required, clusterName: "Bad_Name", machineNetwork: "127.0.0.0/24", vm: { master: { vcpu: "x" } } }, "local"), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.key, "clusterName");
        const lines = e.message.split("\n");
        assert.deepEqual(lines.map((l) => l.split(": ")[0]), ["config openshift-hard-way:clusterName", "config openshift-hard-way:machineNetwork", "config openshift-hard-way:vm.master.vcpu"]);
        return true;
    });
});

test("a stack name with '_' (the separator of libvirt names) is refused", () => {
    assert.throws(() => parseClusterConfig(required, "a_b"), /stack name.*'a_b' contains '_'.*e\.g\. a-b/);
});

test("a pool directory nested with another stack's (from its stack file) is refused", () => {
    assert.throws(() => parseClusterConfig({ ...required, libvirt: { poolPath: "/srv/pools/x" } }, "mine", { other: "/srv/pools" }), /is inside the pool directory \/srv\/pools of stack other/);
    assert.throws(() => parseClusterConfig({ ...required, libvirt: { poolPath: "/srv" } }, "mine", { other: "/srv/pools" }), /contains the pool directory \/srv\/pools of stack other/);
    assert.doesNotThrow(() => parseClusterConfig({ ...required, libvirt: { poolPath: "/srv/mine" } }, "mine", { other: "/srv/pools" }));
});

test("an auth-weakening flag passes with its opt-in, and is listed for the run's warning", () => {
    const c = parseClusterConfig({ ...required, extraArgs: { etcd: { "client-cert-auth": false }, "kube-apiserver": { v: 4 } }, allowInsecureFlags: ["etcd.client-cert-auth"] }, "local");
    assert.deepEqual(c.extraArgs, { etcd: { "client-cert-auth": "false" }, "kube-apiserver": { v: "4" } });
    assert.deepEqual(insecureFlags(c), ["etcd.client-cert-auth"]);
    assert.deepEqual(insecureFlags(parseClusterConfig(required, "local")), []);
});

test("derived values: computed once per config, from one place", () => {
    const c = parseClusterConfig({ ...required, clusterName: "x-y", baseDomain: "example.com", serviceNetwork: "172.31.0.0/16" }, "a");
    const d = derived(c);
    assert.equal(derived(c), d, "the same object for the same config");
    assert.equal(d.clusterDomain, "x-y.example.com");
    assert.equal(d.apiServerUrl, "https://api.x-y.example.com:6443");
    assert.equal(d.apiServerInternalUrl, "https://api-int.x-y.example.com:6443");
    assert.equal(d.gateway, "192.168.126.1");
    assert.equal(d.kubernetesServiceIp, "172.31.0.1");
    assert.equal(d.assetDir, "assets/a");
    assert.equal(d.libvirt.network, "a_x-y");
    assert.equal(d.libvirt.domain("master-0"), "a_x-y_master-0");
    assert.equal(d.fqdn("master-0"), "master-0.x-y.example.com");
    // The case that lost data: stack a / cluster x-y and stack a-x / cluster y no longer share names.
    const other = derived(parseClusterConfig({ ...required, clusterName: "y" }, "a-x"));
    assert.notEqual(other.libvirt.network, d.libvirt.network);
    assert.notEqual(other.libvirt.domain("master-0"), d.libvirt.domain("master-0"));
    assert.ok(!d.libvirt.domain("master-0").startsWith(`${other.libvirt.prefix}_`) && !other.libvirt.domain("master-0").startsWith(`${d.libvirt.prefix}_`), "neither prefix covers the other's objects");
});

test("README: the config-key table is the one the schema generates (npm run docs:config)", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    assert.equal(withConfigKeyTable(readme), readme, "README.md's table is stale: run npm run docs:config");
    const keys = configKeyRows().map((r) => r[0]);
    for (const k of ["`clusterName`", "`clusterNetwork.cidr`", "`nodes.masters`", "`extraArgs`", "`allowInsecureFlags`", "`pullSecret` (secret)", "`vm.master`", "`libvirt.poolPath`"]) assert.ok(keys.includes(k), `${k} is in the table`);
});

test("no stack but local runs on the public passphrase, given directly or in a file; the message says how to set one", () => {
    assert.doesNotThrow(() => assertOwnPassphrase("local", { PULUMI_CONFIG_PASSPHRASE: PUBLIC_PASSPHRASE }));
    assert.doesNotThrow(() => assertOwnPassphrase("lab", { PULUMI_CONFIG_PASSPHRASE: "mine" }));
    assert.throws(() => assertOwnPassphrase("lab", { PULUMI_CONFIG_PASSPHRASE: PUBLIC_PASSPHRASE }),
        /stack lab would encrypt its secrets with the local stack's public passphrase.*export PULUMI_CONFIG_PASSPHRASE=.*pulumi stack change-secrets-provider passphrase --stack lab/);
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "othw-pass-")), "p");
    fs.writeFileSync(f, `${PUBLIC_PASSPHRASE}\n`);
    assert.throws(() => assertOwnPassphrase("lab", { PULUMI_CONFIG_PASSPHRASE_FILE: f }), /public passphrase/);
    fs.rmSync(path.dirname(f), { recursive: true });
});

test("loadClusterConfig reads the stack's values once: the cluster config, and the pull secret's own text apart from it", () => {
    // As pulumi.runtime.allConfig() hands them over: `<namespace>:<key>` → text, objects as JSON.
    const values: Record<string, string> = { "libvirt:uri": "qemu:///elsewhere" };
    for (const [k, v] of Object.entries(localStackValues())) values[`openshift-hard-way:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "othw-load-"));
    try {
        const none = loadClusterConfig(values, "local", root);
        assert.deepEqual(none.cluster, parseClusterConfig(localStackValues(), "local"));
        assert.equal(none.pullSecret, NO_PULL_SECRET);
        assert.ok(!JSON.stringify(none.cluster).includes("auths"), "the pull secret stays out of the plain config");

        // The file's text as set, whitespace and all: the bootstrap node gets these very bytes.
        const text = '{\n  "auths": { "quay.io": { "auth": "dXNlcjpwYXNz" } }\n}\n';
        assert.equal(loadClusterConfig({ ...values, "openshift-hard-way:pullSecret": text }, "local", root).pullSecret, text);
        assert.throws(() => loadClusterConfig({ ...values, "openshift-hard-way:pullSecret": "{auths" }, "local", root),
            (e: unknown) => e instanceof ConfigError && e.key === "pullSecret" && /is not JSON; set it from your pull-secret file/.test(e.message));
        assert.throws(() => loadClusterConfig({ ...values, "openshift-hard-way:nodes": "[1," }, "local", root),
            (e: unknown) => e instanceof ConfigError && e.key === "nodes" && /is not valid JSON: \[1,/.test(e.message));

        // Another stack's pool, read from <root>/stacks/, may not be this stack's.
        fs.mkdirSync(path.join(root, "stacks"));
        fs.writeFileSync(path.join(root, "stacks/Pulumi.other.yaml"), YAML.stringify({ config: { "openshift-hard-way:libvirt": { poolPath: none.cluster.libvirt.poolPath } } }));
        assert.throws(() => loadClusterConfig(values, "local", root), (e: unknown) => e instanceof ConfigError && e.key === "libvirt.poolPath" && /is the pool directory .* of stack other/.test(e.message));
    } finally {
        fs.rmSync(root, { recursive: true });
    }
});
