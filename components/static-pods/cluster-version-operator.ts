import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { kubeconfig } from "../node-paths";
import { KUBECONFIGS, staticPod } from "./common";

/**
 * The bootstrap cluster-version-operator: `openshift-cluster-version/cvo-bootstrap`, modelled on
 * the CVO's own bootstrap pod (openshift/cluster-version-operator
 * bootstrap/bootstrap-pod.yaml, release-4.18), which openshift-install's bootkube.sh renders.
 * A static pod because the bootstrap kubelet never registers, so no Deployment can land there.
 * It crash-loops until bootkube has applied the CRDs and the FeatureGate; that is expected.
 */
export function clusterVersionOperatorPod(c: ClusterConfig): IPod {
    return staticPod({
        extraArgs: c.extraArgs["cluster-version-operator"],
        name: "cvo-bootstrap",
        namespace: "openshift-cluster-version",
        labels: { "k8s-app": "cluster-version-operator" },
        mounts: [KUBECONFIGS],
        container: {
            name: "cluster-version-operator",
            // The release image itself, not the cluster-version-operator tag: only the release
            // image holds /release-manifests, and its entrypoint is the CVO.
            image: c.release.image,
            args: [
                "start",
                // The payload to apply.
                `--release-image=${c.release.image}`,
                // Never move the cluster to another release on its own.
                "--enable-auto-update=false",
                // The local API server as system:admin (bootkube's kubeconfig).
                `--kubeconfig=${kubeconfig("localhost")}`,
                // No metrics endpoint: serving one needs a TLS certificate the bootstrap lacks.
                "--listen=",
                "--v=2",
            ],
            env: [
                // In-cluster client settings point at the local API server, not the Service IP,
                // which nothing routes on the bootstrap node.
                { name: "KUBERNETES_SERVICE_HOST", value: "127.0.0.1" },
                { name: "KUBERNETES_SERVICE_PORT", value: "6443" },
                { name: "NODE_NAME", value: c.nodes.bootstrap.name },
                // Selects the manifests of a standard HA cluster from the payload.
                { name: "CLUSTER_PROFILE", value: "self-managed-high-availability" },
            ],
            // Privileged, as the CVO's own bootstrap pod (bootstrap/bootstrap-pod.yaml, release-4.18).
            securityContext: { privileged: true },
        },
    });
}
