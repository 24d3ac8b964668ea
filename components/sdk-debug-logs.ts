/**
 * Pulumi's Node.js SDK sends the engine a debug message for each step of each resource's
 * registration ("Registering resource", "RegisterResource RPC prepared", "... finished", and
 * so on: `debug` in `@pulumi/pulumi` log/index.ts, pulumi/pulumi sdk/nodejs, v3.248.0), one
 * `Engine/Log` gRPC call each, every call waiting for the one before: about 1,500 on a no-change
 * `pulumi preview` of the `local` stack, 0.27 s of it (tools/dev/bench, median of 8 interleaved
 * runs). The engine shows debug messages only under `pulumi --debug`, and the program is not
 * told whether it was given, so {@link dropSdkDebugLogs} drops them unless the environment asks
 * for them with `OTHW_SDK_DEBUG_LOGS=1` (then `pulumi --debug` shows them as before).
 * Messages of every other severity (ours are warnings) are untouched.
 */

/** The part of the SDK's `log` module this replaces: `pulumi.log`. */
export interface SdkLog {
    debug: (msg: string, ...rest: never[]) => Promise<void>;
}

/** Marks a `debug` installed by {@link dropSdkDebugLogs}. */
const DROPPED = Symbol.for("openshift-hard-way.dropSdkDebugLogs");

/**
 * Replaces `log.debug` (pass `pulumi.log`, the module the SDK's own code calls) with one that
 * sends nothing and resolves at once, unless `env.OTHW_SDK_DEBUG_LOGS` is set. Safe to call more
 * than once. Throws nothing.
 * @returns whether the SDK's debug messages are now dropped.
 */
export function dropSdkDebugLogs(log: SdkLog, env: NodeJS.ProcessEnv = process.env): boolean {
    if (env.OTHW_SDK_DEBUG_LOGS) return false;
    if ((log.debug as { [DROPPED]?: true })[DROPPED]) return true;
    const dropped = Object.assign(() => Promise.resolve(), { [DROPPED]: true as const });
    log.debug = dropped;
    return true;
}
