import * as pulumi from "@pulumi/pulumi";
import { assertOwnPassphrase, ConfigError, loadClusterConfig, type StackConfig } from "./components/config";
import { OpenShiftCluster } from "./components/cluster";
import { assertLibvirtAnswers } from "./components/libvirt";
import { dropSdkDebugLogs } from "./components/sdk-debug-logs";
import { plainPromiseStackTraces } from "./components/stack-traces";

// The SDK's per-promise stack traces, which it prints only with PULUMI_DEBUG_PROMISE_LEAKS set, left unformatted: components/stack-traces.ts.
plainPromiseStackTraces();
// The SDK's debug messages, one gRPC call each, shown only under pulumi --debug: dropped unless
// OTHW_SDK_DEBUG_LOGS=1 (components/sdk-debug-logs.ts).
dropSdkDebugLogs(pulumi.log);

// One typed config in (stacks/Pulumi.<stack>.yaml), read here once, the cluster out. A bad value
// stops the run before any resource exists, with the message alone (a RunError prints no stack trace).
let stack: StackConfig;
try {
    assertOwnPassphrase(pulumi.getStack(), process.env);
    // Every value of the stack's config (secrets decrypted); Pulumi runs the program in the project root.
    stack = loadClusterConfig(pulumi.runtime.allConfig(), pulumi.getStack(), process.cwd());
    // A wrong URI or a dead libvirtd: a message naming libvirt.uri now, not a resource failing later.
    assertLibvirtAnswers(stack.cluster.libvirt.uri);
} catch (e) {
    throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
}
const config = stack.cluster;
const cluster = new OpenShiftCluster(config.clusterName, config, { pullSecret: pulumi.secret(stack.pullSecret) });

export const clusterDomain = cluster.clusterDomain;
export const apiServerUrl = cluster.apiServerUrl;
/** The admin kubeconfig (system:admin); secret: `pulumi stack output kubeconfig --show-secrets`. */
export const kubeconfig = cluster.pki.kubeconfigs.admin;
/** The console's `kubeadmin` password (secret; also assets/<stack>/auth/kubeadmin-password). */
export const kubeadminPassword = cluster.pki.kubeadminPassword;
export const networkName = cluster.infra.networkName;
export const poolName = cluster.infra.poolName;
/** name, role, IP and MAC of every node that exists. */
export const nodes = cluster.infra.nodes;
