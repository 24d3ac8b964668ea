import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";

// Every fact the project states cites a source a reader can open: an upstream repository, path
// and branch or tag, or a document in this repository. Never the notes this project was planned
// from (which live outside it) or an issue number. The pattern is assembled so that this file
// does not match itself.
const ROOT = path.resolve(__dirname, "../../..");
const PATTERN = [["othw", "facts"], ["installer", "facts"], ["handoff", "facts"], ["spec", "README"]].map((p) => p.join(p[0] === "spec" ? "/" : "-"))
    .concat(["\\.\\./shared/spec", "\\bissue [0-9]+"]).join("|");

test("no file cites a page outside the repository or an issue number", () => {
    let hits = "";
    try {
        hits = execFileSync("git", ["grep", "-n", "-I", "-i", "-E", PATTERN, "--", ".", ":!package-lock.json"], { cwd: ROOT, encoding: "utf8" });
    } catch (e: any) {
        if (e.status !== 1) throw e; // 1: nothing found
    }
    assert.equal(hits, "", `cite the upstream source or a doc in this repository instead:\n${hits}`);
});
