import type { IContainer, IPod, IProbe, IVolume, IVolumeMount } from "kubernetes-models/v1";
import { BOOTSTRAP_SECRETS_DIR, KUBECONFIGS_DIR, SECRETS_MOUNT } from "../node-paths";

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

/** An HTTPS GET probe on the host network, e.g. `/healthz` on 6443. */
export function httpsProbe(path: string, port: number, initialDelaySeconds: number, periodSeconds: number): IProbe {
    return { httpGet: { path, port, scheme: "HTTPS" }, initialDelaySeconds, periodSeconds };
}

/** What differs between the static pods; everything else is common to them. */
export interface StaticPodSpec {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    container: Omit<IContainer, "volumeMounts">;
    mounts: HostMount[];
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
 * hand, so that every flag is visible and explained (this project's choice): `v1/Pod`, host network, one
 * container, hostPath volumes; no priority class or tolerations (the bootstrap kubelet never
 * registers, so nothing schedules against these pods).
 * @returns a plain Pod object; volumes and mounts keep the order given.
 */
export function staticPod(spec: StaticPodSpec): IPod {
    const volumeMounts: IVolumeMount[] = spec.mounts.map((m) => ({
        name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true } : {}),
    }));
    const volumes: IVolume[] = spec.mounts.map((m) => ({
        name: m.name, hostPath: { path: m.hostPath, ...(m.type ? { type: m.type } : {}) },
    }));
    const container = { ...spec.container };
    // Flags live in `command` for most components and in `args` for the CVO.
    if (container.args) container.args = withExtraArgs(container.args, spec.extraArgs);
    else if (container.command) container.command = withExtraArgs(container.command, spec.extraArgs);
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: spec.name, namespace: spec.namespace, ...(spec.labels ? { labels: spec.labels } : {}) },
        spec: {
            hostNetwork: true,
            containers: [{ ...container, ...(volumeMounts.length ? { volumeMounts } : {}) }],
            ...(volumes.length ? { volumes } : {}),
        },
    };
}
