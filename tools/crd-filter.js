#!/usr/bin/env node
// tools/crd-filter.js FILE... — prints, one per line, the CRD files a self-managed, highly
// available cluster with the Default feature set gets, as the cluster-version-operator chooses
// its manifests (openshift/cluster-version-operator lib/manifest, openshift/library-go
// pkg/manifest, release-4.18): the annotation
// `include.release.openshift.io/self-managed-high-availability: "true"` must be there, and
// `release.openshift.io/feature-set`, if there, must list `Default`. Exits 1 (and says which) if
// two kept files define the same CRD, since `oc apply -f dir/` would let the last one win.
const fs = require("node:fs");
const YAML = require("yaml");

const PROFILE = "include.release.openshift.io/self-managed-high-availability";
const FEATURE_SET = "release.openshift.io/feature-set";

/** Whether one parsed document is a CRD the Default, self-managed HA payload applies. */
function included(doc) {
    if (!doc || doc.kind !== "CustomResourceDefinition") return false;
    const a = (doc.metadata && doc.metadata.annotations) || {};
    if (a[PROFILE] !== "true") return false;
    if (a[FEATURE_SET] === undefined) return true;
    return String(a[FEATURE_SET]).split(",").map((s) => s.trim()).includes("Default");
}

const owner = new Map();
let clash = false;
for (const file of process.argv.slice(2)) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJSON());
    const kept = docs.filter(included);
    if (kept.length === 0) continue;
    for (const d of kept) {
        const name = d.metadata.name;
        if (owner.has(name)) { console.error(`crd-filter: ${name} is in both ${owner.get(name)} and ${file}`); clash = true; }
        owner.set(name, file);
    }
    console.log(file);
}
process.exit(clash ? 1 : 0);
