import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ClusterConfig } from "../config";
import { ConfigError } from "../config/schema";
import { derived } from "../config/derived";

/**
 * The user and group QEMU runs as under this libvirt URI, which must own the pool directory (0700)
 * and the volumes (0600) to open them: under `qemu:///system` on this host, `user`/`group` of
 * /etc/libvirt/qemu.conf, else the distribution's default user (`libvirt-qemu` on Debian and
 * Ubuntu, `qemu` on Fedora and RHEL) and its primary group; `libvirt.qemuOwner` (`<uid>:<gid>`)
 * when the stack sets it. Undefined where this host cannot know (a remote URI without that key)
 * or where QEMU runs as the caller (`qemu:///session`).
 */
export function qemuOwner(uri: string, configured?: string): { uid: number; gid: number } | undefined {
    if (configured) {
        const [uid, gid] = configured.split(":").map(Number);
        return { uid, gid };
    }
    if (uri !== "qemu:///system") return undefined;
    const read = (f: string) => { try { return fs.readFileSync(f, "utf8"); } catch { return ""; } };
    const conf = read("/etc/libvirt/qemu.conf");
    const setting = (k: string) => new RegExp(`^\\s*${k}\\s*=\\s*"([^"]+)"`, "m").exec(conf)?.[1];
    const passwd = read("/etc/passwd").split("\n").map((l) => l.split(":"));
    const user = [setting("user"), "libvirt-qemu", "qemu"].filter((u): u is string => !!u)
        .map((u) => passwd.find((p) => p[0] === u || p[2] === u.replace(/^\+/, ""))).find((p) => p);
    if (!user) return undefined;
    const groupName = setting("group");
    const group = groupName ? read("/etc/group").split("\n").map((l) => l.split(":")).find((g) => g[0] === groupName || g[2] === groupName.replace(/^\+/, "")) : undefined;
    return { uid: Number(user[2]), gid: Number(group ? group[2] : user[3]) };
}

/**
 * Checks that libvirt answers at `libvirt.uri` (`virsh -c <uri> uri`, at most 10 s), so that a
 * wrong URI or a dead libvirtd stops the run before anything is created, naming the key,
 * instead of failing inside a resource after minutes of the provider's retries.
 * @throws ConfigError naming `libvirt.uri`, with virsh's own reason.
 */
export function assertLibvirtAnswers(uri: string): void {
    try {
        execFileSync("virsh", ["-c", uri, "uri"], { stdio: ["ignore", "pipe", "pipe"], timeout: 10_000, encoding: "utf8" });
    } catch (e) {
        const err = e as { code?: string; signal?: string; stderr?: string };
        const why = err.code === "ENOENT" ? "virsh is not installed (tools/setup installs libvirt-clients)"
            : err.signal ? "no answer within 10 s" : (err.stderr ?? String(e)).split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
        throw new ConfigError("libvirt.uri", `libvirt does not answer at ${uri}: ${why}; start libvirtd (systemctl start libvirtd) or fix libvirt.uri`);
    }
}

/** The absolute path of a node's Ignition asset file (written by IgnitionConfigs), for the volume upload. */
export function ignitionFilePath(c: ClusterConfig, node: string): string {
    return path.resolve(derived(c).assetDir, `${node}.ign`);
}
