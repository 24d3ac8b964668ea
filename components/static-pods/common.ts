import type { IContainer, IPod, IProbe, IVolume, IVolumeMount } from "kubernetes-models/v1";
import { BOOTSTRAP_CONFIGS_DIR, BOOTSTRAP_SECRETS_DIR, CONFIG_MOUNT, KUBECONFIGS_DIR, SECRETS_MOUNT } from "../node-paths";

/** A component's config file: a typed object without metadata, e.g. `OpenShiftControllerManagerConfig`. */
export type ComponentConfig = { apiVersion: string; kind: string; [k: string]: unknown };

/** A hostPath volume and where the container sees it. */
export interface HostMount {
    name: string;
    hostPath: string;
    mountPath: string;
    readOnly: boolean;
    /** hostPath `type`; the tutorial sets one only for etcd's data directory. */
    type?: "DirectoryOrCreate" | "Directory" | "File";
}

/**
 * The bootstrap secrets directory, read-only at SECRETS_MOUNT, as the operators' bootstrap pods
 * mount it (e.g. openshift/cluster-kube-apiserver-operator
 * bindata/bootkube/bootstrap-manifests/kube-apiserver-pod.yaml, release-4.18).
 */
export const SECRETS: HostMount = { name: "secrets", hostPath: BOOTSTRAP_SECRETS_DIR, mountPath: SECRETS_MOUNT, readOnly: true };
/**
 * The bootstrap config files directory, read-only at CONFIG_MOUNT, as the controller-manager
 * operator's bootstrap pod mounts it (openshift/cluster-kube-controller-manager-operator
 * bindata/bootkube/bootstrap-manifests/kube-controller-manager-pod.yaml, release-4.18).
 */
export const CONFIG: HostMount = { name: "config", hostPath: BOOTSTRAP_CONFIGS_DIR, mountPath: CONFIG_MOUNT, readOnly: true };
/** The kubeconfigs directory, read-only at the same path (this project's layout, see node-paths.ts). */
export const KUBECONFIGS: HostMount = { name: "kubeconfigs", hostPath: KUBECONFIGS_DIR, mountPath: KUBECONFIGS_DIR, readOnly: true };

/**
 * API access for a control-plane component: one kubeconfig for its requests and for delegating
 * authentication and authorization of requests to its own endpoints.
 */
export function kubeconfigFlags(path: string): string[] {
    return [`--kubeconfig=${path}`, `--authentication-kubeconfig=${path}`, `--authorization-kubeconfig=${path}`];
}

/** One active instance at a time once the masters run theirs too: a Lease, retried every 3 s. */
export const LEADER_ELECTION_FLAGS = ["--leader-elect=true", "--leader-elect-retry-period=3s", "--leader-elect-resource-lock=leases"];

/** An HTTPS GET probe on the host network, e.g. `/healthz` on 6443; `host` if not the node's address (e.g. `localhost`). */
export function httpsProbe(path: string, port: number, initialDelaySeconds: number, periodSeconds: number, host?: string): IProbe {
    return { httpGet: { path, port, scheme: "HTTPS", ...(host ? { host } : {}) }, initialDelaySeconds, periodSeconds };
}

/** A container of a static pod and the host directories it mounts. */
export interface ContainerSpec {
    container: Omit<IContainer, "volumeMounts">;
    mounts: HostMount[];
}

/** What differs between the static pods; everything else is common to them. */
export interface StaticPodSpec {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    /** The component's own container: the stack's `extraArgs` apply to it. */
    container: Omit<IContainer, "volumeMounts">;
    mounts: HostMount[];
    /** Further containers of the same pod (e.g. the controller manager's cluster-policy-controller); `extraArgs` do not apply to them. */
    moreContainers?: ContainerSpec[];
    /** The stack's `extraArgs` for this component: flag name (no dashes) → value. */
    extraArgs?: Record<string, string>;
}

/**
 * Applies `extraArgs` to a flag list: a flag already there (`--name=...`) gets the new value in
 * place, a new flag is appended. Entries that are not `--flag=value` (the binary, subcommands)
 * are kept as they are.
 */
export function withExtraArgs(args: string[], extra: Record<string, string> = {}): string[] {
    const out = [...args];
    for (const [flag, value] of Object.entries(extra)) {
        const i = out.findIndex((a) => a.startsWith(`--${flag}=`));
        if (i >= 0) out[i] = `--${flag}=${value}`;
        else out.push(`--${flag}=${value}`);
    }
    return out;
}

/**
 * A bootstrap static pod, shaped like those the operators' render commands write for
 * openshift-install (e.g. openshift/cluster-kube-apiserver-operator
 * bindata/bootkube/bootstrap-manifests/kube-apiserver-pod.yaml, release-4.18) but written here by
 * hand, so that every flag is visible and explained (this project's choice): `v1/Pod`, host network,
 * the component's container (and any further ones), hostPath volumes; no priority class or
 * tolerations (the bootstrap kubelet never registers, so nothing schedules against these pods).
 * @returns a plain Pod object; containers, volumes and mounts keep the order given, a volume
 *   shared by two containers is declared once.
 * @throws Error if two mounts share a volume name but not its hostPath or type.
 */
export function staticPod(spec: StaticPodSpec): IPod {
    const volumeMounts = (mounts: HostMount[]): IVolumeMount[] => mounts.map((m) => ({
        name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true } : {}),
    }));
    const first = { ...spec.container };
    // Flags live in `command` for most components and in `args` for the CVO.
    if (first.args) first.args = withExtraArgs(first.args, spec.extraArgs);
    else if (first.command) first.command = withExtraArgs(first.command, spec.extraArgs);
    const all: ContainerSpec[] = [{ container: first, mounts: spec.mounts }, ...(spec.moreContainers ?? [])];
    const byName = new Map<string, HostMount>();
    for (const m of all.flatMap((c) => c.mounts)) {
        const seen = byName.get(m.name);
        if (!seen) byName.set(m.name, m);
        else if (seen.hostPath !== m.hostPath || seen.type !== m.type) {
            throw new Error(`pod ${spec.name}: volume ${m.name} is mounted from both ${seen.hostPath} and ${m.hostPath}`);
        }
    }
    const volumes: IVolume[] = [...byName.values()].map((m) => ({
        name: m.name, hostPath: { path: m.hostPath, ...(m.type ? { type: m.type } : {}) },
    }));
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: spec.name, namespace: spec.namespace, ...(spec.labels ? { labels: spec.labels } : {}) },
        spec: {
            hostNetwork: true,
            containers: all.map((c) => ({ ...c.container, ...(c.mounts.length ? { volumeMounts: volumeMounts(c.mounts) } : {}) })),
            ...(volumes.length ? { volumes } : {}),
        },
    };
}
