import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LibvirtCluster } from "../../components/libvirt";
import { ignitionFilePath } from "../../components/libvirt/host";
import { appsDnsmasqOptions, dhcpReservationsXslt, dnsHosts } from "../../components/libvirt/network";
import { domainXslt, ownerMark, permissionsXslt } from "../../components/libvirt/xslt";
import { localConfig } from "../support/config";

interface Registered { type: string; name: string; inputs: Record<string, any>; provider?: string }
const registered: Registered[] = [];
pulumi.runtime.setMocks({
    newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
}, "openshift-hard-way", "unit", true);

/** What IgnitionConfigs hands over: the file resource and each file's hash. */
function ignitionFiles(nodes: string[]) {
    return {
        resource: new (class Files extends pulumi.CustomResource {})("test:index:Files", `files-${nodes.join("-")}-${registered.length}`, {}),
        sha256: pulumi.output(Object.fromEntries(nodes.map((n) => [`${n}.ign`, `sha-of-${n}`]))),
    };
}

/** Runs xsltproc (the program the provider runs) over `xml` with `xsl`. */
function xslt(xsl: string, xml: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "othw-xslt-"));
    fs.writeFileSync(`${dir}/t.xsl`, xsl);
    fs.writeFileSync(`${dir}/t.xml`, xml);
    const out = spawnSync("xsltproc", ["--nonet", `${dir}/t.xsl`, `${dir}/t.xml`], { encoding: "utf8" });
    fs.rmSync(dir, { recursive: true });
    assert.equal(out.status, 0, out.stderr);
    return out.stdout;
}

function output<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}

const lab = (overrides: Record<string, unknown> = {}) => localConfig({
    clusterName: "ocp", baseDomain: "example.com", machineNetwork: "10.20.0.0/24",
    libvirt: { uri: "qemu+ssh://root@lab/system", poolPath: "/srv/ocp", domainType: "kvm", qemuOwner: "107:107" },
    vm: { bootstrap: { vcpu: 4, memoryMiB: 16384, diskGiB: 100 }, master: { vcpu: 8, memoryMiB: 24576, diskGiB: 120 } },
    ...overrides,
});

test("DNS: node names, api/api-int round-robin over bootstrap and masters, etcd-N, *.apps on the masters", () => {
    const c = lab();
    const hosts = dnsHosts(c);
    const ips = (h: string) => hosts.filter((x) => x.hostname === h).map((x) => x.ip).sort();
    assert.deepEqual(ips("api.ocp.example.com"), ["10.20.0.100", "10.20.0.101", "10.20.0.102", "10.20.0.103"]);
    assert.deepEqual(ips("api-int.ocp.example.com"), ips("api.ocp.example.com"));
    assert.deepEqual(ips("etcd-2.ocp.example.com"), ["10.20.0.103"]);
    assert.deepEqual(ips("bootstrap.ocp.example.com"), ["10.20.0.100"]);
    assert.deepEqual(appsDnsmasqOptions(c).map((o) => `${o.optionName}=${o.optionValue}`),
        ["address=/apps.ocp.example.com/10.20.0.101", "address=/apps.ocp.example.com/10.20.0.102", "address=/apps.ocp.example.com/10.20.0.103"]);
    // bootstrap: false takes its records away and nothing else.
    const after = dnsHosts(lab({ bootstrap: false }));
    assert.deepEqual(after, hosts.filter((h) => h.ip !== "10.20.0.100"));
});

test("DHCP reservations: xsltproc adds one <host> per master, none for the bootstrap node (before or after the pivot), and keeps the rest", () => {
    // What the provider generates for the network (trimmed), through the stylesheet with the
    // same xsltproc the provider runs.
    const generated = `<network><name>n</name><dns enable="yes"><host ip="10.20.0.100"><hostname>api</hostname></host></dns>` +
        `<ip address="10.20.0.1" prefix="24"><dhcp><range start="10.20.0.2" end="10.20.0.254"/></dhcp></ip></network>`;
    for (const bootstrap of [true, false]) {
        const c = lab({ bootstrap });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "othw-xslt-"));
        fs.writeFileSync(`${dir}/net.xsl`, dhcpReservationsXslt(c));
        fs.writeFileSync(`${dir}/net.xml`, generated);
        const out = spawnSync("xsltproc", ["--nonet", `${dir}/net.xsl`, `${dir}/net.xml`], { encoding: "utf8" });
        fs.rmSync(dir, { recursive: true });
        assert.equal(out.status, 0, out.stderr);
        const hosts = [...out.stdout.matchAll(/<host mac="([^"]+)" name="([^"]+)" ip="([^"]+)"\/>/g)].map((m) => m.slice(1));
        assert.deepEqual(hosts, c.nodes.masters.map((n) => [n.mac, n.name, n.ip]));
        assert.match(out.stdout, /<range start="10\.20\.0\.2" end="10\.20\.0\.254"\/>\s*<host /, "the range is kept, the hosts follow it");
        assert.match(out.stdout, /<dns enable="yes">\s*<host ip="10\.20\.0\.100">\s*<hostname>api<\/hostname>/, "DNS is untouched");
    }
    assert.equal(dhcpReservationsXslt(lab({ bootstrap: false })), dhcpReservationsXslt(lab()), "the pivot does not replace the network");
});

test("LibvirtCluster: network, pool, one base volume, and per node a COW disk, an Ignition volume and a domain", async () => {
    const c = lab();
    const ignition = Object.fromEntries(["bootstrap", "master-0", "master-1", "master-2"].map((n) => [n, pulumi.secret(`{"ign":"${n}"}`)]));
    const infra = new LibvirtCluster("ocp", c, { ignition, ignitionFiles: ignitionFiles(Object.keys(ignition)) });
    assert.equal(await output(infra.networkName), "local_ocp");
    assert.equal(await output(infra.poolName), "local_ocp");
    await Promise.all(Object.values(infra.domainNames).map(output));
    const of = (t: string) => registered.filter((r) => r.type === `libvirt:index/${t}`);

    const [provider] = registered.filter((r) => r.type === "pulumi:providers:libvirt");
    assert.equal(provider.inputs.uri, "qemu+ssh://root@lab/system");
    const [network] = of("network:Network");
    assert.deepEqual([network.inputs.name, network.inputs.mode, network.inputs.domain, network.inputs.addresses],
        ["local_ocp", "nat", "ocp.example.com", ["10.20.0.0/24"]]);
    assert.equal(network.inputs.dns.hosts.length, dnsHosts(c).length);
    const [pool] = of("pool:Pool");
    assert.deepEqual([pool.inputs.type, pool.inputs.path], ["dir", "/srv/ocp"]);

    const volumes = of("volume:Volume");
    for (const v of volumes) assert.equal(v.inputs.xml.xslt, permissionsXslt("volume", "0600", { uid: 107, gid: 107 }), `${v.name} is 0600, QEMU's (libvirt.qemuOwner)`);
    assert.equal(pool.inputs.xml.xslt, permissionsXslt("pool", "0700", { uid: 107, gid: 107 }));
    const ign = volumes.filter((v) => v.inputs.name.endsWith(".ign"));
    assert.deepEqual(ign.map((v) => v.inputs.name).sort(), ["local_ocp_bootstrap.ign", "local_ocp_master-0.ign", "local_ocp_master-1.ign", "local_ocp_master-2.ign"]);
    for (const v of ign) assert.equal(v.inputs.source, ignitionFilePath(c, v.inputs.name.slice("local_ocp_".length, -4)), "uploaded from the 0600 asset file");
    assert.ok(ign.every((v) => v.inputs.content === undefined), "no Ignition content in a volume's inputs (state)");
    const base = volumes.filter((v) => !v.inputs.baseVolumeId && !v.inputs.name.endsWith(".ign"));
    assert.equal(base.length, 1, "the OS image is uploaded once");
    assert.equal(base[0].inputs.size, 100 * 2 ** 30, "blank base as large as the smallest disk");
    const disks = volumes.filter((v) => v.inputs.baseVolumeId);
    assert.equal(disks.length, 4);
    for (const d of disks) assert.equal(d.inputs.baseVolumeId, "ocp-base-id", `${d.name} is a COW layer over the base`);
    assert.equal(disks.find((d) => d.name === "ocp-master-1-disk")!.inputs.size, 120 * 2 ** 30);

    const domains = of("domain:Domain");
    assert.deepEqual(domains.map((d) => d.inputs.name).sort(), ["local_ocp_bootstrap", "local_ocp_master-0", "local_ocp_master-1", "local_ocp_master-2"]);
    const m1 = domains.find((d) => d.name === "ocp-master-1")!;
    assert.deepEqual([m1.inputs.vcpu, m1.inputs.memory, m1.inputs.type, m1.inputs.cpu], [8, 24576, "kvm", { mode: "host-passthrough" }]);
    assert.equal(m1.inputs.coreosIgnition, "ocp-master-1-ignition-id;sha-of-master-1", "the volume's key, then the config's hash: a new config, a new VM");
    assert.equal(m1.inputs.xml.xslt, domainXslt(c));
    assert.deepEqual(m1.inputs.disks, [{ volumeId: "ocp-master-1-disk-id" }]);
    const nic = m1.inputs.networkInterfaces[0];
    assert.deepEqual([nic.networkId, nic.mac, nic.addresses, nic.hostname], ["ocp-network-id", c.nodes.masters[1].mac, undefined, undefined],
        "the MAC only: the network's DHCP reservation gives the IP and name");
    assert.equal(network.inputs.xml.xslt, dhcpReservationsXslt(c));
    assert.deepEqual(infra.nodes.map((n) => [n.name, n.role, n.ip]), [
        ["bootstrap", "bootstrap", "10.20.0.100"], ["master-0", "master", "10.20.0.101"], ["master-1", "master", "10.20.0.102"], ["master-2", "master", "10.20.0.103"]]);
    assert.match(c.nodes.masters[1].mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
});

test("bootstrap: false leaves out exactly the bootstrap node's disk, Ignition volume and domain", async () => {
    const c = lab({ bootstrap: false, clusterName: "pivot" });
    const ignition = Object.fromEntries(["master-0", "master-1", "master-2"].map((n) => [n, pulumi.secret("{}")]));
    const infra = new LibvirtCluster("pivot", c, { ignition, ignitionFiles: ignitionFiles(Object.keys(ignition)) });
    await Promise.all(Object.values(infra.domainNames).map(output));
    const mine = registered.filter((r) => r.name.startsWith("pivot-"));
    assert.deepEqual(mine.filter((r) => r.type === "libvirt:index/domain:Domain").map((d) => d.name).sort(), ["pivot-master-0", "pivot-master-1", "pivot-master-2"]);
    assert.equal(mine.filter((r) => /bootstrap/.test(r.name)).length, 0);
    assert.deepEqual(infra.nodes.map((n) => n.name), ["master-0", "master-1", "master-2"]);
});

test("owner mark: the domain's and the network's XML get it in <metadata>, made or kept; pool and volumes get their modes and QEMU's owner", () => {
    const c = lab();
    const mark = ownerMark(c);
    assert.equal(mark, `<othw:owner xmlns:othw="urn:openshift-hard-way:owner:1" stack="local" cluster="ocp"/>`);
    const dom = xslt(domainXslt(c), `<domain type="kvm"><name>d</name><devices/></domain>`);
    assert.match(dom, /<metadata>\s*<othw:owner xmlns:othw="urn:openshift-hard-way:owner:1" stack="local" cluster="ocp"\/>\s*<\/metadata>/);
    assert.match(dom, /<devices\/>/, "the rest is kept");
    const dom2 = xslt(domainXslt(c), `<domain type="kvm"><name>d</name><metadata><x:y xmlns:x="urn:x"/></metadata></domain>`);
    assert.match(dom2, /<metadata>\s*<x:y xmlns:x="urn:x"\/>\s*<othw:owner [^>]*stack="local" cluster="ocp"\/>\s*<\/metadata>/, "an existing <metadata> keeps its elements");
    assert.equal((dom2.match(/<metadata>/g) ?? []).length, 1);
    const net = xslt(dhcpReservationsXslt(c), `<network><name>n</name><ip address="10.20.0.1" prefix="24"><dhcp/></ip></network>`);
    assert.match(net, /<metadata>\s*<othw:owner [^>]*stack="local" cluster="ocp"\/>/);
    const owner = { uid: 64055, gid: 108 };
    const pool = xslt(permissionsXslt("pool", "0700", owner), `<pool type="dir"><name>p</name><target><path>/srv/p</path></target></pool>`);
    assert.match(pool, /<target>\s*<path>\/srv\/p<\/path>\s*<permissions>\s*<mode>0700<\/mode>\s*<owner>64055<\/owner>\s*<group>108<\/group>\s*<\/permissions>\s*<\/target>/);
    const vol = xslt(permissionsXslt("volume", "0600", owner), `<volume><name>v</name><target><format type="raw"/><permissions><mode>644</mode></permissions></target></volume>`);
    assert.match(vol, /<permissions>\s*<mode>0600<\/mode>\s*<owner>64055<\/owner>\s*<group>108<\/group>\s*<\/permissions>/);
    assert.doesNotMatch(vol, /644/, "the provider's 644 is replaced");
});
