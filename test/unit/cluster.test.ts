import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PODMAN_AUTH_PATH } from "../../components/ignition/nodes";
import { fileText, IgnitionConfig } from "../../components/ignition/spec";
import { PULL_SECRET_PATH } from "../../components/ignition/node-files";
import { localConfig } from "../support/config";

// The whole wiring under Pulumi's mocks, with stand-in PEMs for the tls resources.
pulumi.runtime.setMocks({
    newResource: (args) => {
        const state: Record<string, unknown> = { ...args.inputs, sha256: {} };
        if (args.type === "tls:index/privateKey:PrivateKey") {
            Object.assign(state, { privateKeyPem: `KEY(${args.name})`, publicKeyPem: `PUB(${args.name})`, publicKeyOpenssh: `ssh-ed25519 PUB${args.name}\n`, privateKeyOpenssh: `OPENSSH KEY(${args.name})` });
        }
        if (args.type === "tls:index/certRequest:CertRequest") state.certRequestPem = `CSR(${args.name})`;
        if (args.type.endsWith("SelfSignedCert") || args.type.endsWith("LocallySignedCert")) {
            Object.assign(state, { certPem: `CERT(${args.name})\n`, validityStartTime: "2026-12-01T00:00:00Z", validityEndTime: "2036-11-29T00:00:00Z" });
        }
        return { id: `${args.name}-id`, state };
    },
    call: () => ({}),
}, "openshift-hard-way", "unit", true);

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply(r));

test("OpenShiftCluster hands the program's pull secret, as its very text and secret, to the bootstrap config", async () => {
    const { OpenShiftCluster } = await import("../../components/cluster");
    const text = '{\n  "auths": { "quay.io": { "auth": "dXNlcjpwYXNz" } }\n}\n';
    const cluster = new OpenShiftCluster("ps", localConfig({ clusterName: "ps" }), { pullSecret: pulumi.secret(text) });
    const boot = cluster.ignition.configs.bootstrap;
    assert.equal(await (boot as any).isSecret, true);
    const files = Object.fromEntries((JSON.parse(await value(boot)) as IgnitionConfig).storage!.files!.map((f) => [f.path, f]));
    assert.equal(fileText(files[PULL_SECRET_PATH]), text);
    assert.equal(fileText(files[PODMAN_AUTH_PATH]), text);
    const manifest = fileText(files["/opt/openshift/manifests/06-pull-secret.yaml"]);
    assert.ok(manifest.includes(Buffer.from(text).toString("base64")), "06-pull-secret.yaml carries it too");
    // The masters' pointers carry none: the machine-config-server serves it to them.
    for (const m of ["master-0", "master-1", "master-2"]) {
        const pointer = JSON.parse(await value(cluster.ignition.configs[m])) as IgnitionConfig;
        assert.ok(pointer.storage!.files!.length > 0);
        for (const f of pointer.storage!.files!) assert.ok(!fileText(f).includes("dXNlcjpwYXNz"), `${m}:${f.path}`);
    }
});
