// What the other stages use of the static pods stage: the component, and the shapes it hands on.
export { StaticPods } from "./component";
export type { NodeFiles, NodeManifests } from "./nodes";
