// Reads `oc adm release info -o json` on stdin and prints the stack config release block.
// Usage: node tools/release-info.js <release image as given to oc>
"use strict";
const fs = require("fs");
const YAML = require("yaml");

const info = JSON.parse(fs.readFileSync(0, "utf8"));
const given = process.argv[2] || info.image;
// The release repository: the given pull spec without its tag or digest.
const repository = given.split("@")[0].replace(/:[^/]*$/, "");
const tags = (info.references && info.references.spec && info.references.spec.tags) || [];
function tag(name) {
    const t = tags.find((x) => x.name === name);
    if (!t || !t.from || !/@sha256:[0-9a-f]{64}$/.test(t.from.name)) {
        throw new Error(`release ${given} has no ${name} image pinned by digest`);
    }
    return t.from.name;
}
if (!/^sha256:[0-9a-f]{64}$/.test(info.digest || "")) throw new Error(`oc reported no digest for ${given}`);
const release = {
    version: info.metadata.version,
    image: `${repository}@${info.digest}`,
    images: {
        etcd: tag("etcd"),
        // OpenShift 4.18 has no kube-apiserver/-controller-manager/-scheduler tags: all three run from hyperkube.
        hyperkube: tag("hyperkube"),
        kubeProxy: tag("kube-proxy"),
        pod: tag("pod"),
        // bootkube.sh's MCO bootstrap render (the machine-config-server on the bootstrap node).
        machineConfigOperator: tag("machine-config-operator"),
        // The bootstrap kube-controller-manager pod's second container: the image the controller-manager
        // operator's render takes as --cluster-policy-controller-image (openshift/cluster-kube-controller-manager-operator
        // pkg/cmd/render/render.go, release-4.18).
        clusterPolicyController: tag("cluster-policy-controller"),
    },
};
process.stdout.write(`  # ${given} (${info.metadata.version}), from oc adm release info\n`);
process.stdout.write(YAML.stringify({ "openshift-hard-way:release": release }).replace(/^(?=.)/gm, "  "));
