import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { localConfig } from "../support/config";

// Every run warns about each extraArgs flag that allowInsecureFlags let through.
pulumi.runtime.setMocks({
    newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, sha256: {} } }),
    call: () => ({}),
}, "openshift-hard-way", "unit", true);

test("OpenShiftCluster warns about each auth-weakening flag allowed by allowInsecureFlags, and about nothing else", async () => {
    const { OpenShiftCluster } = await import("../../components/cluster");
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = (msg: string) => { warnings.push(msg); return Promise.resolve(); };
    const inputs = { pullSecret: pulumi.secret('{"auths":{}}') };
    try {
        new OpenShiftCluster("w", localConfig({ extraArgs: { etcd: { "client-cert-auth": "false" }, "kube-apiserver": { v: "4" } }, allowInsecureFlags: ["etcd.client-cert-auth"] }), inputs);
        new OpenShiftCluster("q", localConfig({ clusterName: "quiet", extraArgs: { "kube-apiserver": { v: "4" } } }), inputs);
    } finally {
        pulumi.log.warn = warn;
    }
    const insecure = warnings.filter((w) => w.includes("switch off authentication"));
    assert.deepEqual(insecure, ["extraArgs.etcd.client-cert-auth can switch off authentication, authorization or TLS client checks; allowed by allowInsecureFlags, fit for a throwaway lab only"]);
});
