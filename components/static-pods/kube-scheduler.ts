import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { kubeconfig } from "../node-paths";
import { httpsProbe, KUBECONFIGS, kubeconfigFlags, LEADER_ELECTION_FLAGS, staticPod } from "./common";

/**
 * The bootstrap kube-scheduler: `openshift-kube-scheduler/kube-scheduler-bootstrap` (flags:
 * kubernetes/kubernetes cmd/kube-scheduler/app/options, release-1.31; the render's pod is
 * openshift/cluster-kube-scheduler-operator bindata/bootkube/bootstrap-manifests/kube-scheduler-pod.yaml,
 * release-4.18).
 */
export function kubeSchedulerPod(c: ClusterConfig): IPod {
    return staticPod({
        extraArgs: c.extraArgs["kube-scheduler"],
        name: "kube-scheduler-bootstrap",
        namespace: "openshift-kube-scheduler",
        labels: { app: "openshift-kube-scheduler" },
        mounts: [KUBECONFIGS],
        container: {
            name: "kube-scheduler",
            image: c.release.images.hyperkube,
            command: [
                "hyperkube", "kube-scheduler",
                // API access as system:kube-scheduler, through api-int.
                ...kubeconfigFlags(kubeconfig("kube-scheduler")),
                ...LEADER_ELECTION_FLAGS,
                "--v=2",
            ],
            livenessProbe: httpsProbe("/healthz", 10259, 45, 10),
            resources: { requests: { memory: "128Mi", cpu: "100m" } },
        },
    });
}
