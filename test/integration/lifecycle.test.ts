import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { removeStack, ROOT, throwawayStack, virsh } from "./harness";

// preview -> up -> preview (no changes) -> one-flag change preview -> destroy on a throwaway
// stack, against the real libvirtd and the real pulumi CLI, checked with virsh and on disk. The
// machine network is not the local stack's, so both can be up at once.
let stack: Stack;
let name: string;
before(async () => {
    stack = await throwawayStack("lifecycle", { clusterName: "it", machineNetwork: "192.168.141.0/24" });
    name = `${stack.name}-it`;
});
after(async () => {
    if (stack) await removeStack(stack);
});


test("preview, up, no-change preview, one-flag preview and destroy", async () => {
    const assets = path.join(ROOT, "assets", stack.name, "manifests");
    const apiserver = "bootstrap/etc/kubernetes/manifests/kube-apiserver-bootstrap.yaml";

    const first = await stack.preview();
    const RESOURCES = first.changeSummary.create ?? 0;
    assert.deepEqual(Object.keys(first.changeSummary), ["create"], "a new stack only creates");
    assert.ok(RESOURCES > 100, `the whole cluster is planned: ${RESOURCES} resources`);
    assert.equal(virsh("net-info", name), null, "preview must not create the network");
    assert.equal(fs.existsSync(assets), false, "preview must not write assets");

    const up = await stack.up();
    assert.equal(up.summary.result, "succeeded");
    assert.equal(up.outputs.networkName.value, name);
    const net = virsh("net-info", name);
    assert.ok(net, `network ${name} exists after up`);
    assert.match(net, /Active:\s+yes/);
    assert.match(virsh("net-dumpxml", name) ?? "", /<ip family='ipv4' address='192\.168\.141\.1' prefix='24'>/);
    assert.match(virsh("net-dumpxml", name) ?? "", /<domain name='it\.lab\.local' localOnly='yes'\/>/);
    assert.match(virsh("pool-info", name) ?? "", /State:\s+running/);
    assert.match(fs.readFileSync(path.join(assets, apiserver), "utf8"), /- --v=2\n/);
    assert.equal(fs.statSync(path.join(ROOT, "assets", stack.name)).mode & 0o777, 0o700, "asset directory is private");

    // The Ignition configs: valid for ignition-validate, private files.
    for (const node of ["bootstrap", "master-0", "master-1", "master-2"]) {
        const ign = path.join(ROOT, "assets", stack.name, `${node}.ign`);
        assert.equal(fs.statSync(ign).mode & 0o777, 0o600, `${node}.ign is 0600`);
        const r = spawnSync("ignition-validate", [ign], { encoding: "utf8" });
        assert.equal(r.status, 0, `${node}.ign: ${r.stdout}${r.stderr}`);
    }
    // No secret in plain text: not in the state the CLI exports, not in the up's output.
    const state = execFileSync("pulumi", ["stack", "export", "--stack", stack.name], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 << 20 });
    const leaks = ["PRIVATE KEY-----", Buffer.from("-----BEGIN RSA PRIVATE KEY").toString("base64").slice(0, 24),
        "/usr/local/bin/bootkube.sh", '\\"auths\\"'];
    for (const needle of leaks) {
        assert.equal(state.includes(needle), false, `state holds ${needle} in plain text`);
        assert.equal(up.stdout.includes(needle), false, `up's output shows ${needle}`);
    }

    const second = await stack.preview();
    assert.deepEqual(second.changeSummary, { same: RESOURCES });

    // One kube-apiserver flag: the preview names that one manifest, and nothing else changes.
    await stack.setConfig("openshift-hard-way:extraArgs.kube-apiserver.v", { value: "4" }, true);
    const steps: { op: string; urn: string }[] = [];
    const third = await stack.preview({
        diff: true,
        onEvent: (e: EngineEvent) => {
            const m = e.resOutputsEvent?.metadata;
            // The dynamic-provider plugin is configured with the whole stack config, so its
            // default provider "updates" on any config change; it replaces no resource.
            if (m && m.op !== "same" && !m.type.startsWith("pulumi:providers:")) {
                steps.push({ op: m.op, urn: m.urn });
            }
        },
    });
    // The manifest changes, and so does the bootstrap node's Ignition config that embeds it;
    // the masters' configs do not.
    assert.deepEqual(third.changeSummary, { same: RESOURCES - 2, update: 2 });
    const changed = steps.map((x) => `${x.op} ${x.urn.split("::").pop()}`).sort();
    assert.deepEqual(changed, [`update ${apiserver}`, `update ${stack.name}/bootstrap.ign`]);
    assert.match(third.stdout, /kube-apiserver-bootstrap\.yaml/);
    assert.match(third.stdout, /"--v=2" => "--v=4"/, "the diff names the changed flag");
    if (process.env.SHOW_PREVIEW) console.log(third.stdout);
    await stack.removeConfig("openshift-hard-way:extraArgs");

    const down = await stack.destroy();
    assert.equal(down.summary.result, "succeeded");
    assert.equal(virsh("net-info", name), null, "network is gone after destroy");
    assert.equal(virsh("pool-info", name), null, "pool is gone after destroy");
    assert.equal(fs.existsSync(path.join(assets, apiserver)), false, "assets are gone after destroy");
});
