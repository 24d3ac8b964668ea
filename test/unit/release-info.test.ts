import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { parseClusterConfig } from "../../components/config/schema";
import { ROOT } from "../support/config";

const FIXTURE = path.join(ROOT, "test/fixtures/release-info-4.18.0.json");
const IMAGE = "quay.io/openshift-release-dev/ocp-release:4.18.0-x86_64";

/** A stand-in `oc` that prints `json` for `oc adm release info <image> -o json` and records its arguments. */
function fakeOc(json: string): { env: NodeJS.ProcessEnv; argsFile: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-oc-"));
    fs.writeFileSync(path.join(dir, "out.json"), json);
    const argsFile = path.join(dir, "args");
    fs.writeFileSync(path.join(dir, "oc"), `#!/bin/sh\necho "$@" > ${argsFile}\ncat ${dir}/out.json\n`, { mode: 0o755 });
    return { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, argsFile };
}

test("tools/release-info turns oc's release info into a valid release block", () => {
    const { env, argsFile } = fakeOc(fs.readFileSync(FIXTURE, "utf8"));
    const out = execFileSync("bash", [path.join(ROOT, "tools/release-info"), IMAGE, "--registry-config", "/tmp/ps.json"], { env, encoding: "utf8" });
    assert.equal(fs.readFileSync(argsFile, "utf8").trim(), `adm release info ${IMAGE} --registry-config /tmp/ps.json -o json`);
    const block = YAML.parse(out)["openshift-hard-way:release"];
    const c = parseClusterConfig({ release: block, osImage: "blank" }, "t");
    assert.equal(c.release.version, "4.18.0");
    assert.equal(c.release.image, `quay.io/openshift-release-dev/ocp-release@sha256:${"5b".repeat(32)}`);
    assert.equal(c.release.images.kubeProxy, `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${"b9".repeat(32)}`);
    assert.equal(c.release.images.machineConfigOperator, `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${"c9".repeat(32)}`);
    assert.equal(c.release.images.clusterPolicyController, `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${"ef".repeat(32)}`);
});

test("tools/release-info fails on a release without a needed image", () => {
    for (const missing of ["kube-proxy", "cluster-policy-controller"]) {
        const info = JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
        info.references.spec.tags = info.references.spec.tags.filter((t: { name: string }) => t.name !== missing);
        const { env } = fakeOc(JSON.stringify(info));
        const r = spawnSync("bash", [path.join(ROOT, "tools/release-info"), IMAGE], { env, encoding: "utf8" });
        assert.notEqual(r.status, 0, missing);
        assert.match(r.stderr, new RegExp(`has no ${missing} image pinned by digest`));
    }
});
