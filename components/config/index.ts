// What the other stages and the program use of the stack config (pure code, no component).
export { ConfigError, insecureFlags } from "./schema";
export type { ClusterConfig, NodeConfig, VmSize } from "./schema";
export { derived } from "./derived";
export { assertOwnPassphrase, loadClusterConfig } from "./stack";
export type { StackConfig } from "./stack";
