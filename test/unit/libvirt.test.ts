import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { appsDnsmasqOptions, dhcpReservationsXslt, dnsHosts, LibvirtCluster } from "../../components/libvirt";
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

function output<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}

const lab = (overrides: Record<string, unknown> = {}) => localConfig({
    clusterName: "ocp", baseDomain: "example.com", machineNetwork: "10.20.0.0/24",
    libvirt: { uri: "qemu+ssh://root@lab/system", poolPath: "/srv/ocp", domainType: "kvm" },
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
    const infra = new LibvirtCluster("ocp", c, { ignition });
    assert.equal(await output(infra.networkName), "local-ocp");
    assert.equal(await output(infra.poolName), "local-ocp");
    await Promise.all(Object.values(infra.domainNames).map(output));
    const of = (t: string) => registered.filter((r) => r.type === `libvirt:index/${t}`);

    const [provider] = registered.filter((r) => r.type === "pulumi:providers:libvirt");
    assert.equal(provider.inputs.uri, "qemu+ssh://root@lab/system");
    const [network] = of("network:Network");
    assert.deepEqual([network.inputs.name, network.inputs.mode, network.inputs.domain, network.inputs.addresses],
        ["local-ocp", "nat", "ocp.example.com", ["10.20.0.0/24"]]);
    assert.equal(network.inputs.dns.hosts.length, dnsHosts(c).length);
    const [pool] = of("pool:Pool");
    assert.deepEqual([pool.inputs.type, pool.inputs.path], ["dir", "/srv/ocp"]);

    const volumes = of("volume:Volume");
    const base = volumes.filter((v) => !v.inputs.baseVolumeId);
    assert.equal(base.length, 1, "the OS image is uploaded once");
    assert.equal(base[0].inputs.size, 100 * 2 ** 30, "blank base as large as the smallest disk");
    const disks = volumes.filter((v) => v.inputs.baseVolumeId);
    assert.equal(disks.length, 4);
    for (const d of disks) assert.equal(d.inputs.baseVolumeId, "ocp-base-id", `${d.name} is a COW layer over the base`);
    assert.equal(disks.find((d) => d.name === "ocp-master-1-disk")!.inputs.size, 120 * 2 ** 30);

    const domains = of("domain:Domain");
    assert.deepEqual(domains.map((d) => d.inputs.name).sort(), ["local-ocp-bootstrap", "local-ocp-master-0", "local-ocp-master-1", "local-ocp-master-2"]);
    const m1 = domains.find((d) => d.name === "ocp-master-1")!;
    assert.deepEqual([m1.inputs.vcpu, m1.inputs.memory, m1.inputs.type, m1.inputs.cpu], [8, 24576, "kvm", { mode: "host-passthrough" }]);
    assert.equal(m1.inputs.coreosIgnition, "ocp-master-1-ignition-id");
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
    const infra = new LibvirtCluster("pivot", c, { ignition });
    await Promise.all(Object.values(infra.domainNames).map(output));
    const mine = registered.filter((r) => r.name.startsWith("pivot-"));
    assert.deepEqual(mine.filter((r) => r.type === "libvirt:index/domain:Domain").map((d) => d.name).sort(), ["pivot-master-0", "pivot-master-1", "pivot-master-2"]);
    assert.equal(mine.filter((r) => /bootstrap/.test(r.name)).length, 0);
    assert.deepEqual(infra.nodes.map((n) => n.name), ["master-0", "master-1", "master-2"]);
});
