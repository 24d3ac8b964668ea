import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { kubeconfig, secret } from "../node-paths";
import { crt, key } from "../pki/catalogue";
import { httpsProbe, KUBECONFIGS, kubeconfigFlags, LEADER_ELECTION_FLAGS, SECRETS, staticPod } from "./common";

/**
 * The bootstrap kube-controller-manager (flags: kubernetes/kubernetes
 * cmd/kube-controller-manager/app/options, release-1.31; the render's pod is
 * openshift/cluster-kube-controller-manager-operator
 * bindata/bootkube/bootstrap-manifests/kube-controller-manager-pod.yaml, release-4.18):
 * `openshift-kube-controller-manager/kube-controller-manager-bootstrap`. It signs the kubelets'
 * CSRs with kubelet-signer, as the bootstrap kube-controller-manager of openshift-install does
 * (cluster-kube-controller-manager-operator bindata/bootkube/config/bootstrap-config-overrides.yaml,
 * release-4.18).
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
                // Must equal the API server's range.
                `--service-cluster-ip-range=${c.serviceNetwork}`,
                // OVN-Kubernetes allocates the nodes' subnets (hostPrefix) itself, so the
                // controller manager must not (the operator's render sets false as well).
                "--allocate-node-cidrs=false",
                // Signs service-account tokens (the API server verifies them with the public key).
                `--service-account-private-key-file=${secret(key("service-account"))}`,
                // CA put into service-account token secrets for in-cluster clients: the
                // kube-apiserver's three serving signers.
                `--root-ca-file=${secret(crt("kube-apiserver-complete-server-ca-bundle"))}`,
                // Each controller acts with its own service account, not the manager's identity.
                "--use-service-account-credentials=true",
                // Signs approved CSRs (kubelet client and serving certificates) with kubelet-signer,
                // which the kube-apiserver trusts for clients (complete client bundle) and for
                // kubelets' serving certificates (kubelet-client-ca-bundle).
                `--cluster-signing-cert-file=${secret(crt("kubelet-signer"))}`,
                `--cluster-signing-key-file=${secret(key("kubelet-signer"))}`,
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
