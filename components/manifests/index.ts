// What the other stages use of the manifest renderers (pure code, no component: the static pods
// stage writes what they render): the cluster manifests, the operators' inputs, the pull-secret
// manifest, and the YAML they are written as.
export { clusterManifests, pullSecretManifest, toYaml } from "./cluster";
export type { KubeObject } from "./objects";
export { operatorInputManifests } from "./operator-inputs";
