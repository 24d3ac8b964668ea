/**
 * A node's static pods, as the kubelet would run them from /etc/kubernetes/manifests, turned into
 * sandboxed processes: each container's command, args and env exactly as written, only the
 * image's binary mapped to a local one, each hostPath volume bound at its mountPath (read-only
 * where the pod says so), in the node's network namespace (the pods use hostNetwork).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import type { Bind, SandboxSpec } from "./sandbox";

/** The parts of a Pod this reads. */
export interface StaticPod {
    metadata: { name: string; namespace?: string };
    spec: {
        hostNetwork?: boolean;
        containers: Container[];
        volumes?: { name: string; hostPath?: { path: string; type?: string } }[];
    };
}

/** The parts of a container this reads. */
export interface Container {
    name: string;
    image: string;
    command?: string[];
    args?: string[];
    env?: { name: string; value?: string }[];
    volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
    livenessProbe?: Probe;
    readinessProbe?: Probe;
}

/** A kubelet probe: an HTTP GET or a command run in the container. */
export interface Probe {
    httpGet?: { path?: string; port: number; scheme?: string; host?: string };
    exec?: { command: string[] };
}

/** Where this run's binaries appear inside every sandbox. */
export const REHEARSE_BIN = "/opt/rehearse/bin";

/**
 * How an image's entry point maps to a binary on this host. The OpenShift images put
 * `hyperkube <component>` (the release's `hyperkube` image) and `/usr/bin/<binary>` (the etcd
 * and kube-proxy images) first; the rehearsal runs upstream Kubernetes binaries and Debian's etcd.
 * @returns the argv to run, or a reason the container cannot run here.
 */
export function mapEntrypoint(c: Container): { argv: string[] } | { skip: string } {
    if (!c.command?.length) return { skip: `it runs its image's own entry point (${c.image}), which this host cannot pull` };
    const [bin, ...rest] = [...c.command, ...(c.args ?? [])];
    if (bin === "hyperkube" || bin === "/usr/bin/hyperkube") return { argv: [`${REHEARSE_BIN}/${rest[0]}`, ...rest.slice(1)] };
    if (bin === "/usr/bin/kube-proxy" || bin === "kube-proxy") return { argv: [`${REHEARSE_BIN}/kube-proxy`, ...rest] };
    // Debian's etcd-server installs /usr/bin/etcd, the path the OpenShift etcd image uses.
    if (bin === "/usr/bin/etcd" || bin === "etcd") return { argv: ["/usr/bin/etcd", ...rest] };
    return { skip: `its binary ${bin} comes from the release image, which this host cannot pull` };
}

/**
 * Which containers of a pod run here: those whose entry point maps to a local binary, each with
 * its argv; the rest (e.g. the controller manager's cluster-policy-controller, whose binary is
 * only in its image) by name and reason. The kubelet starts each container on its own, so the
 * runnable ones still run when another one cannot.
 */
export function runnableContainers(pod: StaticPod): { run: { container: Container; argv: string[] }[]; notRun: string[] } {
    const run: { container: Container; argv: string[] }[] = [];
    const notRun: string[] = [];
    for (const c of pod.spec.containers) {
        const m = mapEntrypoint(c);
        if ("skip" in m) notRun.push(`container ${c.name}: ${m.skip}`);
        else run.push({ container: c, argv: m.argv });
    }
    return { run, notRun };
}

/** Reads every static pod YAML in `dir` (a node root's /etc/kubernetes/manifests), by file name. */
export function readStaticPods(dir: string): Record<string, StaticPod> {
    const out: Record<string, StaticPod> = {};
    if (!fs.existsSync(dir)) return out;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".yaml")).sort()) {
        out[f] = YAML.parse(fs.readFileSync(path.join(dir, f), "utf8")) as StaticPod;
    }
    return out;
}

/**
 * The sandbox of one container of a static pod on a node.
 * @param nodeRoot the node's scratch root (hostPaths resolve under it).
 * @param work this run's directory (sandbox roots and logs go under it).
 * @param hosts the /etc/hosts the node's resolver would answer from (the network's DNS).
 * @param runBinds this run's binaries, bound first in every sandbox (the Kubernetes binaries and REHEARSE_BIN).
 * @throws Error naming the pod if a volumeMount names no hostPath volume, or a hostPath of type
 *   Directory/File is missing (the kubelet would refuse to start the pod).
 */
export function containerSandbox(pod: StaticPod, c: Container, argv: string[], o: { nodeRoot: string; hostname: string; work: string; netns: string; hosts: string; runBinds: Bind[] }): SandboxSpec {
    const id = `${pod.metadata.name}.${c.name}`;
    const binds: Bind[] = [...o.runBinds];
    for (const m of c.volumeMounts ?? []) {
        const v = (pod.spec.volumes ?? []).find((x) => x.name === m.name);
        if (!v?.hostPath) throw new Error(`pod ${pod.metadata.name}: volumeMount ${m.name} names no hostPath volume`);
        const src = path.join(o.nodeRoot, v.hostPath.path);
        if (!fs.existsSync(src)) {
            // The kubelet creates a missing DirectoryOrCreate hostPath with mode 0755
            // (kubernetes/kubernetes pkg/volume/hostpath/host_path.go, release-1.31); anything
            // else missing is a path the node does not have, and the pod would not start.
            if (v.hostPath.type === "DirectoryOrCreate") fs.mkdirSync(src, { recursive: true, mode: 0o755 });
            else throw new Error(`pod ${pod.metadata.name}: hostPath ${v.hostPath.path} (volume ${v.name}) does not exist on the node`);
        }
        binds.push({ src, dst: m.mountPath, ro: m.readOnly === true });
    }
    const env: Record<string, string> = {};
    for (const e of c.env ?? []) env[e.name] = e.value ?? "";
    return {
        name: id, netns: o.netns, hostname: o.hostname, root: path.join(o.work, "sandboxes", id), etc: "own",
        etcFiles: { hosts: o.hosts, passwd: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n", group: "root:x:0:\nnobody:x:65534:\n", "resolv.conf": "" },
        binds, env, argv, log: path.join(o.work, "logs", `${id}.log`),
    };
}
