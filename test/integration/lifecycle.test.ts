import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { Stack } from "@pulumi/pulumi/automation";
import { removeStack, throwawayStack, virsh } from "./harness";

// preview -> up -> preview (no changes) -> destroy on a throwaway stack, against the real
// libvirtd, checked with virsh. The machine network is not the local stack's, so both can be up.
let stack: Stack;
let name: string;
before(async () => {
    stack = await throwawayStack("lifecycle", {
        clusterName: "it",
        machineNetwork: "192.168.141.0/24",
    });
    name = `${stack.name}-it`;
});
after(async () => {
    if (stack) await removeStack(stack);
});

test("preview, up, no-change preview and destroy manage the real libvirt network and pool", async () => {
    const first = await stack.preview();
    assert.equal(first.changeSummary.create, 6, JSON.stringify(first.changeSummary));
    assert.equal(virsh("net-info", name), null, "preview must not create the network");

    const up = await stack.up();
    assert.equal(up.summary.result, "succeeded");
    assert.equal(up.outputs.networkName.value, name);
    const net = virsh("net-info", name);
    assert.ok(net, `network ${name} exists after up`);
    assert.match(net, /Active:\s+yes/);
    assert.match(virsh("net-dumpxml", name) ?? "", /<ip family='ipv4' address='192\.168\.141\.1' prefix='24'>/);
    assert.match(virsh("net-dumpxml", name) ?? "", /<domain name='it\.lab\.local' localOnly='yes'\/>/);
    assert.match(virsh("pool-info", name) ?? "", /State:\s+running/);

    const second = await stack.preview();
    assert.deepEqual(second.changeSummary, { same: 6 });

    const down = await stack.destroy();
    assert.equal(down.summary.result, "succeeded");
    assert.equal(virsh("net-info", name), null, "network is gone after destroy");
    assert.equal(virsh("pool-info", name), null, "pool is gone after destroy");
});
