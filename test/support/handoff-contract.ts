/**
 * The handoff contract: every object an OpenShift 4.18 operator reads when it takes the control
 * plane over from the bootstrap node, with the upstream file that reads (or renders) it, and the
 * type, data keys and annotations it must carry. Each row is checked against what this project
 * renders (test/unit/handoff.test.ts: presence and shape; test/integration/pki.test.ts: the
 * trust, with openssl, on the real PKI).
 */
export interface ContractRow {
    operator: string;
    /** The upstream repository and path (release-4.18) that reads or renders the object. */
    source: string;
    kind: "Secret" | "ConfigMap" | "ClusterRole" | "ClusterRoleBinding";
    namespace?: string;
    name: string;
    type?: string;
    keys: string[];
    annotations: string[];
    /** For a signer secret: the catalogue signer whose certificate and key it must hold. */
    signer?: string;
    /** For a CA bundle ConfigMap: the catalogue signers it must hold, in any order. */
    bundleOf?: string[];
}

/** library-go certrotation's annotations on a signer or target secret (pkg/operator/certrotation). */
export const ROTATION = ["auth.openshift.io/certificate-not-before", "auth.openshift.io/certificate-not-after", "auth.openshift.io/certificate-issuer"];
const TLS = ["tls.crt", "tls.key"];
const CA = ["ca-bundle.crt"];

const CEO = "openshift/cluster-etcd-operator";
const KASO = "openshift/cluster-kube-apiserver-operator";
const KCMO = "openshift/cluster-kube-controller-manager-operator";
const MCO = "openshift/machine-config-operator";

/** The rows; `bootstrap` is the bootstrap node's name (etcd's per-node secrets carry it). */
export function handoffContract(bootstrap: string): ContractRow[] {
    const ceo = (path: string) => `${CEO} ${path}`;
    const etcdTls = (name: string, signer: string | undefined, extra: string[] = []): ContractRow => ({
        operator: "etcd", source: ceo("pkg/tlshelpers/tlshelpers.go"), kind: "Secret", namespace: "openshift-etcd", name,
        type: "kubernetes.io/tls", keys: TLS, annotations: [...ROTATION, ...extra], ...(signer ? { signer } : {}),
    });
    const kasSigner = (name: string, signer: string): ContractRow => ({
        operator: "kube-apiserver", source: `${KASO} bindata/bootkube/manifests/secret-${name === "kube-control-plane-signer" ? "control-plane-client-signer" : name}.yaml`,
        kind: "Secret", namespace: "openshift-kube-apiserver-operator", name, type: "kubernetes.io/tls", keys: TLS, annotations: ROTATION, signer,
    });
    const hostnames = ["auth.openshift.io/certificate-hostnames"];
    return [
        etcdTls("etcd-signer", "etcd-signer"),
        { operator: "etcd", source: ceo("pkg/tlshelpers/tlshelpers.go"), kind: "ConfigMap", namespace: "openshift-etcd", name: "etcd-ca-bundle", keys: CA, annotations: [], bundleOf: ["etcd-signer"] },
        etcdTls("etcd-client", undefined),
        etcdTls("etcd-metric-signer", "etcd-metric-signer"),
        { operator: "etcd", source: ceo("pkg/tlshelpers/tlshelpers.go"), kind: "ConfigMap", namespace: "openshift-etcd", name: "etcd-metrics-ca-bundle", keys: CA, annotations: [], bundleOf: ["etcd-metric-signer"] },
        etcdTls("etcd-metric-client", undefined),
        etcdTls(`etcd-peer-${bootstrap}`, undefined, hostnames),
        etcdTls(`etcd-serving-${bootstrap}`, undefined, hostnames),
        etcdTls(`etcd-serving-metrics-${bootstrap}`, undefined, hostnames),
        { operator: "etcd", source: ceo("pkg/cmd/render/render.go"), kind: "Secret", namespace: "openshift-etcd", name: "etcd-all-certs", type: "Opaque",
            keys: ["peer", "serving", "serving-metrics"].flatMap((k) => [`etcd-${k}-${bootstrap}.crt`, `etcd-${k}-${bootstrap}.key`]), annotations: [] },
        { operator: "etcd", source: ceo("pkg/cmd/render/render.go"), kind: "ConfigMap", namespace: "openshift-etcd", name: "etcd-all-bundles", keys: ["metrics-ca-bundle.crt", "server-ca-bundle.crt"], annotations: [] },
        { operator: "etcd", source: ceo("pkg/operator/resourcesynccontroller/resourcesynccontroller.go"), kind: "Secret", namespace: "openshift-config", name: "etcd-client", type: "kubernetes.io/tls", keys: TLS, annotations: [] },
        { operator: "etcd", source: ceo("pkg/operator/resourcesynccontroller/resourcesynccontroller.go"), kind: "ConfigMap", namespace: "openshift-config", name: "etcd-serving-ca", keys: CA, annotations: [], bundleOf: ["etcd-signer"] },
        { operator: "etcd", source: ceo("pkg/operator/resourcesynccontroller/resourcesynccontroller.go"), kind: "ConfigMap", namespace: "openshift-config", name: "etcd-ca-bundle", keys: CA, annotations: [], bundleOf: ["etcd-signer"] },

        kasSigner("aggregator-client-signer", "aggregator-signer"),
        kasSigner("kube-control-plane-signer", "kube-control-plane-signer"),
        kasSigner("kube-apiserver-to-kubelet-signer", "kube-apiserver-to-kubelet-signer"),
        kasSigner("loadbalancer-serving-signer", "kube-apiserver-lb-signer"),
        kasSigner("localhost-serving-signer", "kube-apiserver-localhost-signer"),
        kasSigner("service-network-serving-signer", "kube-apiserver-service-network-signer"),
        { operator: "kube-apiserver", source: `${KASO} bindata/bootkube/manifests/secret-bound-sa-token-signing-key.yaml`, kind: "Secret",
            namespace: "openshift-kube-apiserver-operator", name: "next-bound-service-account-signing-key", keys: ["service-account.key", "service-account.pub"], annotations: [] },
        { operator: "kube-apiserver", source: `${KASO} pkg/operator/targetconfigcontroller/targetconfigcontroller.go`, kind: "ConfigMap",
            namespace: "openshift-config", name: "admin-kubeconfig-client-ca", keys: CA, annotations: [], bundleOf: ["admin-kubeconfig-signer"] },
        { operator: "kube-apiserver", source: `${KASO} pkg/operator/targetconfigcontroller/targetconfigcontroller.go`, kind: "ConfigMap",
            namespace: "openshift-config-managed", name: "kubelet-bootstrap-kubeconfig", keys: CA, annotations: [], bundleOf: ["kubelet-bootstrap-kubeconfig-signer"] },
        { operator: "kube-apiserver", source: `${KASO} pkg/operator/targetconfigcontroller/targetconfigcontroller.go`, kind: "ConfigMap",
            namespace: "openshift-config-managed", name: "csr-controller-ca", keys: CA, annotations: [], bundleOf: ["kubelet-signer"] },
        { operator: "kube-apiserver", source: `${KASO} bindata/bootkube/manifests/configmap-sa-token-signing-certs.yaml`, kind: "ConfigMap",
            namespace: "openshift-config-managed", name: "sa-token-signing-certs", keys: ["service-account-001.pub"], annotations: [] },
        { operator: "kube-apiserver", source: `${KASO} bindata/bootkube/manifests/cluster-role-kube-apiserver.yaml`, kind: "ClusterRole", name: "kube-apiserver", keys: [], annotations: [] },
        { operator: "kube-apiserver", source: `${KASO} bindata/bootkube/manifests/cluster-role-binding-kube-apiserver.yaml`, kind: "ClusterRoleBinding", name: "kube-apiserver", keys: [], annotations: [] },

        { operator: "kube-controller-manager", source: `${KCMO} bindata/bootkube/manifests/secret-csr-signer-signer.yaml`, kind: "Secret",
            namespace: "openshift-kube-controller-manager-operator", name: "csr-signer-signer", type: "kubernetes.io/tls", keys: TLS, annotations: ROTATION, signer: "kubelet-signer" },
        { operator: "kube-controller-manager", source: `${KCMO} pkg/operator/satokensignercontroller/satokensigner_controller.go`, kind: "Secret",
            namespace: "openshift-config", name: "initial-service-account-private-key", keys: ["service-account.key"], annotations: [] },

        // What the bootstrap cluster-policy-controller's controllers act with (as service accounts in openshift-infra).
        ...["namespace-security-allocation-controller", "podsecurity-admission-label-syncer-controller", "podsecurity-admission-label-privileged-namespaces-syncer-controller"]
            .flatMap((file): ContractRow[] => {
                const name = `system:openshift:controller:${file === "podsecurity-admission-label-privileged-namespaces-syncer-controller" ? "privileged-namespaces-psa-label-syncer" : file}`;
                const annotations = file.includes("privileged") ? [] : ["rbac.authorization.kubernetes.io/autoupdate"];
                return [
                    { operator: "kube-controller-manager", source: `${KCMO} bindata/bootkube/manifests/00_${file}-clusterrole.yaml`, kind: "ClusterRole", name, keys: [], annotations },
                    { operator: "kube-controller-manager", source: `${KCMO} bindata/bootkube/manifests/00_${file}-clusterrolebinding.yaml`, kind: "ClusterRoleBinding", name, keys: [], annotations },
                ];
            }),

        { operator: "machine-config", source: `${MCO} pkg/operator/sync.go`, kind: "ConfigMap", namespace: "kube-system", name: "root-ca", keys: ["ca.crt"], annotations: [], bundleOf: ["root-ca"] },
        { operator: "machine-config", source: `${MCO} pkg/operator/bootstrap.go`, kind: "ConfigMap", namespace: "openshift-config", name: "initial-kube-apiserver-server-ca", keys: CA, annotations: [],
            bundleOf: ["admin-kubeconfig-signer", "kubelet-signer", "kube-control-plane-signer", "kube-apiserver-lb-signer", "kube-apiserver-localhost-signer",
                "kube-apiserver-service-network-signer", "kube-apiserver-to-kubelet-signer", "kubelet-bootstrap-kubeconfig-signer"] },
        { operator: "machine-config", source: `${MCO} manifests/machineconfigserver/daemonset.yaml`, kind: "Secret", namespace: "openshift-machine-config-operator",
            name: "machine-config-server-tls", type: "kubernetes.io/tls", keys: TLS, annotations: [] },

        { operator: "authentication", source: "openshift/installer data/data/manifests/openshift/99_kubeadmin-password-secret.yaml", kind: "Secret",
            namespace: "kube-system", name: "kubeadmin", keys: ["kubeadmin"], annotations: [] },
    ];
}
