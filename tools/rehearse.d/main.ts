/**
 * tools/rehearse <stack> [--assets DIR] [--crds DIR] [--kube-bin DIR] [--keep]
 *
 * Runs a stack's rendered bootstrap on this host, with real binaries, before any VM boots, and
 * prints a table of rungs: pass/fail/skip, seconds, and the first error of each failure. Exits 1
 * if any rung failed, 2 on bad usage. Needs root (network and mount namespaces).
 *
 * 1. Ignition: each node's `<node>.ign`, applied by the real Ignition into a scratch root and
 *    checked entry by entry (ignition.ts). A master's pointer config is applied without its merge
 *    of the machine-config-server's config (that server runs from the release's image; the
 *    pointer integration test merges a real 4.18 one), and its root then gets the one served file
 *    the later rungs need, /etc/kubernetes/kubeconfig, from the file the server serves it from.
 * 2. The bootstrap node's static pods from that root's /etc/kubernetes/manifests, as written, in a
 *    network namespace holding the node's address (pods.ts, sandbox.ts), except the containers
 *    whose binary exists only in their image (the cluster-version-operator, the controller
 *    manager's cluster-policy-controller), each named in its pod's line; their probes; /readyz
 *    through `api` and `api-int` with the admin kubeconfig; the controller manager's and the
 *    scheduler's leases.
 * 3. bootkube.sh from the root, unmodified (its `oc` is kubectl), until it waits for the masters;
 *    its machine-config-operator bootstrap step is marked done beforehand (it runs the release's
 *    images with podman; a unit test runs it with a recording podman);
 *    every cluster manifest accepted by the API server (`--dry-run=server` too), the
 *    Infrastructure status as rendered.
 * 4. A master's first contact: its kubelet's client CSR made with its bootstrap kubeconfig,
 *    approved and issued by the cluster alone, and the certificate authenticating as the node;
 *    its kube-proxy synced the Services into iptables in the master's own namespace.
 * 5. No `forbidden`, `Unauthorized` or `x509` in any component's log.
 * Every process, mount and namespace it made is gone when it exits, also on Ctrl-C.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import YAML from "yaml";
import { applyIgnition, ignitionFile, IGNITION_BIN, verifyIgnition } from "./ignition";
import { containerSandbox, mapEntrypoint, Probe, readStaticPods, REHEARSE_BIN, runnableContainers, StaticPod } from "./pods";
import { Bind, execIn, Network, Proc, Processes, run, SandboxSpec } from "./sandbox";
import { APPLY_FLAGS } from "../../components/ignition/bootkube";
import { MCO_BOOTSTRAP_DONE, MCS_KUBECONFIG } from "../../components/ignition/mco-bootstrap";
import { kubeconfig } from "../../components/node-paths";

/** The Kubernetes binaries the rehearsal runs (tools/setup builds them into OTHW_KUBE_BIN). */
const KUBE_BINARIES = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "kubectl"];
/** Paths on the nodes this reads (the layout the project renders; see components/node-paths.ts). */
const STATIC_POD_DIR = "/etc/kubernetes/manifests";
const CLUSTER_MANIFESTS_DIR = "/opt/openshift/manifests";
const CRDS_DIR = "/opt/openshift/crds";
const BOOTKUBE_UNIT = "/etc/systemd/system/bootkube.service";
/** The kubelet's bootstrap kubeconfig on a master (kubelet `--bootstrap-kubeconfig`). */
const KUBELET_BOOTSTRAP_KUBECONFIG = "/etc/kubernetes/kubeconfig";
/** Log lines that mean a component was refused or refused someone. */
const BAD_LOG = /forbidden|Unauthorized|x509/;

type Status = "pass" | "fail" | "skip";
interface Result { rung: string; status: Status; seconds: number; detail: string }

/** A node as its Ignition config describes it. */
interface Node { name: string; ign: string; fqdn: string; ip: string; bits: number; gateway: string; bootstrap: boolean; root: string; netns?: string }

/**
 * The first line of a log that reads as an error (klog E/F, etcd's E/C levels, Go's panic,
 * cobra's Error:), else its last line; with `last`, the last such line (why a process exited).
 */
export function firstError(text: string, last = false): string {
    const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
    const hit = (last ? [...lines].reverse() : lines).find((l) => /^[EF]\d{4} |\s[EC] \| |^Error: |^error: |^panic: |"level":"(error|fatal)"|not yet: |timed out/.test(l));
    return (hit ?? lines[lines.length - 1] ?? "(no output)").slice(0, 300);
}

class Rehearsal {
    readonly results: Result[] = [];
    readonly procs = new Processes();
    net?: Network;
    private readonly t0 = Date.now();

    /**
     * Runs one rung unless a rung it needs did not pass; records and prints its result.
     * @param fn resolves with a short detail on success; throws (or returns {skip}) otherwise.
     */
    async rung(name: string, needs: string[], fn: () => Promise<string | { skip: string } | void>): Promise<boolean> {
        const missing = needs.filter((n) => this.results.find((r) => r.rung === n)?.status !== "pass");
        const start = Date.now();
        let status: Status, detail: string;
        if (missing.length) {
            status = "skip"; detail = `needs ${missing.join(", ")}`;
        } else {
            try {
                const out = await fn();
                if (out && typeof out === "object") { status = "skip"; detail = out.skip; } else { status = "pass"; detail = out ?? ""; }
            } catch (e) {
                status = "fail"; detail = (e instanceof Error ? e.message : String(e)).split("\n")[0].slice(0, 400);
            }
        }
        const seconds = (Date.now() - start) / 1000;
        this.results.push({ rung: name, status, seconds, detail });
        console.log(`[${((Date.now() - this.t0) / 1000).toFixed(1).padStart(6)} s] ${status.padEnd(4)} ${name}${detail ? `: ${detail}` : ""}`);
        return status === "pass";
    }

    /** Stops every process and removes every namespace; safe to call twice. */
    async cleanup(): Promise<void> {
        await this.procs.stopAll();
        this.net?.destroy();
    }

    table(): string {
        const w = Math.max(4, ...this.results.map((r) => r.rung.length));
        const rows = this.results.map((r) => `${r.rung.padEnd(w)}  ${r.status.padEnd(4)}  ${r.seconds.toFixed(1).padStart(6)}  ${r.status === "pass" ? "" : r.detail}`);
        return [`${"rung".padEnd(w)}  res.  ${"sec".padStart(6)}  first error`, ...rows].join("\n");
    }
}

/** Polls `check` every `everyMs` until it returns true; throws after `timeoutMs`, or at once if one of `watch` has exited. */
async function until(what: string, timeoutMs: number, check: () => Promise<boolean>, watch: Proc[] = [], everyMs = 1000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await check()) return;
        const dead = watch.find((p) => !p.running());
        if (dead) throw new Error(`${dead.name} exited (${await dead.exited}): ${firstError(fs.readFileSync(dead.log, "utf8"), true)}`);
        if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, everyMs));
    }
}

/** Whether one probe of a running container answers as the kubelet would count it (HTTP 200–399, exit 0). */
async function probeAnswers(p: Probe, proc: Proc, nodeIp: string, netns: string): Promise<boolean> {
    if (p.httpGet) {
        const scheme = (p.httpGet.scheme ?? "HTTP").toLowerCase();
        // The kubelet does not verify a probe's serving certificate (-k).
        const r = await run("ip", ["netns", "exec", netns, "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
            `${scheme}://${p.httpGet.host ?? nodeIp}:${p.httpGet.port}${p.httpGet.path ?? "/"}`]);
        const code = Number(r.out.trim());
        return code >= 200 && code < 400;
    }
    if (p.exec) return (await execIn(proc, p.exec.command)).code === 0;
    return true;
}

/** Reads a node's name, FQDN, address and gateway from its Ignition config (hostname and NetworkManager keyfile). */
async function describeNode(ign: string, work: string): Promise<Node> {
    const name = path.basename(ign, ".ign");
    const fqdn = (await ignitionFile(ign, "/etc/hostname"))?.trim();
    const cfg = JSON.parse(fs.readFileSync(ign, "utf8"));
    const keyfile = (cfg.storage?.files ?? []).find((f: { path: string }) => f.path.startsWith("/etc/NetworkManager/system-connections/"));
    const nm = keyfile ? await ignitionFile(ign, keyfile.path) : undefined;
    const addr = /^addresses=([\d.]+)\/(\d+)/m.exec(nm ?? "");
    const gw = /^gateway=([\d.]+)/m.exec(nm ?? "");
    if (!fqdn || !addr || !gw) throw new Error(`${ign}: no /etc/hostname or static address in the config`);
    const bootstrap = (cfg.storage?.files ?? []).some((f: { path: string }) => f.path === "/usr/local/bin/bootkube.sh");
    return { name, ign, fqdn, ip: addr[1], bits: Number(addr[2]), gateway: gw[1], bootstrap, root: path.join(work, "roots", name) };
}

async function main(): Promise<number> {
    const { values, positionals } = parseArgs({
        allowPositionals: true,
        options: {
            assets: { type: "string" }, crds: { type: "string" }, "kube-bin": { type: "string" },
            keep: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help || positionals.length !== 1) {
        console.error("usage: tools/rehearse <stack> [--assets DIR] [--crds DIR] [--kube-bin DIR] [--keep]");
        return 2;
    }
    const started = Date.now();
    const stack = positionals[0];
    const assets = path.resolve(values.assets ?? path.join("assets", stack));
    const kubeBin = values["kube-bin"] ?? process.env.OTHW_KUBE_BIN ?? "";
    const crds = values.crds ?? process.env.OTHW_CRDS_DIR;
    if (process.getuid?.() !== 0) { console.error("tools/rehearse: needs root (it makes network and mount namespaces)"); return 2; }
    const igns = fs.existsSync(assets) ? fs.readdirSync(assets).filter((f) => f.endsWith(".ign")).sort().map((f) => path.join(assets, f)) : [];
    if (igns.length === 0) { console.error(`tools/rehearse: no Ignition configs in ${assets}; run \`pulumi up --stack ${stack}\` first`); return 2; }

    const removed = Network.sweepStale();
    if (removed.length) console.log(`removed namespaces of an earlier, killed run: ${removed.join(", ")}`);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "othw-rehearse-"));
    // Ignition writes the core user's SSH keys as that user, who must be able to reach the
    // home directory in the scratch root: the run directory and the roots may be traversed
    // (0711) but not listed; what is secret inside a root has its own 0600/0700 modes, as on the
    // node. Logs and sandboxes are root's only.
    fs.chmodSync(work, 0o711);
    fs.mkdirSync(path.join(work, "roots"), { mode: 0o711 });
    fs.mkdirSync(path.join(work, "logs"), { mode: 0o700 });
    fs.mkdirSync(path.join(work, "sandboxes"), { mode: 0o700 });
    // Ignition's config cache there is the whole config, keys included.
    fs.mkdirSync(path.join(work, "ignition"), { mode: 0o700 });
    const h = new Rehearsal();
    let stopping = false;
    const onSignal = (sig: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        console.error(`\n${sig}: stopping every process and removing the namespaces`);
        void h.cleanup().finally(() => { if (!values.keep) fs.rmSync(work, { recursive: true, force: true }); process.exit(130); });
    };
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, onSignal);
    process.on("exit", () => { h.procs.killAllNow(); h.net?.destroy(); });
    console.log(`rehearsing ${assets} in ${work}`);

    let nodes: Node[] = [];
    try {
        await h.rung("binaries", [], async () => {
            const need = [...KUBE_BINARIES.map((b) => path.join(kubeBin, b)), "/usr/bin/etcd", "/usr/bin/etcdctl", IGNITION_BIN];
            const missing = need.filter((b) => !kubeBin || !fs.existsSync(b));
            if (missing.length) throw new Error(`missing ${missing.join(", ")}: run tools/setup (OTHW_KUBE_BIN=${kubeBin || "(unset)"})`);
            const v = execFileSync(path.join(kubeBin, "kubectl"), ["version", "--client", "-o", "json"], { encoding: "utf8" });
            const etcd = execFileSync("/usr/bin/etcd", ["--version"], { encoding: "utf8" }).split("\n")[0];
            // The sandboxes' /opt/rehearse/bin: every binary by its own name, and bootkube.sh's
            // `oc` as kubectl (the Kubernetes subset of oc that bootkube.sh uses).
            const bin = path.join(work, "bin");
            fs.mkdirSync(bin);
            for (const b of KUBE_BINARIES) fs.symlinkSync(`/opt/rehearse/kube/${b}`, path.join(bin, b));
            fs.symlinkSync("/opt/rehearse/kube/kubectl", path.join(bin, "oc"));
            return `Kubernetes ${JSON.parse(v).clientVersion.gitVersion}, ${etcd}, oc = kubectl`;
        });
        nodes = await Promise.all(igns.map((f) => describeNode(f, work)));
        for (const n of nodes) {
            await h.rung(`ignition ${n.name}`, ["binaries"], async () => {
                fs.mkdirSync(n.root, { recursive: true });
                const iwork = path.join(work, "ignition", n.name);
                fs.mkdirSync(iwork, { recursive: true });
                const cfg = JSON.parse(fs.readFileSync(n.ign, "utf8"));
                // A pointer config (a master's) merges what the machine-config-server serves:
                // that server runs from the release's MCO image, which this host cannot pull, so
                // the pointer's own part is applied alone (its merge is rehearsed by
                // test/integration/pointer.test.ts against a real 4.18 server's config).
                const merge: { source: string }[] = cfg.ignition?.config?.merge ?? [];
                let ign = n.ign;
                if (merge.length) {
                    const own = structuredClone(cfg);
                    delete own.ignition.config;
                    ign = path.join(iwork, "pointer-own.ign");
                    fs.writeFileSync(ign, JSON.stringify(own), { mode: 0o600 });
                }
                const applied = await applyIgnition(ign, n.root, iwork);
                fs.writeFileSync(path.join(work, "logs", `ignition-${n.name}.log`), applied.log);
                const problems = await verifyIgnition(ign, n.root);
                if (problems.length) throw new Error(`${problems.length} entries not as the config says: ${problems.slice(0, 3).join("; ")}`);
                let served = "";
                if (merge.length) {
                    // The one served file the later rungs read: the kubelet's bootstrap kubeconfig,
                    // which the server serves from MCS_KUBECONFIG, bootkube.sh's copy of the
                    // bootstrap node's kubelet-bootstrap kubeconfig.
                    const boot = nodes.find((b) => b.bootstrap);
                    const src = boot && path.join(boot.root, kubeconfig("kubelet-bootstrap"));
                    if (!src || !fs.existsSync(src)) throw new Error(`no ${kubeconfig("kubelet-bootstrap")} in the bootstrap node's root for ${KUBELET_BOOTSTRAP_KUBECONFIG}`);
                    fs.mkdirSync(path.join(n.root, path.dirname(KUBELET_BOOTSTRAP_KUBECONFIG)), { recursive: true });
                    fs.copyFileSync(src, path.join(n.root, KUBELET_BOOTSTRAP_KUBECONFIG));
                    fs.chmodSync(path.join(n.root, KUBELET_BOOTSTRAP_KUBECONFIG), 0o600);
                    served = `; merge of ${merge.map((m) => m.source).join(", ")} not run (the machine-config-server is in the release image), ${KUBELET_BOOTSTRAP_KUBECONFIG} put as it serves it (from ${MCS_KUBECONFIG}'s source)`;
                }
                return `${cfg.storage?.files?.length ?? 0} files, ${cfg.storage?.directories?.length ?? 0} directories, ${cfg.systemd?.units?.length ?? 0} units as declared${served}; SELinux relabel stubbed (${applied.relabel} paths listed for setfiles)`;
            });
        }
    } catch (e) {
        console.error(`tools/rehearse: ${e instanceof Error ? e.message : e}`);
    }
    const boot = nodes.find((n) => n.bootstrap);
    const masters = nodes.filter((n) => !n.bootstrap);
    const master = masters[0];
    if (!boot) { console.error("tools/rehearse: no bootstrap node (no config carries /usr/local/bin/bootkube.sh)"); await h.cleanup(); return 1; }
    const domain = boot.fqdn.slice(boot.fqdn.indexOf(".") + 1);
    // What the network's DNS answers: api and api-int at the one API server that runs here.
    const hosts = ["127.0.0.1 localhost", `${boot.ip} api.${domain} api-int.${domain}`, ...nodes.map((n) => `${n.ip} ${n.fqdn} ${n.fqdn.split(".")[0]}`), ""].join("\n");
    const binds: Bind[] = [{ src: kubeBin, dst: "/opt/rehearse/kube", ro: true }, { src: path.join(work, "bin"), dst: REHEARSE_BIN, ro: true }];
    /** A one-shot command in a node's namespace with the node's names, a file or two bound in. */
    const oneShot = async (n: Node, name: string, argv: string[], extra: Bind[] = [], timeoutMs = 60_000) => {
        const spec: SandboxSpec = {
            name, netns: n.netns!, hostname: n.fqdn, root: path.join(work, "sandboxes", `${name}-${Date.now()}`), etc: "own", etcFiles: { hosts, "resolv.conf": "" },
            binds: [...binds, ...extra], env: {}, argv, log: path.join(work, "logs", `cmd-${name}-${Date.now()}.log`),
        };
        const p = h.procs.start(spec);
        const t = setTimeout(() => void h.procs.stop(p), timeoutMs);
        const code = await p.exited;
        clearTimeout(t);
        const out = fs.readFileSync(spec.log, "utf8");
        fs.rmSync(spec.log);
        return { code, out };
    };
    const admin = path.join(assets, "auth", "kubeconfig");
    const kubectl = (n: Node, args: string[], kubeconfig = admin, extra: Bind[] = []) =>
        oneShot(n, "kubectl", [`${REHEARSE_BIN}/kubectl`, "--kubeconfig=/run/kubeconfig", ...args], [{ src: kubeconfig, dst: "/run/kubeconfig", ro: true }, ...extra]);

    await h.rung("network namespaces", [`ignition ${boot.name}`], async () => {
        h.net = new Network(`othw-rh${process.pid}`, boot.gateway, boot.bits);
        h.net.create();
        for (const n of nodes) n.netns = h.net.node(n.name, n.ip);
        return `${nodes.map((n) => `${n.name} ${n.ip}/${n.bits}`).join(", ")}; gateway ${boot.gateway} on a bridge in ${h.net.gateway}`;
    });

    // The bootstrap's static pods, one after the other in the order their dependencies need
    // (etcd, the API server, the rest): the kubelet starts them together and lets them retry,
    // which works too but fills the logs with refusals this rehearsal wants to see only if real.
    const pods = readStaticPods(path.join(boot.root, STATIC_POD_DIR));
    const rank = (p: StaticPod) => { const b = (p.spec.containers[0].command ?? [])[0] + (p.spec.containers[0].command ?? [])[1]; return /etcd/.test(b) ? 0 : /kube-apiserver/.test(b) ? 1 : 2; };
    const running: { pod: StaticPod; container: string; proc: Proc; probes: Probe[] }[] = [];
    const podRungs: string[] = [];
    for (const [file, pod] of Object.entries(pods).sort(([, a], [, b]) => rank(a) - rank(b))) {
        const rungName = `pod ${pod.metadata.name}`;
        const ok = await h.rung(rungName, ["network namespaces", ...podRungs.filter((r) => rank(pods[r]) < rank(pod)).map((r) => `pod ${pods[r].metadata.name}`)], async () => {
            const started: Proc[] = [];
            // A container whose binary exists only in its image is left out, and said so; the
            // pod's other containers still run.
            const { run: runnable, notRun } = runnableContainers(pod);
            if (runnable.length === 0) return { skip: `not run: ${notRun.join("; ")}` };
            for (const { container: c, argv } of runnable) {
                const spec = containerSandbox(pod, c, argv, { nodeRoot: boot.root, hostname: boot.fqdn, work, netns: boot.netns!, hosts, runBinds: binds });
                const proc = h.procs.start(spec);
                started.push(proc);
                const probes = [c.readinessProbe, c.livenessProbe].filter((p): p is Probe => !!p);
                running.push({ pod, container: c.name, proc, probes });
                await until(`${pod.metadata.name} answering its probes`, 240_000, async () => {
                    for (const p of probes) if (!(await probeAnswers(p, proc, boot.ip, boot.netns!))) return false;
                    return true;
                }, started);
            }
            return `${file}: ${runnable.length} container(s) up, probes answer${notRun.length ? `; not run: ${notRun.join("; ")}` : ""}`;
        });
        if (ok) podRungs.push(file);
    }
    const apiUp = Object.values(pods).some((p) => rank(p) === 1) ? [`pod ${Object.values(pods).find((p) => rank(p) === 1)!.metadata.name}`] : ["kube-apiserver pod"];
    const control = Object.values(pods).filter((p) => rank(p) === 2 && running.some((r) => r.pod === p)).map((p) => `pod ${p.metadata.name}`);

    await h.rung("probes", apiUp, async () => {
        let n = 0;
        for (const r of running) {
            for (const p of r.probes) {
                if (!(await probeAnswers(p, r.proc, boot.ip, boot.netns!))) throw new Error(`${r.pod.metadata.name}/${r.container}: probe ${JSON.stringify(p.httpGet ?? p.exec)} does not answer`);
                n++;
            }
        }
        return `${n} liveness/readiness probes of ${running.length} containers answer`;
    });
    for (const name of [`api.${domain}`, `api-int.${domain}`]) {
        await h.rung(`readyz ${name}`, apiUp, async () => {
            if (!fs.existsSync(admin)) throw new Error(`no admin kubeconfig at ${admin}`);
            const r = await kubectl(boot, [`--server=https://${name}:6443`, "get", "--raw", "/readyz"]);
            if (r.code !== 0 || r.out.trim() !== "ok") throw new Error(`kubectl get --raw /readyz: ${firstError(r.out)}`);
            return "ok, serving certificate verified for this name with the admin kubeconfig's CA";
        });
    }
    await h.rung("leases", [...apiUp, ...control], async () => {
        const want = ["kube-controller-manager", "kube-scheduler"];
        let got = "";
        await until("leases held", 120_000, async () => {
            const r = await kubectl(boot, ["-n", "kube-system", "get", "lease", ...want, "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.holderIdentity} {end}"]);
            got = r.out.trim();
            return r.code === 0 && want.every((l) => new RegExp(`${l}=\\S+`).test(got));
        });
        return got;
    });

    // bootkube.sh, as its unit would start it.
    await h.rung("bootkube.sh", apiUp, async () => {
        const unit = fs.readFileSync(path.join(boot.root, BOOTKUBE_UNIT), "utf8");
        const exec = /^ExecStart=(.+)$/m.exec(unit)![1].trim().split(/\s+/);
        const cwd = /^WorkingDirectory=(.+)$/m.exec(unit)?.[1].trim() ?? "/";
        const crdDir = path.join(boot.root, CRDS_DIR);
        let note = "";
        if (!fs.existsSync(crdDir) || !fs.readdirSync(crdDir).some((f) => f.endsWith(".yaml"))) {
            if (!crds) throw new Error(`the bootstrap config carries no CRDs (the stack sets no crdsDir): bootkube.sh cannot create the config.openshift.io objects; set crdsDir or pass --crds DIR (tools/extract-crds fills one)`);
            fs.mkdirSync(crdDir, { recursive: true });
            const files = fs.readdirSync(crds).filter((f) => f.endsWith(".yaml"));
            for (const f of files) fs.copyFileSync(path.join(crds, f), path.join(crdDir, f));
            note = `; ${files.length} CRDs from ${crds} put where the stack's crdsDir would`;
        }
        // The machine-config-operator's bootstrap render runs the release's images with podman,
        // which this host cannot pull: its done-marker says it ran, as after a restart of the
        // unit (test/unit/mco-bootstrap.test.ts runs the step with a recording podman).
        const script = fs.readFileSync(path.join(boot.root, exec[exec.length - 1].replace(/^\//, "")), "utf8");
        if (/^mco_bootstrap$/m.test(script)) {
            fs.mkdirSync(path.join(boot.root, path.dirname(MCO_BOOTSTRAP_DONE)), { recursive: true });
            fs.writeFileSync(path.join(boot.root, MCO_BOOTSTRAP_DONE), "");
            note += "; mco-bootstrap marked done (it runs the release's MCO image)";
        }
        const spec: SandboxSpec = {
            name: "bootkube.sh", netns: boot.netns!, hostname: boot.fqdn, root: path.join(work, "sandboxes", "bootkube"), etc: path.join(boot.root, "etc"),
            etcFiles: { hosts, "resolv.conf": "" }, cwd,
            binds: [
                { src: path.join(boot.root, "usr/local"), dst: "/usr/local" }, { src: path.join(boot.root, "opt"), dst: "/opt" },
                { src: path.join(boot.root, "var"), dst: "/var" }, ...binds,
            ],
            env: {}, argv: exec, log: path.join(work, "logs", "bootkube.sh.log"),
        };
        const p = h.procs.start(spec);
        let log = "";
        let refused: { line: string; at: number } | undefined;
        await until("bootkube.sh waiting for the masters", 480_000, async () => {
            log = fs.readFileSync(spec.log, "utf8");
            if (/bootkube: waiting for \d+ Ready masters/.test(log)) return true;
            // A manifest refused after the CRDs are Established stays refused: bootkube.sh would
            // retry it for 10 minutes; the rehearsal fails after 30 s, naming it.
            const line = log.split("\n").find((l) => /^bootkube: cluster manifests: not yet: /.test(l));
            refused ??= line ? { line, at: Date.now() } : undefined;
            if (refused && Date.now() - refused.at > 30_000) throw new Error(refused.line.replace(/^bootkube: cluster manifests: /, ""));
            return false;
        }, [p], 500);
        // Left running, as on the node: what it does while it waits for the masters (approving
        // their CSRs, say) is part of what the next rungs rehearse.
        const applied = log.split("\n").filter((l) => /is ready$/.test(l)).map((l) => l.replace(/^bootkube: (.*) is ready$/, "$1"));
        return `reached the wait for the masters; ready: ${applied.join(", ")}${note}`;
    });
    await h.rung("cluster manifests", ["bootkube.sh"], async () => {
        const dir = path.join(boot.root, CLUSTER_MANIFESTS_DIR);
        const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
        const m = [{ src: dir, dst: "/run/manifests", ro: true }];
        // kubectl names the file of every object it refuses. The apply is bootkube.sh's own
        // (server-side, its field manager), as a dry run.
        const dry = await kubectl(boot, ["apply", ...APPLY_FLAGS, "--dry-run=server", "-f", "/run/manifests/"], admin, m);
        if (dry.code !== 0) throw new Error(`--dry-run=server: ${firstError(dry.out)}`);
        const got = await kubectl(boot, ["get", "-f", "/run/manifests/", "-o", "name"], admin, m);
        if (got.code !== 0) throw new Error(`not applied: ${firstError(got.out)}`);
        return `${files.length} files, ${got.out.trim().split("\n").length} objects: all exist in the API and pass --dry-run=server`;
    });
    await h.rung("infrastructure status", ["bootkube.sh"], async () => {
        const file = path.join(boot.root, CLUSTER_MANIFESTS_DIR, fs.readdirSync(path.join(boot.root, CLUSTER_MANIFESTS_DIR)).find((f) => /infrastructure/.test(f)) ?? "none");
        const rendered = YAML.parse(fs.readFileSync(file, "utf8")).status as Record<string, unknown>;
        const r = await kubectl(boot, ["get", "infrastructure", "cluster", "-o", "json"]);
        if (r.code !== 0) throw new Error(firstError(r.out));
        const live = JSON.parse(r.out).status ?? {};
        const off = Object.keys(rendered).filter((k) => JSON.stringify(live[k]) !== JSON.stringify(rendered[k]));
        if (off.length) throw new Error(`status fields not as rendered: ${off.map((k) => `${k}=${JSON.stringify(live[k])}`).join(", ")}`);
        return `${Object.keys(rendered).length} status fields as rendered (apiServerInternalURI ${live.apiServerInternalURI})`;
    });

    if (master) {
        await h.rung(`${master.name} client CSR`, ["bootkube.sh", ...control], async () => {
            const bootstrapKubeconfig = path.join(master.root, KUBELET_BOOTSTRAP_KUBECONFIG);
            const node = fs.readFileSync(path.join(master.root, "etc/hostname"), "utf8").trim();
            const dir = fs.mkdtempSync(path.join(work, "csr-"));
            // What the kubelet makes for its client certificate: an ECDSA P-256 key and a CSR for
            // O=system:nodes, CN=system:node:<node name> (k8s.io/kubernetes
            // pkg/kubelet/certificate/bootstrap/bootstrap.go, release-1.31).
            execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "csr.pem"), "-subj", `/O=system:nodes/CN=system:node:${node}`], { stdio: "ignore" });
            const name = `rehearse-${master.name}-${Date.now()}`;
            fs.writeFileSync(path.join(dir, "csr.yaml"), YAML.stringify({
                apiVersion: "certificates.k8s.io/v1", kind: "CertificateSigningRequest", metadata: { name },
                spec: { request: fs.readFileSync(path.join(dir, "csr.pem")).toString("base64"), signerName: "kubernetes.io/kube-apiserver-client-kubelet", usages: ["digital signature", "client auth"] },
            }));
            const csrFile = { src: path.join(dir, "csr.yaml"), dst: "/run/csr.yaml", ro: true };
            const created = await kubectl(master, ["create", "-f", "/run/csr.yaml"], bootstrapKubeconfig, [csrFile]);
            if (created.code !== 0) throw new Error(`creating the CSR with ${KUBELET_BOOTSTRAP_KUBECONFIG}: ${firstError(created.out)}`);
            let csr: any = {};
            await until("the CSR approved and issued", 120_000, async () => {
                const r = await kubectl(master, ["get", "csr", name, "-o", "json"], bootstrapKubeconfig);
                if (r.code === 0) csr = JSON.parse(r.out);
                return !!csr.status?.certificate;
            }).catch(() => {
                const conds = (csr.status?.conditions ?? []).map((c: { type: string }) => c.type).join(",") || "Pending: nobody approved it";
                throw new Error(`CSR ${name} for system:node:${node} not issued within 120 s (${conds})`);
            });
            const kc = YAML.parse(fs.readFileSync(bootstrapKubeconfig, "utf8"));
            kc.users = [{ name: "node", user: { "client-certificate-data": csr.status.certificate, "client-key-data": fs.readFileSync(path.join(dir, "key.pem")).toString("base64") } }];
            kc.contexts = [{ name: "node", context: { cluster: kc.clusters[0].name, user: "node" } }];
            kc["current-context"] = "node";
            fs.writeFileSync(path.join(dir, "node.kubeconfig"), YAML.stringify(kc), { mode: 0o600 });
            const who = await kubectl(master, ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"], path.join(dir, "node.kubeconfig"));
            if (who.code !== 0 || who.out.trim() !== `system:node:${node}`) throw new Error(`the issued certificate authenticates as ${JSON.stringify(who.out.trim())}`);
            // Then the kubelet registers its Node with that certificate (the Node authorizer and
            // NodeRestriction let a node create only itself); kube-proxy reads its address there.
            fs.writeFileSync(path.join(dir, "node.yaml"), YAML.stringify({
                apiVersion: "v1", kind: "Node", metadata: { name: node, labels: { "kubernetes.io/hostname": node, "kubernetes.io/os": "linux" } },
                status: { addresses: [{ type: "InternalIP", address: master.ip }, { type: "Hostname", address: node }] },
            }));
            const reg = await kubectl(master, ["create", "-f", "/run/node.yaml"], path.join(dir, "node.kubeconfig"), [{ src: path.join(dir, "node.yaml"), dst: "/run/node.yaml", ro: true }]);
            if (reg.code !== 0) throw new Error(`registering Node ${node} with the issued certificate: ${firstError(reg.out)}`);
            const approvedBy = (csr.status.conditions ?? []).find((c: { type: string }) => c.type === "Approved")?.reason ?? "?";
            return `approved (${approvedBy}), issued, authenticates as system:node:${node}, registered its Node`;
        });
        await h.rung(`${master.name} kube-proxy`, apiUp, async () => {
            const mpods = Object.values(readStaticPods(path.join(master.root, STATIC_POD_DIR)));
            const pod = mpods.find((p) => /kube-proxy/.test(p.metadata.name));
            if (!pod) return { skip: `${master.name} has no kube-proxy static pod` };
            const c = pod.spec.containers[0];
            const mapped = mapEntrypoint(c);
            if ("skip" in mapped) return { skip: mapped.skip };
            const spec = containerSandbox(pod, c, mapped.argv, { nodeRoot: master.root, hostname: master.fqdn, work, netns: master.netns!, hosts, runBinds: binds });
            const p = h.procs.start(spec);
            running.push({ pod, container: c.name, proc: p, probes: [] });
            let rules = 0;
            await until("kube-proxy syncing the kubernetes Service", 120_000, async () => {
                const r = await run("ip", ["netns", "exec", master.netns!, "iptables-save", "-t", "nat"]);
                rules = r.out.split("\n").filter((l) => /default\/kubernetes:https/.test(l)).length;
                return rules > 0;
            }, [p], 2000);
            return `synced the default/kubernetes Service into iptables in ${master.name}'s namespace (${rules} rules); /sys read-only`;
        });
    }
    await h.rung("logs", apiUp, async () => {
        const logs = fs.readdirSync(path.join(work, "logs")).filter((f) => !f.startsWith("cmd-") && !f.startsWith("ignition-"));
        for (const f of logs) {
            const bad = fs.readFileSync(path.join(work, "logs", f), "utf8").split("\n").find((l) => BAD_LOG.test(l));
            if (bad) throw new Error(`${f.replace(/\.log$/, "")}: ${bad.trim().slice(0, 300)}`);
        }
        return `no forbidden, Unauthorized or x509 in ${logs.length} logs`;
    });

    await h.cleanup();
    console.log(`\n${h.table()}\n`);
    const failed = h.results.filter((r) => r.status === "fail");
    if (values.keep) console.log(`kept ${work} (roots, logs)`);
    else if (failed.length) {
        // Keep the logs of a failed run, readable by root only, and say where.
        fs.rmSync(path.join(work, "roots"), { recursive: true, force: true });
        fs.rmSync(path.join(work, "sandboxes"), { recursive: true, force: true });
        console.log(`logs kept in ${path.join(work, "logs")}`);
    } else fs.rmSync(work, { recursive: true, force: true });
    const took = ((Date.now() - started) / 1000).toFixed(0);
    console.log(failed.length ? `${failed.length} rung(s) failed (${took} s)` : `every rung passed (${took} s)`);
    return failed.length ? 1 : 0;
}

if (require.main === module) {
    main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
}
