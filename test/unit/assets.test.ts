import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { OTHW_PLUGIN_VERSION, RenderedFiles } from "../../components/assets";
import { ROOT } from "../support/config";

// What the program asks of the openshift-hard-way plugin. The plugin's own behaviour (writing,
// diffing, refreshing, removing files) is tested in Go: tools/plugins/assets/provider.
interface Registered { type: string; name: string; inputs: Record<string, any> }
const registered: Registered[] = [];
pulumi.runtime.setMocks({
    newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
}, "openshift-hard-way", "unit", true);

test("RenderedFiles: one resource of the openshift-hard-way plugin, one input property per file", async () => {
    const r = new RenderedFiles("unit/pki", {
        root: "assets/unit",
        files: { "tls/ca.crt": { content: "CERT", mode: 0o644 }, "tls/ca.key": { content: pulumi.secret("KEY"), mode: 0o600 } },
    });
    await new Promise((resolve) => r.urn.apply(resolve));
    const [reg] = registered.filter((x) => x.name === "unit/pki");
    assert.equal(reg.type, "openshift-hard-way:index:RenderedFiles");
    assert.equal(reg.inputs.root, "assets/unit");
    assert.deepEqual(reg.inputs["tls/ca.crt"], { content: "CERT", mode: 0o644 });
    // (mocks see a property holding a secret as Pulumi's wrapped secret)
    const key = reg.inputs["tls/ca.key"];
    assert.equal(key["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "the key file stays secret");
    assert.deepEqual(key.value, { content: "KEY", mode: 0o600 });
    assert.deepEqual(Object.keys(reg.inputs).sort(), ["root", "tls/ca.crt", "tls/ca.key"]);
});

test("RenderedFiles: a file path may not shadow the resource's own properties", () => {
    for (const bad of ["root", "sha256", "__provider"]) {
        assert.throws(() => new RenderedFiles("t", { root: "assets/t", files: { [bad]: { content: "x", mode: 0o644 } } }),
            new RegExp(`${bad} cannot be a file path`));
    }
});

test("the plugin version the program asks for is the one tools/setup installs", () => {
    const pinned = /^OTHW_PLUGIN_VERSION=(\S+)/m.exec(fs.readFileSync(path.join(ROOT, "tools/versions.sh"), "utf8"));
    assert.equal(pinned?.[1], OTHW_PLUGIN_VERSION);
});
