// What the program uses: the cluster component and what it takes besides the config.
export { OpenShiftCluster } from "./component";
export type { OpenShiftClusterInputs } from "./component";
