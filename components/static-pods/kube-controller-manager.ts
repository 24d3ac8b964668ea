import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { kubeconfig, secret } from "../node-paths";
import { httpsProbe, KUBECONFIGS, kubeconfigFlags, LEADER_ELECTION_FLAGS, SECRETS, staticPod } from "./common";

/**
 * The bootstrap kube-controller-manager (othw-facts §5.4):
 * `openshift-kube-controller-manager/kube-controller-manager-bootstrap`. It signs the kubelets'
 * CSRs with kubernetes-ca and allocates node pod CIDRs.
 */
export function kubeControllerManagerPod(c: ClusterConfig): IPod {
    return staticPod({
        extraArgs: c.extraArgs["kube-controller-manager"],
        name: "kube-controller-manager-bootstrap",
        namespace: "openshift-kube-controller-manager",
        labels: { app: "kube-controller-manager" },
        mounts: [SECRETS, KUBECONFIGS],
        container: {
            name: "kube-controller-manager",
            image: c.release.images.hyperkube,
            command: [
                "hyperkube", "kube-controller-manager",
                // API access as system:kube-controller-manager, through api-int.
                ...kubeconfigFlags(kubeconfig("kube-controller-manager")),
                // The pod network nodes get their slices from.
                `--cluster-cidr=${c.clusterNetwork.cidr}`,
                // Fix: the tutorial leaves the default /24, which disagrees with the cluster
                // network's hostPrefix (othw-facts §5.4 [cross-check]); allocate hostPrefix slices.
                `--node-cidr-mask-size=${c.clusterNetwork.hostPrefix}`,
                // Must equal the API server's range.
                `--service-cluster-ip-range=${c.serviceNetwork}`,
                "--allocate-node-cidrs=true",
                // Signs service-account tokens (the API server verifies them with the public key).
                `--service-account-private-key-file=${secret("service-account.key")}`,
                // CA put into service-account token secrets for in-cluster clients.
                `--root-ca-file=${secret("kubernetes-ca.crt")}`,
                // Each controller acts with its own service account, not the manager's identity.
                "--use-service-account-credentials=true",
                // Signs approved CSRs (kubelet client and serving certificates) with kubernetes-ca.
                `--cluster-signing-cert-file=${secret("kubernetes-ca.crt")}`,
                `--cluster-signing-key-file=${secret("kubernetes-ca.key")}`,
                ...LEADER_ELECTION_FLAGS,
                // All default controllers plus the bootstrap-token ones.
                "--controllers=*,bootstrapsigner,tokencleaner",
                "--v=2",
            ],
            livenessProbe: httpsProbe("/healthz", 10257, 45, 10),
            resources: { requests: { memory: "256Mi", cpu: "200m" } },
        },
    });
}
