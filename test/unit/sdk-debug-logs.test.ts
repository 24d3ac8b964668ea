import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { dropSdkDebugLogs } from "../../components/sdk-debug-logs";

test("dropSdkDebugLogs: the SDK's own calls to log.debug send nothing; warnings still do", async () => {
    const log = pulumi.log as unknown as { debug: typeof pulumi.log.debug; warn: typeof pulumi.log.warn };
    const saved = { debug: log.debug, warn: log.warn };
    try {
        assert.equal(dropSdkDebugLogs(pulumi.log, {}), true);
        assert.notEqual(log.debug, saved.debug, "debug is replaced");
        const replacement = log.debug;
        assert.equal(dropSdkDebugLogs(pulumi.log, {}), true, "a second call is harmless");
        assert.equal(log.debug, replacement, "and wraps nothing more");
        // The SDK's modules call debug through the same module object (runtime/resource.ts: log.debug(...)).
        const sdkLog = require("@pulumi/pulumi/log");
        assert.equal(sdkLog.debug, log.debug, "the SDK's internal callers see the replacement");
        assert.equal(await sdkLog.debug("Registering resource: t=x, name=y"), undefined);
        assert.equal(log.warn, saved.warn);
    } finally {
        log.debug = saved.debug;
    }
});

test("dropSdkDebugLogs: OTHW_SDK_DEBUG_LOGS keeps them", () => {
    const log = pulumi.log as unknown as { debug: typeof pulumi.log.debug };
    const saved = log.debug;
    try {
        assert.equal(dropSdkDebugLogs(pulumi.log, { OTHW_SDK_DEBUG_LOGS: "1" }), false);
        assert.equal(log.debug, saved);
    } finally {
        log.debug = saved;
    }
});
