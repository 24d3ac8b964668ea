import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parseClusterConfig } from "../../components/config";
import { localStackValues } from "../support/config";
import { LibvirtCluster } from "../../components/libvirt";

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

test("LibvirtCluster makes a NAT network for the machine network and a dir pool, through its own provider", async () => {
    const config = parseClusterConfig({ clusterName: "ocp", baseDomain: "example.com", machineNetwork: "10.20.0.0/24",
        libvirt: { uri: "qemu+ssh://root@lab/system", poolPath: "/srv/ocp" }, release: localStackValues().release }, "lab");
    const infra = new LibvirtCluster("ocp", config);
    assert.equal(await output(infra.networkName), "lab-ocp");
    assert.equal(await output(infra.poolName), "lab-ocp");
    assert.equal(infra.gateway, "10.20.0.1");

    const byType = (t: string) => registered.filter((r) => r.type === t);
    const [provider] = byType("pulumi:providers:libvirt");
    assert.equal(provider.inputs.uri, "qemu+ssh://root@lab/system");

    const [network] = byType("libvirt:index/network:Network");
    assert.deepEqual(
        { name: network.inputs.name, mode: network.inputs.mode, domain: network.inputs.domain, addresses: network.inputs.addresses },
        { name: "lab-ocp", mode: "nat", domain: "ocp.example.com", addresses: ["10.20.0.0/24"] });
    assert.deepEqual(network.inputs.dns, { enabled: true, localOnly: true });
    assert.match(network.provider ?? "", /pulumi:providers:libvirt::ocp-provider::/);

    const [pool] = byType("libvirt:index/pool:Pool");
    assert.deepEqual({ name: pool.inputs.name, type: pool.inputs.type, path: pool.inputs.path },
        { name: "lab-ocp", type: "dir", path: "/srv/ocp" });
    assert.match(pool.provider ?? "", /ocp-provider/);
});
