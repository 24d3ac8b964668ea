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

test("tools/extract-crds copies only the kept CRDs, with a stand-in oc serving the fixture and its variants", { skip: !fs.existsSync(FIXTURE) && `no ${FIXTURE}` }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "extract-"));
    try {
        // What the images hold: the cluster-config-api image's /manifests (the fixture's
        // config CRDs plus a TechPreview variant), the release image's /release-manifests (CVO's).
        const api = path.join(dir, "api-image"), rel = path.join(dir, "release-image");
        fs.mkdirSync(api); fs.mkdirSync(rel);
        const files = fs.readdirSync(FIXTURE).filter((f) => f.endsWith(".yaml"));
        for (const f of files) fs.copyFileSync(path.join(FIXTURE, f), path.join(f.startsWith("0000_00_cluster-version-operator") ? rel : api, f));
        fs.writeFileSync(path.join(api, "0000_10_config-operator_01_infrastructures-TechPreviewNoUpgrade.crd.yaml"),
            crd("infrastructures.config.openshift.io", { "include.release.openshift.io/self-managed-high-availability": "true", "release.openshift.io/feature-set": "TechPreviewNoUpgrade" }));
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "oc"), `#!/usr/bin/env bash
case "$1 $2" in
  "adm release") echo "quay.io/example/cluster-config-api@sha256:${"a".repeat(64)}" ;;
  "image extract")
    case "$3" in *cluster-config-api*) src=${api} ;; *) src=${rel} ;; esac
    dest=\${5#*:}; mkdir -p "$dest"; cp "$src"/* "$dest"/ ;;
  *) echo "unexpected: oc $*" >&2; exit 3 ;;
esac
`, { mode: 0o755 });
        const out = path.join(dir, "out");
        const r = spawnSync("bash", [path.join(ROOT, "tools/extract-crds"), "quay.io/example/release@sha256:" + "b".repeat(64), out],
            { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.deepEqual(fs.readdirSync(out).sort(), [...files].sort(), "exactly the Default, self-managed HA CRDs");
        assert.match(r.stdout, new RegExp(`${files.length} CRDs in `));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
