// What the other stages and the program use of the libvirt stage: the component, what it takes
// and gives, and the check that libvirt answers before anything is created.
export { LibvirtCluster } from "./component";
export type { LibvirtInputs, NodeRow } from "./component";
export { assertLibvirtAnswers } from "./host";
