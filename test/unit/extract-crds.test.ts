import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { ROOT } from "../support/config";

// The OpenShift 4.18 CRDs of a Default, self-managed HA cluster (test data in ../shared, see its README).
const FIXTURE = path.resolve(ROOT, "../shared/fixtures/openshift-4.18-crds");
const filter = (files: string[]) => spawnSync("node", [path.join(ROOT, "tools/crd-filter.js"), ...files],
    { encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") } });

function crd(name: string, annotations: Record<string, string>): string {
    return YAML.stringify({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name, annotations } });
}

test("crd-filter keeps what the cluster-version-operator applies to a Default, self-managed HA cluster, and nothing else", { skip: !fs.existsSync(FIXTURE) && `no ${FIXTURE}` }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
    const HA = "include.release.openshift.io/self-managed-high-availability";
    const FS = "release.openshift.io/feature-set";
    const variants: Record<string, string> = {
        "infrastructures-TechPreviewNoUpgrade.crd.yaml": crd("infrastructures.config.openshift.io", { [HA]: "true", [FS]: "TechPreviewNoUpgrade" }),
        "infrastructures-DevPreviewNoUpgrade.crd.yaml": crd("infrastructures.config.openshift.io", { [HA]: "true", [FS]: "DevPreviewNoUpgrade" }),
        "infrastructures-CustomNoUpgrade.crd.yaml": crd("infrastructures.config.openshift.io", { [HA]: "true", [FS]: "CustomNoUpgrade" }),
        "infrastructures-OKD.crd.yaml": crd("infrastructures.config.openshift.io", { [HA]: "true", [FS]: "OKD" }),
        "hostedclusters-Hypershift.crd.yaml": crd("widgets.hypershift.openshift.io", { "include.release.openshift.io/ibm-cloud-managed": "true" }),
        "gadgets-Default+TechPreview.crd.yaml": crd("gadgets.example.openshift.io", { [HA]: "true", [FS]: "Default,TechPreviewNoUpgrade" }),
    };
    for (const [f, text] of Object.entries(variants)) fs.writeFileSync(path.join(dir, f), text);
    const real = fs.readdirSync(FIXTURE).filter((f) => f.endsWith(".yaml")).map((f) => path.join(FIXTURE, f));
    const r = filter([...real, ...Object.keys(variants).map((f) => path.join(dir, f))]);
    assert.equal(r.status, 0, r.stderr);
    const kept = r.stdout.trim().split("\n");
    assert.deepEqual(kept, [...real, path.join(dir, "gadgets-Default+TechPreview.crd.yaml")], "every fixture CRD and the Default-listing variant, no other");
    // Two kept files with one CRD: refused, naming both.
    fs.writeFileSync(path.join(dir, "again.crd.yaml"), crd("gadgets.example.openshift.io", { [HA]: "true" }));
    const clash = filter([path.join(dir, "gadgets-Default+TechPreview.crd.yaml"), path.join(dir, "again.crd.yaml")]);
    assert.equal(clash.status, 1);
    assert.match(clash.stderr, /gadgets\.example\.openshift\.io is in both .*gadgets-Default\+TechPreview\.crd\.yaml and .*again\.crd\.yaml/);
    fs.rmSync(dir, { recursive: true });
});
