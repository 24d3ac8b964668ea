import YAML from "yaml";

/** What one kubeconfig holds: one cluster, one user, one context named after the user. */
export interface KubeconfigSpec {
    /** Cluster entry name, e.g. `othw`, `localhost`. */
    clusterName: string;
    /** API server URL, e.g. `https://api-int.othw.lab.local:6443`. */
    server: string;
    /** User entry name, e.g. `admin`, `system:kube-scheduler`. */
    user: string;
    /** PEM of the CA that signed the API server's certificate. */
    caPem: string;
    /** PEM client certificate and key of the user. */
    certPem: string;
    keyPem: string;
}

/**
 * Renders a kubeconfig: `v1/Config`, base64 data fields, current-context set (the format of
 * kubernetes/kubernetes staging/src/k8s.io/client-go/tools/clientcmd/api/v1/types.go, release-1.31,
 * as openshift/installer pkg/asset/kubeconfig/kubeconfig.go writes it, release-4.18).
 * @returns YAML text; it embeds a private key, so callers keep it secret.
 */
export function renderKubeconfig(k: KubeconfigSpec): string {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    return YAML.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: k.clusterName, cluster: { "certificate-authority-data": b64(k.caPem), server: k.server } }],
        users: [{ name: k.user, user: { "client-certificate-data": b64(k.certPem), "client-key-data": b64(k.keyPem) } }],
        contexts: [{ name: k.user, context: { cluster: k.clusterName, user: k.user } }],
        "current-context": k.user,
        preferences: {},
    }, { lineWidth: 0 });
}
