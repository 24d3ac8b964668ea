import type { KubeconfigName } from "./pki/catalogue";

/**
 * The file layout on the nodes, in one place: static pods, Ignition and bootkube.sh all refer to
 * these paths. They are openshift-install's: its bootkube.sh works under /opt/openshift (openshift/installer
 * data/data/bootstrap/files/usr/local/bin/bootkube.sh.template, release-4.18) and runs
 * cluster-bootstrap, which copies the keys to /etc/kubernetes/bootstrap-secrets and the bootstrap
 * pods to /etc/kubernetes/manifests (openshift/cluster-bootstrap pkg/start/bootstrap.go,
 * release-4.18). KUBECONFIGS_DIR is this project's: one directory for the bootstrap components'
 * kubeconfigs, kept apart from the keys.
 */

/** kubelet's `staticPodPath` on every node: each YAML file here is a static pod. */
export const STATIC_POD_DIR = "/etc/kubernetes/manifests";
/** Bootstrap node: keys and certificates of the control plane (the hostPath of the `secrets` volume). */
export const BOOTSTRAP_SECRETS_DIR = "/etc/kubernetes/bootstrap-secrets";
/** Where the bootstrap static pods see BOOTSTRAP_SECRETS_DIR (the `secrets` mountPath). */
export const SECRETS_MOUNT = "/etc/kubernetes/secrets";
/**
 * Bootstrap node: the control-plane components' config files (the hostPath of the `config`
 * volume), where openshift-install's bootkube.sh puts what the operators' renders write
 * (openshift/installer data/data/bootstrap/files/usr/local/bin/bootkube.sh.template, release-4.18).
 */
export const BOOTSTRAP_CONFIGS_DIR = "/etc/kubernetes/bootstrap-configs";
/**
 * Where the bootstrap static pods see BOOTSTRAP_CONFIGS_DIR (the `config` mountPath of
 * openshift/cluster-kube-controller-manager-operator
 * bindata/bootkube/bootstrap-manifests/kube-controller-manager-pod.yaml, release-4.18).
 */
export const CONFIG_MOUNT = "/etc/kubernetes/config";
/** Bootstrap node: kubeconfigs of the control-plane components, mounted at the same path. */
export const KUBECONFIGS_DIR = "/etc/kubernetes/kubeconfigs";
/** Bootstrap node: the cluster manifests bootkube.sh applies once the API server answers. */
export const CLUSTER_MANIFESTS_DIR = "/opt/openshift/manifests";
/**
 * Masters: the kubelet bootstrap kubeconfig (identity
 * system:serviceaccount:openshift-machine-config-operator:node-bootstrapper), also kube-proxy's;
 * where machine-config-server puts it (openshift/machine-config-operator pkg/server/server.go).
 */
export const MASTER_BOOTSTRAP_KUBECONFIG = "/etc/kubernetes/kubeconfig";
/** Masters: the kubelet's client CA bundle (kubelet `clientCAFile`; the MCS adds it, pkg/server/server.go). */
export const MASTER_KUBELET_CA = "/etc/kubernetes/kubelet-ca.crt";

/** A file under the secrets mount, as a static pod flag names it, e.g. `secret(crt("etcd-ca-bundle"))`. */
export function secret(file: string): string {
    return `${SECRETS_MOUNT}/${file}`;
}

/** A config file under the config mount, as a static pod flag names it, e.g. `config("cluster-policy-controller-config.yaml")`. */
export function config(file: string): string {
    return `${CONFIG_MOUNT}/${file}`;
}

/** A kubeconfig under KUBECONFIGS_DIR by its catalogue name, e.g. `kubeconfig("kube-scheduler")`. */
export function kubeconfig(name: KubeconfigName): string {
    return `${KUBECONFIGS_DIR}/${name}.kubeconfig`;
}
