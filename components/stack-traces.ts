/**
 * Pulumi's Node.js SDK records a stack trace for every promise it makes (one or more per input
 * and output of every resource): `debuggablePromise` in `@pulumi/pulumi` runtime/debuggable.ts
 * (pulumi/pulumi sdk/nodejs, v3.248.0) stores `new Error().stack` on the promise, read only when
 * the program ends with promises still pending. Reading `.stack` formats the trace at once, and
 * under ts-node every frame then goes through `@cspotcode/source-map-support` (ts-node installs
 * it), which maps it through the transpiled files' source maps: about a tenth of the program's
 * CPU time on a no-change `pulumi preview` of the `local` stack (tools/dev/bench, profiled with
 * `--cpu-prof`), for traces nothing prints.
 *
 * The SDK prints those traces only when `PULUMI_DEBUG_PROMISE_LEAKS` is set (`leakedPromises`
 * in the same file). {@link plainPromiseStackTraces} therefore formats none of them without it
 * (the trace is one line saying so), and with it formats them as V8 does without source maps
 * (file positions of the transpiled code). Every other trace goes to the mapped formatter: errors
 * and the resources' source positions (`Resource.callsites`) stay mapped to the `.ts` sources.
 */

/** Where a formatter installed by {@link plainPromiseStackTraces} keeps the one it wraps. */
const WRAPPED = Symbol.for("openshift-hard-way.plainPromiseStackTraces");

type Formatter = (err: Error, frames: NodeJS.CallSite[]) => unknown;

/** V8's own format: `Error: message` and one `    at <frame>` line per frame. */
function plainTrace(err: Error, frames: NodeJS.CallSite[]): string {
    return `${Error.prototype.toString.call(err)}${frames.map((f) => `\n    at ${f.toString()}`).join("")}`;
}

/** What a trace of the SDK's `debuggablePromise` reads when nothing would print it. */
export const UNKEPT_PROMISE_TRACE = "Error: (the SDK's promise stack trace, not formatted: set PULUMI_DEBUG_PROMISE_LEAKS=1 to keep it)";

/**
 * Wraps the installed `Error.prepareStackTrace` (ts-node's source-map formatter) so that traces
 * taken inside the SDK's `debuggablePromise` are not formatted at all ({@link UNKEPT_PROMISE_TRACE}),
 * or, with `PULUMI_DEBUG_PROMISE_LEAKS` set in `env`, formatted plainly. Does nothing when no
 * formatter is installed (plain Node.js formats cheaply already) or when it is already wrapped;
 * safe to call more than once. Throws nothing.
 * @param env the environment that decides (the SDK reads `process.env` once, at load).
 */
export function plainPromiseStackTraces(env: NodeJS.ProcessEnv = process.env): void {
    const installed = Error.prepareStackTrace as (Formatter & { [WRAPPED]?: Formatter }) | undefined;
    if (!installed || installed[WRAPPED]) return;
    const keep = !!env.PULUMI_DEBUG_PROMISE_LEAKS;
    const wrapper: Formatter & { [WRAPPED]?: Formatter } = (err, frames) =>
        frames[0]?.getFunctionName() !== "debuggablePromise" ? installed(err, frames) : keep ? plainTrace(err, frames) : UNKEPT_PROMISE_TRACE;
    wrapper[WRAPPED] = installed;
    Error.prepareStackTrace = wrapper as typeof Error.prepareStackTrace;
}
