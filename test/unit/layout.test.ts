import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ESLint } from "eslint";
import { ROOT } from "../support/config";

// The layout's rule (README "Layout"): Pulumi is declared in a stage's component.ts, in
// assets/resource.ts and in the program (index.ts) only; every other file under components/ is
// pure code. ESLint checks the imports (eslint.config.js); the load test below checks that no
// pure module pulls Pulumi in through another one either (a stage's index.ts re-exports its
// component, so pure code imports the pure file it needs, not the index).

test("ESLint refuses @pulumi/* in a pure file, even for a type, and allows it in the component files", async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const sources = {
        value: 'import * as pulumi from "@pulumi/pulumi";\nexport const s = pulumi.secret("x");\n',
        type: 'import type { Output } from "@pulumi/pulumi";\nexport type T = Output<string>;\n',
        subpath: 'export { LocalWorkspace } from "@pulumi/pulumi/automation";\n',
        provider: 'import * as tls from "@pulumi/tls";\nexport const k = tls.PrivateKey;\n',
    };
    const cases: [string, boolean][] = [
        ["components/manifests/cluster.ts", false], ["components/config/stack.ts", false], ["components/pki/catalogue.ts", false],
        ["components/static-pods/index.ts", false], ["components/node-paths.ts", false], ["components/ignition/new-renderer.ts", false],
        ["components/pki/component.ts", true], ["components/cluster/component.ts", true], ["components/assets/resource.ts", true], ["index.ts", true],
    ];
    for (const [file, allowed] of cases) {
        for (const [kind, code] of Object.entries(sources)) {
            const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
            assert.deepEqual(r.messages.map((m) => m.ruleId), allowed ? [] : ["no-restricted-imports"], `${file}, ${kind} import`);
        }
    }
});

test("the pure modules of components/ load no Pulumi package, directly or through what they import", () => {
    const dist = path.join(ROOT, "dist/components");
    const pure: string[] = [];
    const walk = (dir: string) => {
        const names = fs.readdirSync(dir);
        // A folder's index.ts re-exports its component, if it has one: not pure then.
        const hasResource = names.includes("component.js") || names.includes("resource.js");
        for (const n of names) {
            const p = path.join(dir, n);
            if (fs.statSync(p).isDirectory()) walk(p);
            else if (n.endsWith(".js") && !["component.js", "resource.js"].includes(n) && !(n === "index.js" && hasResource)
                && p !== path.join(dist, "config/cli.js")) pure.push(p); // cli.ts runs a command when loaded
        }
    };
    walk(dist);
    assert.ok(pure.length > 30, `found ${pure.length} pure modules under ${dist}`);
    // A fresh process loads them all, then names each module that loaded a @pulumi/* one.
    const script = `for (const f of ${JSON.stringify(pure)}) require(f);
        const bad = new Set();
        for (const m of Object.values(require.cache)) for (const c of m.children) {
            if (/[\\\\/]node_modules[\\\\/]@pulumi[\\\\/]/.test(c.id) && !/[\\\\/]node_modules[\\\\/]/.test(m.id)) bad.add(m.id + " loads " + c.id);
        }
        process.stdout.write([...bad].join("\\n"));`;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "", "pure modules that load Pulumi");
    // And the check sees what it looks for: a component's module does load it.
    const c = spawnSync(process.execPath, ["-e", script.replace(JSON.stringify(pure), JSON.stringify([path.join(dist, "pki/index.js")]))], { cwd: ROOT, encoding: "utf8" });
    assert.match(c.stdout, /pki[\\/]component\.js loads .*@pulumi/);
});
