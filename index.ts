import { loadClusterConfig } from "./components/config";
import { OpenShiftCluster } from "./components/cluster";

// One typed config in (stacks/Pulumi.<stack>.yaml), the cluster out.
const config = loadClusterConfig();
const cluster = new OpenShiftCluster(config.clusterName, config);

export const clusterDomain = cluster.clusterDomain;
export const apiServerUrl = cluster.apiServerUrl;
/** The admin kubeconfig (system:admin); secret: `pulumi stack output kubeconfig --show-secrets`. */
export const kubeconfig = cluster.pki.kubeconfigs.admin;
export const networkName = cluster.infra.networkName;
export const poolName = cluster.infra.poolName;
/** name, role, IP and MAC of every node that exists. */
export const nodes = cluster.infra.nodes;
