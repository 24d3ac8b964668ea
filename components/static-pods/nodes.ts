import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { clusterManifests, KubeObject } from "../manifests";
import { BOOTSTRAP_CONFIGS_DIR, CLUSTER_MANIFESTS_DIR, STATIC_POD_DIR } from "../node-paths";
import { clusterVersionOperatorPod } from "./cluster-version-operator";
import type { ComponentConfig } from "./common";
import { etcdPod } from "./etcd";
import { kubeApiserverPod } from "./kube-apiserver";
import { CLUSTER_POLICY_CONTROLLER_CONFIG, clusterPolicyControllerConfig, kubeControllerManagerPod } from "./kube-controller-manager";
import { kubeProxyPod } from "./kube-proxy";
import { kubeSchedulerPod } from "./kube-scheduler";

/** Files for one node: absolute path on the node → the objects in that YAML file. */
export type NodeManifests = Record<string, (IPod | KubeObject | ComponentConfig)[]>;

/** Node name → absolute path on that node → YAML text (the text of a {@link NodeManifests} file). */
export type NodeFiles = Record<string, Record<string, string>>;

/**
 * Everything the bootstrap node gets from this stage: the five static pods in STATIC_POD_DIR, the
 * cluster-policy-controller's config in BOOTSTRAP_CONFIGS_DIR and the cluster manifests in
 * CLUSTER_MANIFESTS_DIR.
 */
export function bootstrapManifests(c: ClusterConfig): NodeManifests {
    const out: NodeManifests = {
        [`${STATIC_POD_DIR}/etcd-bootstrap.yaml`]: [etcdPod(c)],
        [`${STATIC_POD_DIR}/kube-apiserver-bootstrap.yaml`]: [kubeApiserverPod(c)],
        [`${STATIC_POD_DIR}/kube-controller-manager-bootstrap.yaml`]: [kubeControllerManagerPod(c)],
        [`${STATIC_POD_DIR}/kube-scheduler-bootstrap.yaml`]: [kubeSchedulerPod(c)],
        [`${STATIC_POD_DIR}/cvo-bootstrap.yaml`]: [clusterVersionOperatorPod(c)],
        [`${BOOTSTRAP_CONFIGS_DIR}/${CLUSTER_POLICY_CONTROLLER_CONFIG}`]: [clusterPolicyControllerConfig()],
    };
    for (const [file, objects] of Object.entries(clusterManifests(c))) {
        out[`${CLUSTER_MANIFESTS_DIR}/${file}`] = objects;
    }
    return out;
}

/** What each master gets from this stage: kube-proxy in STATIC_POD_DIR. */
export function masterManifests(c: ClusterConfig): NodeManifests {
    return { [`${STATIC_POD_DIR}/kube-proxy.yaml`]: [kubeProxyPod(c)] };
}
