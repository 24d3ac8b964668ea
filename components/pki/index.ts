// What the other stages use of the PKI stage: the component, and the plain shapes of what it hands
// on. Pure code takes the catalogue's names from ./catalogue itself, which loads no Pulumi.
export { ClusterPki } from "./component";
export type { NodeFileContent, NodeFileMap, PkiMaterial } from "./material";
