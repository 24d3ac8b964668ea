import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { MASTER_BOOTSTRAP_KUBECONFIG } from "../node-paths";
import { staticPod } from "./common";

/**
 * kube-proxy on each master (othw-facts §5.7): `kube-system/kube-proxy`. Every operator reaches the
 * API at the `kubernetes` Service IP, which needs Service NAT before OVN-Kubernetes (itself an
 * operator) can provide it; kube-proxy breaks that loop until OVN takes over.
 */
export function kubeProxyPod(c: ClusterConfig): IPod {
    return staticPod({
        extraArgs: c.extraArgs["kube-proxy"],
        name: "kube-proxy",
        namespace: "kube-system",
        mounts: [{ name: "kubeconfig", hostPath: MASTER_BOOTSTRAP_KUBECONFIG, mountPath: MASTER_BOOTSTRAP_KUBECONFIG, readOnly: true }],
        container: {
            name: "kube-proxy",
            // Its own image: hyperkube's wrapper entrypoint fails here with "ID cannot be empty".
            image: c.release.images.kubeProxy,
            command: [
                "/usr/bin/kube-proxy",
                // The kubelet bootstrap kubeconfig (the node-bootstrapper service account's
                // identity, bound to system:node-proxier by the cluster manifests).
                `--kubeconfig=${MASTER_BOOTSTRAP_KUBECONFIG}`,
                // Traffic from outside the pod network to a ClusterIP is masqueraded.
                `--cluster-cidr=${c.clusterNetwork.cidr}`,
                "--v=2",
            ],
            // Writes iptables rules on the host.
            securityContext: { privileged: true },
        },
    });
}
