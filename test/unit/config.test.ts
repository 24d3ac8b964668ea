import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigError, nthAddress, parseClusterConfig } from "../../components/config";

test("defaults fill every key the local stack leaves out", () => {
    const c = parseClusterConfig({}, "local");
    assert.deepEqual(c, {
        stack: "local",
        clusterName: "othw",
        baseDomain: "lab.local",
        machineNetwork: "192.168.126.0/24",
        libvirt: { uri: "qemu:///system", poolPath: "/var/lib/libvirt/openshift-hard-way/local" },
    });
});

test("given values win over defaults", () => {
    const c = parseClusterConfig({
        clusterName: "ocp4", baseDomain: "example.com", machineNetwork: "10.10.0.0/16",
        libvirt: { uri: "qemu+ssh://root@host/system", poolPath: "/srv/pool" },
    }, "lab");
    assert.equal(c.clusterName, "ocp4");
    assert.equal(c.baseDomain, "example.com");
    assert.equal(c.machineNetwork, "10.10.0.0/16");
    assert.deepEqual(c.libvirt, { uri: "qemu+ssh://root@host/system", poolPath: "/srv/pool" });
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
];
for (const [key, raw, message] of bad) {
    test(`rejects bad ${key}: ${JSON.stringify(raw)}`, () => {
        assert.throws(() => parseClusterConfig(raw, "local"), (e: unknown) => {
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
