// How tools/setup decides, for the Pulumi CLI, its Node.js language host and the tls plugin,
// between an upstream binary already installed at the pinned version and the stand-in it builds
// (tools/stand-ins/upstream.sh). The binaries on PATH are stand-ins for both sides, but real Go
// binaries with real build information: each is built here from a module named as upstream's
// or ours is, the way each is really built (upstream's release inside its own module, our CLI
// from pkg/v3 as a dependency of our tools module), and answers `version`, `-version` and
// `plugin ls --json` like the real ones.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const PINNED = { PULUMI_VERSION: "3.248.0", TLS_PLUGIN_VERSION: "5.6.1" };
// setup finds go in /usr/local/go/bin when it is not on PATH; so does this test.
const GO_PATH = `${process.env.PATH}:/usr/local/go/bin`;

const FAKE_MAIN = `package main

import (
	"fmt"
	"os"
	"strings"
)

var version = "v0.0.0"

func main() {
	switch strings.Join(os.Args[1:], " ") {
	case "version", "-version":
		fmt.Println(version)
	case "plugin ls --json":
		b, _ := os.ReadFile(os.Getenv("FAKE_PLUGIN_LS"))
		os.Stdout.Write(b)
	default:
		os.Exit(2)
	}
}
`;

let work = "";
const bin: Record<string, string> = {};

/** Writes a module MOD at DIR with FAKE_MAIN in each of PKGS (relative directories). */
function fakeModule(dir: string, mod: string, pkgs: string[], extra = ""): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "go.mod"), `module ${mod}\n\ngo 1.22\n${extra}`);
    for (const p of pkgs) {
        fs.mkdirSync(path.join(dir, p), { recursive: true });
        fs.writeFileSync(path.join(dir, p, "main.go"), FAKE_MAIN);
    }
}

/** go build PKG in module DIR into work/bin-<name>/<file>, reporting VERSION. */
function build(name: string, file: string, dir: string, pkg: string, version: string): void {
    const out = path.join(work, `bin-${name}`, file);
    execFileSync("go", ["build", "-ldflags", `-X main.version=${version}`, "-o", out, pkg], {
        cwd: dir, stdio: "pipe",
        env: { ...process.env, PATH: GO_PATH, GOFLAGS: "-buildvcs=false -mod=mod", GOPROXY: "off", GOWORK: "off", GOTOOLCHAIN: "local" },
    });
    bin[name] = out;
}

before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "othw-stand-ins-"));
    const src = path.join(work, "src");
    // Upstream, as Pulumi's releases build them: each command inside its own module.
    fakeModule(path.join(src, "pkg"), "github.com/pulumi/pulumi/pkg/v3", ["cmd/pulumi"]);
    fakeModule(path.join(src, "host"), "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3", ["."]);
    fakeModule(path.join(src, "tls"), "github.com/pulumi/pulumi-tls/provider/v5", ["cmd/pulumi-resource-tls"]);
    // Ours: the CLI is pkg/v3's command built as a dependency of our tools module (at a module
    // version; here the module is replaced by the directory above, as the proxy cannot be used);
    // the host and the tls plugin are commands of our own modules.
    fakeModule(path.join(src, "ours"), "github.com/openshift-hard-way/tools/stand-ins/pulumi", ["cmd/pulumi-language-nodejs"],
        `\nrequire github.com/pulumi/pulumi/pkg/v3 v3.248.0\n\nreplace github.com/pulumi/pulumi/pkg/v3 => ../pkg\n`);
    fakeModule(path.join(src, "ours-tls"), "github.com/openshift-hard-way/tools/stand-ins/tls", ["cmd/pulumi-resource-tls"]);
    build("up-cli", "pulumi", path.join(src, "pkg"), "./cmd/pulumi", "v3.248.0");
    build("up-cli-newer", "pulumi", path.join(src, "pkg"), "./cmd/pulumi", "v3.249.0");
    build("up-host", "pulumi-language-nodejs", path.join(src, "host"), ".", "v3.248.0");
    build("up-tls", "pulumi-resource-tls", path.join(src, "tls"), "./cmd/pulumi-resource-tls", "v5.6.1");
    build("our-cli", "pulumi", path.join(src, "ours"), "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi", "v3.248.0");
    build("our-host", "pulumi-language-nodejs", path.join(src, "ours"), "./cmd/pulumi-language-nodejs", "v3.248.0");
    build("our-tls", "pulumi-resource-tls", path.join(src, "ours-tls"), "./cmd/pulumi-resource-tls", "v5.6.1");
});

after(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

interface Machine {
    /** Files to place, by path relative to the machine's root: a built binary's name, a script, or a symlink to another file's path. */
    files: Record<string, string | { script: string } | { link: string }>;
    /** Directories (relative to the root) on PATH after ~/.pulumi/bin, in order. */
    path?: string[];
    /** What `pulumi plugin ls --json` lists. */
    plugins?: { name: string; kind: string; version: string }[];
}

/** Lays out a machine under a fresh root (HOME is root/home) and runs CMD with upstream.sh sourced. */
function onMachine(m: Machine, cmd: string): { out: string; root: string } {
    const root = fs.mkdtempSync(path.join(work, "machine-"));
    for (const [rel, what] of Object.entries(m.files)) {
        const dest = path.join(root, rel);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        if (typeof what === "string") fs.copyFileSync(bin[what], dest);
        else if ("link" in what) { fs.symlinkSync(path.join(root, what.link), dest); continue; }
        else fs.writeFileSync(dest, what.script);
        fs.chmodSync(dest, 0o755);
    }
    const ls = path.join(root, "plugin-ls.json");
    fs.writeFileSync(ls, JSON.stringify(m.plugins ?? []));
    const home = path.join(root, "home");
    const dirs = [path.join(home, ".pulumi/bin"), ...(m.path ?? []).map((d) => path.join(root, d))];
    // Only these directories and the ones holding go, node and the shell's basic tools.
    const tools = ["go", "node", "bash", "grep", "head", "dirname", "readlink", "rm"].map((t) => {
        const dir = GO_PATH.split(":").find((d) => d && fs.existsSync(path.join(d, t)));
        assert.ok(dir, `${t} is not on PATH`);
        return dir;
    });
    const r = spawnSync("bash", ["-c", `source tools/stand-ins/upstream.sh; ${cmd}`], {
        cwd: ROOT, encoding: "utf8",
        env: { ...PINNED, HOME: home, FAKE_PLUGIN_LS: ls, PATH: [...dirs, ...new Set(tools)].join(":") },
    });
    assert.equal(r.status, 0, r.stderr);
    return { out: r.stdout.replaceAll(root, "<root>").trim(), root };
}

const ALL = `upstream_cli; upstream_language_host "$(command -v pulumi)"; upstream_tls`;
const TLS = { name: "tls", kind: "resource", version: "5.6.1" };
const TLS_FILE = "home/.pulumi/plugins/resource-tls-v5.6.1/pulumi-resource-tls";

test("a fresh machine: nothing installed, every stand-in is built", () => {
    assert.deepEqual(onMachine({ files: {} }, ALL).out.split("\n"), [
        "stand-in no pulumi found",
        "stand-in no pulumi-language-nodejs found",
        "stand-in pulumi plugin ls lists no resource tls 5.6.1",
    ]);
});

test("the stand-ins an earlier setup installed are recognised as ours, not taken for upstream", () => {
    const m = onMachine({
        files: { "home/.pulumi/bin/pulumi": "our-cli", "home/.pulumi/bin/pulumi-language-nodejs": "our-host", [TLS_FILE]: "our-tls" },
        plugins: [TLS],
    }, ALL);
    assert.deepEqual(m.out.split("\n"), [
        "stand-in <root>/home/.pulumi/bin/pulumi is the stand-in",
        // on PATH and next to the CLI: the same file, looked at once
        "stand-in <root>/home/.pulumi/bin/pulumi-language-nodejs is the stand-in",
        `stand-in <root>/${TLS_FILE} is the stand-in`,
    ]);
});

test("upstream at the pinned versions is used, past an earlier stand-in in ~/.pulumi/bin, which is then removed", () => {
    const files = {
        "home/.pulumi/bin/pulumi": "our-cli", "home/.pulumi/bin/pulumi-language-nodejs": "our-host",
        "opt/pulumi/pulumi": "up-cli", "opt/pulumi/pulumi-language-nodejs": "up-host", [TLS_FILE]: "up-tls",
    };
    const m = onMachine({ files, path: ["opt/pulumi"], plugins: [TLS] }, ALL);
    assert.deepEqual(m.out.split("\n"), [
        "upstream <root>/opt/pulumi/pulumi",
        "upstream <root>/opt/pulumi/pulumi-language-nodejs",
        `upstream <root>/${TLS_FILE}`,
    ]);
    const rm = onMachine({ files, path: ["opt/pulumi"] },
        `remove_shadowing_stand_in pulumi "$HOME/../opt/pulumi/pulumi"; remove_shadowing_stand_in pulumi-language-nodejs "$HOME/.pulumi/bin/pulumi-language-nodejs"`);
    assert.equal(rm.out, "removed the stand-in <root>/home/.pulumi/bin/pulumi, which came first on PATH");
    assert.ok(!fs.existsSync(path.join(rm.root, "home/.pulumi/bin/pulumi")));
    // the chosen path itself is never removed
    assert.ok(fs.existsSync(path.join(rm.root, "home/.pulumi/bin/pulumi-language-nodejs")));
});

test("the language host is also found next to the CLI, through a symlink, as the CLI finds a bundled plugin", () => {
    const m = onMachine({
        files: { "opt/pulumi/pulumi": "up-cli", "opt/pulumi/pulumi-language-nodejs": "up-host", "usr/bin/pulumi": { link: "opt/pulumi/pulumi" } },
        path: ["usr/bin"],
    }, ALL);
    assert.deepEqual(m.out.split("\n"), [
        "upstream <root>/usr/bin/pulumi",
        "upstream <root>/opt/pulumi/pulumi-language-nodejs",
        "stand-in pulumi plugin ls lists no resource tls 5.6.1",
    ]);
});

test("upstream at another version, or a tls plugin listed at another version, means a stand-in", () => {
    const m = onMachine({
        files: { "home/.pulumi/bin/pulumi": "up-cli-newer", [TLS_FILE.replace("5.6.1", "5.6.0")]: "up-tls" },
        plugins: [{ ...TLS, version: "5.6.0" }],
    }, ALL);
    assert.deepEqual(m.out.split("\n"), [
        "stand-in <root>/home/.pulumi/bin/pulumi is upstream v3.249.0, not 3.248.0",
        "stand-in no pulumi-language-nodejs found",
        "stand-in pulumi plugin ls lists no resource tls 5.6.1",
    ]);
});

test("a pulumi that only says the pinned version (a script, another build) is not taken for upstream, and hides what follows it on PATH", () => {
    const m = onMachine({
        files: {
            "home/.pulumi/bin/pulumi": { script: '#!/bin/sh\ncase "$1" in version) echo v3.248.0 ;; plugin) cat "$FAKE_PLUGIN_LS" ;; esac\n' },
            "usr/local/bin/pulumi-language-nodejs": "our-host", "opt/pulumi/pulumi-language-nodejs": "up-host",
            [TLS_FILE]: { script: "#!/bin/sh\n" },
        },
        path: ["usr/local/bin", "opt/pulumi"],
        plugins: [TLS],
    }, ALL);
    assert.deepEqual(m.out.split("\n"), [
        "stand-in <root>/home/.pulumi/bin/pulumi is not built from github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
        // our host outside ~/.pulumi/bin is not setup's to remove, so the upstream one after it would never run
        "stand-in <root>/usr/local/bin/pulumi-language-nodejs is the stand-in",
        `stand-in <root>/${TLS_FILE} is not built from github.com/pulumi/pulumi-tls/provider/v5/cmd/pulumi-resource-tls`,
    ]);
    // and a file that is not ours is never removed
    const rm = onMachine({ files: { "home/.pulumi/bin/pulumi": { script: "#!/bin/sh\n" } } },
        `remove_shadowing_stand_in pulumi /elsewhere/pulumi; echo kept`);
    assert.equal(rm.out, "kept");
});
