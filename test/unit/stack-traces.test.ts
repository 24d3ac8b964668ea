import { test } from "node:test";
import * as assert from "node:assert/strict";
import { plainPromiseStackTraces, UNKEPT_PROMISE_TRACE } from "../../components/stack-traces";

// Stands in for the SDK's function of that name: it reads `new Error().stack` at once.
function debuggablePromise(): string {
    return new Error().stack!;
}
function somethingElse(): string {
    return new Error("boom").stack!;
}

for (const keep of [false, true]) {
    test(`plainPromiseStackTraces${keep ? " with PULUMI_DEBUG_PROMISE_LEAKS" : ""}: the SDK's promise traces skip the installed formatter${keep ? " and are formatted plainly" : " and are not formatted"}, every other trace keeps it`, () => {
        const saved = Error.prepareStackTrace;
        const seen: string[] = [];
        // a formatter like source-map-support's: it sees every trace and rewrites it
        Error.prepareStackTrace = (err, frames) => {
            seen.push(frames[0]?.getFunctionName() ?? "");
            return `MAPPED ${String(err)}`;
        };
        try {
            const env = keep ? { PULUMI_DEBUG_PROMISE_LEAKS: "1" } : {};
            plainPromiseStackTraces(env);
            plainPromiseStackTraces(env); // a second call wraps nothing more
            const trace = debuggablePromise();
            if (keep) assert.match(trace, /^Error\n {4}at debuggablePromise \(.*stack-traces\.test\.js:\d+:\d+\)/);
            else assert.equal(trace, UNKEPT_PROMISE_TRACE);
            assert.equal(somethingElse(), "MAPPED Error: boom");
            assert.deepEqual(seen, ["somethingElse"], "the installed formatter saw only the other trace, once");
        } finally {
            Error.prepareStackTrace = saved;
        }
    });
}

test("plainPromiseStackTraces: without an installed formatter it installs none", () => {
    const saved = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    try {
        plainPromiseStackTraces();
        assert.equal(Error.prepareStackTrace, undefined);
        assert.match(debuggablePromise(), /^Error\n {4}at debuggablePromise /);
    } finally {
        Error.prepareStackTrace = saved;
    }
});
