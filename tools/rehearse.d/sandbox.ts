/**
 * Network namespaces and sandboxed processes for the rehearsal (tools/rehearse).
 *
 * Everything runs in network namespaces of this run's own (`ip netns`), joined by a bridge in a
 * namespace of their own that holds the machine network's gateway address, so no packet reaches
 * the host's interfaces. A process runs in a private mount namespace, chrooted into a directory
 * assembled from read-only binds of the host's /usr (the binaries a container image would bring)
 * and the binds its caller asks for (a static pod's hostPath volumes at their mountPaths). The
 * mounts vanish with the process; the namespaces are removed by `Network.destroy`.
 */
import { ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** A bind mount into a sandbox: host path `src` at `dst` inside it. */
export interface Bind {
    src: string;
    /** Absolute path inside the sandbox. */
    dst: string;
    ro?: boolean;
}

/** What one sandboxed process is. */
export interface SandboxSpec {
    /** A short name for logs and the root directory, e.g. `kube-apiserver-bootstrap`. */
    name: string;
    /** The network namespace to run in (from `Network.node`). */
    netns: string;
    /** The hostname the process sees (its own UTS namespace): the node's, as with hostNetwork. */
    hostname: string;
    /** An empty directory this process gets as `/`. */
    root: string;
    /** `/etc` inside: "own" is a fresh directory with `files`; a host path is bound instead. */
    etc: "own" | string;
    /** Files written into `/etc` when `etc` is "own", or bound over it otherwise (e.g. hosts). */
    etcFiles: Record<string, string>;
    binds: Bind[];
    env: Record<string, string>;
    /** argv[0] is an absolute path inside the sandbox. */
    argv: string[];
    /** The working directory inside the sandbox; `/` by default. */
    cwd?: string;
    /** stdout and stderr go here. */
    log: string;
}

/** The PATH of every sandboxed process. */
export const SANDBOX_PATH = "/opt/rehearse/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Host files a process needs in its /etc to run the host's /usr binaries (dynamic linker cache, alternatives, CA store). */
const HOST_ETC = ["ld.so.cache", "alternatives", "ssl", "nsswitch.conf"];

/** `'...'` for sh, safe for any string. */
function q(s: string): string {
    return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The sh lines that mount `b` inside the sandbox root `r` (creating the mount point like its source). */
function bindLines(r: string, b: Bind): string[] {
    const dst = q(path.join(r, b.dst));
    const isDir = fs.statSync(b.src).isDirectory();
    return [
        isDir ? `mkdir -p ${dst}` : `mkdir -p ${q(path.dirname(path.join(r, b.dst)))} && touch ${dst}`,
        `mount --bind ${q(b.src)} ${dst}`,
        ...(b.ro ? [`mount -o remount,bind,ro ${dst}`] : []),
    ];
}

/**
 * The shell script that assembles the sandbox root and execs the process in it. Runs as root
 * inside `unshare --mount --propagation private`, so every mount is private to the process.
 */
export function sandboxScript(s: SandboxSpec): string {
    const r = s.root;
    const lines = [`hostname ${q(s.hostname)}`, `mkdir -p ${q(r)}`, `cd ${q(r)}`];
    // The host's /usr, read-only, and the top-level links or directories of a merged /usr.
    lines.push(...bindLines(r, { src: "/usr", dst: "/usr", ro: true }));
    for (const top of ["bin", "sbin", "lib", "lib32", "lib64", "libx32"]) {
        const host = `/${top}`;
        if (!fs.existsSync(host)) continue;
        if (fs.lstatSync(host).isSymbolicLink()) lines.push(`ln -sfn ${q(fs.readlinkSync(host))} ${q(path.join(r, top))}`);
        else lines.push(...bindLines(r, { src: host, dst: host, ro: true }));
    }
    lines.push(`mkdir -p dev proc sys tmp run var/tmp`, `mount --rbind /dev dev`, `mount -t proc proc proc`,
        // /sys read-only: nothing here may change the host's kernel parameters under /sys.
        `mount --bind /sys sys`, `mount -o remount,bind,ro sys`,
        `mount -t tmpfs -o mode=1777 tmpfs tmp`, `mount -t tmpfs -o mode=0755 tmpfs run`);
    if (s.etc === "own") {
        lines.push(`mkdir -p etc`);
        for (const [name, text] of Object.entries(s.etcFiles)) lines.push(`printf '%s' ${q(text)} > ${q(path.join(r, "etc", name))}`);
    } else {
        lines.push(...bindLines(r, { src: s.etc, dst: "/etc" }));
    }
    for (const f of HOST_ETC) {
        if (fs.existsSync(`/etc/${f}`)) lines.push(...bindLines(r, { src: `/etc/${f}`, dst: `/etc/${f}`, ro: true }));
    }
    if (s.etc !== "own") {
        // Files such as hosts laid over the node's own /etc, from files of this run.
        const dir = `${s.root}.etc`;
        fs.mkdirSync(dir, { recursive: true });
        for (const [name, text] of Object.entries(s.etcFiles)) {
            fs.writeFileSync(path.join(dir, name), text);
            lines.push(...bindLines(r, { src: path.join(dir, name), dst: `/etc/${name}`, ro: true }));
        }
    }
    for (const b of s.binds) lines.push(...bindLines(r, b));
    const env = Object.entries({ PATH: SANDBOX_PATH, HOME: "/root", ...s.env }).map(([k, v]) => `${k}=${v}`);
    lines.push(`exec chroot ${q(r)} /usr/bin/env -i -C ${q(s.cwd ?? "/")} ${env.map(q).join(" ")} "$@"`);
    return lines.join("\n");
}

/** A running sandboxed process. */
export interface Proc {
    name: string;
    log: string;
    child: ChildProcess;
    /** Resolves with the exit code (or the signal's name) once the process has ended. */
    exited: Promise<number | string>;
    /** Whether it is still running. */
    running(): boolean;
}

/** Every process this run started, so that all of them can be stopped on any exit path. */
export class Processes {
    private readonly procs: Proc[] = [];

    /** Starts `s` in its own process group; its output goes to `s.log`. */
    start(s: SandboxSpec): Proc {
        fs.mkdirSync(path.dirname(s.log), { recursive: true });
        const out = fs.openSync(s.log, "a", 0o600);
        const child = spawn("ip", ["netns", "exec", s.netns, "unshare", "--mount", "--uts", "--propagation", "private", "--",
            "sh", "-ec", sandboxScript(s), "sh", ...s.argv], { stdio: ["ignore", out, out], detached: true });
        fs.closeSync(out);
        let done = false;
        const exited = new Promise<number | string>((resolve) => child.on("exit", (code, sig) => { done = true; resolve(code ?? sig ?? "?"); }));
        const p: Proc = { name: s.name, log: s.log, child, exited, running: () => !done };
        this.procs.push(p);
        return p;
    }

    /** Stops one process: SIGTERM to its group, SIGKILL after `graceMs`. */
    async stop(p: Proc, graceMs = 5000): Promise<void> {
        if (!p.running() || p.child.pid === undefined) return;
        const kill = (sig: NodeJS.Signals) => { try { process.kill(-p.child.pid!, sig); } catch { /* gone */ } };
        kill("SIGTERM");
        const t = setTimeout(() => kill("SIGKILL"), graceMs);
        await p.exited;
        clearTimeout(t);
    }

    /** Stops every process, newest first. */
    async stopAll(): Promise<void> {
        await Promise.all([...this.procs].reverse().map((p) => this.stop(p)));
    }

    /** Synchronous last resort (process exit handlers): SIGKILL to every group still running. */
    killAllNow(): void {
        for (const p of this.procs) {
            if (p.running() && p.child.pid !== undefined) { try { process.kill(-p.child.pid, "SIGKILL"); } catch { /* gone */ } }
        }
    }
}

/** Runs a command to completion; resolves with its exit code and combined output (never rejects). */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
        const child = execFile(cmd, args, { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 << 20, encoding: "utf8" },
            (err, stdout, stderr) => {
                const code = err ? (typeof (err as any).code === "number" ? (err as any).code : 1) : 0;
                resolve({ code, out: `${stdout}${stderr}` });
            });
        if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
}

/** Runs a command in a running process's mount and network namespaces and root, as a kubelet exec probe does. */
export function execIn(p: Proc, argv: string[], timeoutMs = 10_000): Promise<{ code: number; out: string }> {
    return run("nsenter", ["-t", String(p.child.pid), "-m", "-n", "-r", "-w", "--", "/usr/bin/env", "-i", `PATH=${SANDBOX_PATH}`, ...argv], { timeoutMs });
}

/** The namespaces of this run: one per node, and the gateway's with the bridge joining them. */
export class Network {
    private readonly names: string[] = [];
    readonly gateway: string;

    /**
     * @param prefix names every namespace `<prefix>-<node>`; includes the PID so that leftovers of
     *   a killed run can be told apart (see `sweepStale`).
     * @param gatewayIp the machine network's first address, e.g. 192.168.126.1.
     * @param bits the machine network's prefix length, e.g. 24.
     */
    constructor(private readonly prefix: string, private readonly gatewayIp: string, private readonly bits: number) {
        this.gateway = `${prefix}-gw`;
    }

    private ip(...args: string[]): void {
        execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
    }

    /** Creates the gateway namespace with the bridge `br0` holding the gateway address. */
    create(): void {
        this.ip("netns", "add", this.gateway);
        this.names.push(this.gateway);
        this.ip("-n", this.gateway, "link", "set", "lo", "up");
        this.ip("-n", this.gateway, "link", "add", "br0", "type", "bridge");
        this.ip("-n", this.gateway, "addr", "add", `${this.gatewayIp}/${this.bits}`, "dev", "br0");
        this.ip("-n", this.gateway, "link", "set", "br0", "up");
    }

    /**
     * Adds a node's namespace: `eth0` with `ip`, a veth to the bridge, a default route via the
     * gateway. Both ends of the veth are created inside namespaces, never in the host's.
     * @returns the namespace's name.
     */
    node(name: string, ip: string): string {
        const ns = `${this.prefix}-${name}`;
        this.ip("netns", "add", ns);
        this.names.push(ns);
        const port = `p${this.names.length}`;
        this.ip("link", "add", port, "netns", this.gateway, "type", "veth", "peer", "name", "eth0", "netns", ns);
        this.ip("-n", this.gateway, "link", "set", port, "master", "br0", "up");
        this.ip("-n", ns, "link", "set", "lo", "up");
        this.ip("-n", ns, "addr", "add", `${ip}/${this.bits}`, "dev", "eth0");
        this.ip("-n", ns, "link", "set", "eth0", "up");
        this.ip("-n", ns, "route", "add", "default", "via", this.gatewayIp);
        return ns;
    }

    /** Removes every namespace this run made (and with them their interfaces); never throws. */
    destroy(): void {
        for (const ns of this.names.splice(0).reverse()) {
            try { this.ip("netns", "del", ns); } catch { /* already gone */ }
        }
    }

    /**
     * Removes namespaces left by an earlier run of this tool that was killed (SIGKILL skips every
     * cleanup): those named `othw-rh<pid>-…` whose PID no longer runs. Touches no other namespace.
     * @returns the names removed.
     */
    static sweepStale(): string[] {
        const removed: string[] = [];
        let names: string[] = [];
        try { names = fs.readdirSync("/run/netns"); } catch { return removed; }
        for (const ns of names) {
            const m = /^othw-rh(\d+)-/.exec(ns);
            if (!m || fs.existsSync(`/proc/${m[1]}`)) continue;
            try { execFileSync("ip", ["netns", "del", ns], { stdio: "ignore" }); removed.push(ns); } catch { /* in use */ }
        }
        return removed;
    }
}
