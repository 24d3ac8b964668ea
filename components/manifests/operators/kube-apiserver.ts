import type { PkiMaterial } from "../../pki";
import type { SignerName } from "../../pki/catalogue";
import { caBundleConfigMap, KubeObject, opaqueSecret, tlsSecret } from "../objects";

const OWNER = "kube-apiserver";
const NS = "openshift-kube-apiserver-operator";

/**
 * The signer secrets cluster-kube-apiserver-operator adopts, by secret name → the installer's
 * signer (cluster-kube-apiserver-operator bindata/bootkube/manifests/secret-*.yaml, release-4.18).
 */
export const KUBE_APISERVER_SIGNER_SECRETS: Record<string, SignerName> = {
    "aggregator-client-signer": "aggregator-signer",
    "kube-control-plane-signer": "kube-control-plane-signer",
    "kube-apiserver-to-kubelet-signer": "kube-apiserver-to-kubelet-signer",
    "loadbalancer-serving-signer": "kube-apiserver-lb-signer",
    "localhost-serving-signer": "kube-apiserver-localhost-signer",
    "service-network-serving-signer": "kube-apiserver-service-network-signer",
};

/**
 * What cluster-kube-apiserver-operator reads, as its `render` writes it
 * (bindata/bootkube/manifests/, pkg/operator/targetconfigcontroller, release-4.18): the six
 * signer secrets in `openshift-kube-apiserver-operator`, the bound service-account signing key
 * (`next-bound-service-account-signing-key`), the client CAs it assembles the kube-apiserver's
 * client bundle from (`openshift-config/admin-kubeconfig-client-ca`,
 * `openshift-config-managed/kubelet-bootstrap-kubeconfig`, `openshift-config-managed/csr-controller-ca`),
 * the service-account public key (`openshift-config-managed/sa-token-signing-certs`), and the
 * `kube-apiserver` ClusterRole/Binding that lets the kube-apiserver proxy to kubelets (logs, exec).
 * @returns the objects, in apply order; Secrets hold private keys.
 */
export function kubeApiserverOperatorInputs(m: PkiMaterial): KubeObject[] {
    const signers = Object.entries(KUBE_APISERVER_SIGNER_SECRETS).map(([name, s]) =>
        tlsSecret({ namespace: NS, name, issuer: s, owningComponent: OWNER }, m.certs[s]));
    return [
        ...signers,
        opaqueSecret(NS, "next-bound-service-account-signing-key", {
            "service-account.key": m.keyPairs["bound-service-account-signing-key"].key,
            "service-account.pub": m.keyPairs["bound-service-account-signing-key"].pub,
        }),
        caBundleConfigMap("openshift-config", "admin-kubeconfig-client-ca", m.bundles["admin-kubeconfig-ca-bundle"], {
            owningComponent: OWNER, description: "CA for kube-apiserver to recognize the system:master created by the installer." }),
        caBundleConfigMap("openshift-config-managed", "kubelet-bootstrap-kubeconfig", m.bundles["kubelet-bootstrap-kubeconfig-ca-bundle"], { owningComponent: OWNER }),
        // Written by the kube-controller-manager operator later; initialised here for adoption.
        caBundleConfigMap("openshift-config-managed", "csr-controller-ca", m.bundles["kubelet-client-ca-bundle"], { owningComponent: "kube-controller-manager" }),
        {
            apiVersion: "v1", kind: "ConfigMap", metadata: { name: "sa-token-signing-certs", namespace: "openshift-config-managed" },
            data: { "service-account-001.pub": m.keyPairs["service-account"].pub },
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "kube-apiserver" },
            rules: [{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get", "create"] }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "kube-apiserver" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kube-apiserver" },
            subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "system:kube-apiserver" }],
        },
    ];
}
