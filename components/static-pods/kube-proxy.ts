import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { MASTER_BOOTSTRAP_KUBECONFIG } from "../node-paths";
import { staticPod } from "./common";

/**
 * kube-proxy on each master (flags: kubernetes/kubernetes cmd/kube-proxy/app, release-1.31):
 * `kube-system/kube-proxy`, a bridge of this project's (openshift-install runs none). Every operator reaches the
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
                // Leave the connection-tracking table's size to the node: without this, kube-proxy
                // raises the host-wide nf_conntrack_max to 32768 per core (at least 131072), and
                // exits where it may not ("open /proc/sys/net/netfilter/nf_conntrack_max:
                // permission denied" outside the host's network namespace). On OpenShift the node
                // tuning operator's openshift-node profile sets it (openshift/cluster-node-tuning-operator
                // assets/tuned/openshift-node/tuned.conf, release-4.18); 0 is kube-proxy's
                // documented "leave as is" (kubernetes/kubernetes cmd/kube-proxy/app/options.go, release-1.31).
                "--conntrack-max-per-core=0",
                "--v=2",
            ],
            // Writes iptables rules on the host.
            securityContext: { privileged: true },
        },
    });
}
