import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { kubeconfig } from "../node-paths";
import { httpsProbe, KUBECONFIGS, kubeconfigFlags, LEADER_ELECTION_FLAGS, staticPod } from "./common";

/** The bootstrap kube-scheduler (othw-facts §5.5): `openshift-kube-scheduler/kube-scheduler-bootstrap`. */
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
