import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { kubeconfig } from "../node-paths";
import { httpsProbe, KUBECONFIGS, staticPod } from "./common";

/** The bootstrap kube-scheduler (othw-facts §5.5): `openshift-kube-scheduler/kube-scheduler-bootstrap`. */
export function kubeSchedulerPod(c: ClusterConfig): IPod {
    const kc = kubeconfig("kube-scheduler");
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
                `--kubeconfig=${kc}`,
                `--authentication-kubeconfig=${kc}`,
                `--authorization-kubeconfig=${kc}`,
                // One active scheduler at a time once the masters run theirs too.
                "--leader-elect=true",
                "--leader-elect-retry-period=3s",
                "--leader-elect-resource-lock=leases",
                "--v=2",
            ],
            livenessProbe: httpsProbe("/healthz", 10259, 45, 10),
            resources: { requests: { memory: "128Mi", cpu: "100m" } },
        },
    });
}
