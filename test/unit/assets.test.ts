import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RenderedFiles, renderedFilesProvider as p } from "../../components/assets";

// The RenderedFiles provider against a real directory: it works on paths relative to the
// working directory (the project root when Pulumi runs it), so the test runs in a temp dir.
const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
const mode = (f: string) => fs.statSync(f).mode & 0o777;

test("RenderedFiles: a file path may not shadow the resource's own properties", () => {
    for (const bad of ["root", "sha256", "__provider"]) {
        assert.throws(() => new RenderedFiles("t", { root: "assets/t", files: { [bad]: { content: "x", mode: 0o644 } } }),
            new RegExp(`${bad} cannot be a file path`));
    }
});

test("RenderedFiles: create, diff, update, refresh and delete on disk", async () => {
    const cwd = process.cwd();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "othw-assets-"));
    process.chdir(dir);
    try {
        const files = {
            "tls/ca.crt": { content: "CERT", mode: 0o644 },
            "tls/ca.key": { content: "KEY", mode: 0o600 },
            "manifests/bootstrap/etc/kubernetes/manifests/etcd.yaml": { content: "kind: Pod\n", mode: 0o644 },
        };
        // As the provider gets them: one property per file, and Pulumi's own.
        const v1 = { root: "assets/t", __provider: "exports.handler = ...", ...files };
        const created = await p.create(v1);
        assert.equal(created.id, "assets/t");
        assert.deepEqual(created.outs, {
            root: "assets/t",
            sha256: { "tls/ca.crt": sha("CERT"), "tls/ca.key": sha("KEY"), "manifests/bootstrap/etc/kubernetes/manifests/etcd.yaml": sha("kind: Pod\n") },
            modes: { "tls/ca.crt": 0o644, "tls/ca.key": 0o600, "manifests/bootstrap/etc/kubernetes/manifests/etcd.yaml": 0o644 },
        });
        assert.equal(fs.readFileSync("assets/t/tls/ca.key", "utf8"), "KEY");
        assert.equal(mode("assets/t/tls/ca.key"), 0o600);
        assert.equal(mode("assets"), 0o700, "the asset directory is private");
        assert.equal(mode("assets/t"), 0o700);
        const olds = created.outs;

        // Diff: nothing, then one content, one mode, one file more or less, another root.
        assert.deepEqual(await p.diff!("assets/t", olds, v1), { changes: false });
        const edit = (f: Record<string, { content: string; mode: number }>) => ({ ...v1, ...f });
        assert.equal((await p.diff!("assets/t", olds, edit({ "tls/ca.crt": { content: "CERT2", mode: 0o644 } }))).changes, true);
        assert.equal((await p.diff!("assets/t", olds, edit({ "tls/ca.crt": { content: "CERT", mode: 0o600 } }))).changes, true);
        assert.equal((await p.diff!("assets/t", olds, edit({ "auth/kubeconfig": { content: "KC", mode: 0o600 } }))).changes, true);
        const { ["tls/ca.crt"]: _dropped, ...fewer } = files;
        assert.equal((await p.diff!("assets/t", olds, { root: "assets/t", ...fewer })).changes, true);
        assert.deepEqual((await p.diff!("assets/t", olds, { ...v1, root: "assets/u" })).replaces, ["root"]);

        // Update: writes what changed, removes what is gone (and its emptied directory).
        const v2files = { ...fewer, "tls/ca.key": { content: "KEY2", mode: 0o600 }, "auth/kubeconfig": { content: "KC", mode: 0o600 } };
        const v2 = { root: "assets/t", ...v2files };
        fs.writeFileSync("assets/t/manifests/bootstrap/etc/kubernetes/manifests/etcd.yaml", "untouched");
        const updated = await p.update!("assets/t", olds, v2);
        assert.equal(fs.readFileSync("assets/t/tls/ca.key", "utf8"), "KEY2");
        assert.equal(fs.readFileSync("assets/t/auth/kubeconfig", "utf8"), "KC");
        assert.equal(fs.existsSync("assets/t/tls/ca.crt"), false, "a file no longer rendered is removed");
        assert.equal(fs.readFileSync("assets/t/manifests/bootstrap/etc/kubernetes/manifests/etcd.yaml", "utf8"), "untouched",
            "an unchanged file is not rewritten");
        assert.deepEqual(Object.keys(updated.outs!.sha256).sort(), Object.keys(v2files).sort());

        // Refresh: drift behind Pulumi's back shows in the hashes and modes.
        fs.writeFileSync("assets/t/auth/kubeconfig", "edited");
        fs.chmodSync("assets/t/tls/ca.key", 0o644);
        fs.rmSync("assets/t/manifests/bootstrap/etc/kubernetes/manifests/etcd.yaml");
        const read = await p.read!("assets/t", updated.outs);
        assert.equal(read.props.sha256["auth/kubeconfig"], sha("edited"));
        assert.equal(read.props.modes["tls/ca.key"], 0o644);
        assert.equal(read.props.sha256["manifests/bootstrap/etc/kubernetes/manifests/etcd.yaml"], "");
        assert.equal((await p.diff!("assets/t", read.props, v2)).changes, true, "the next up repairs the drift");

        // Delete: every file and the directories it emptied, up to (not including) `assets`.
        await p.delete!("assets/t", updated.outs);
        assert.equal(fs.existsSync("assets/t"), false);
        assert.equal(fs.existsSync("assets"), true);
    } finally {
        process.chdir(cwd);
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
