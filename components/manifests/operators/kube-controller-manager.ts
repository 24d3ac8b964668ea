import type { PkiMaterial } from "../../pki";
import { KubeObject, opaqueSecret, tlsSecret } from "../objects";

/**
 * What cluster-kube-controller-manager-operator reads, as its `render` writes it
 * (bindata/bootkube/manifests/, release-4.18): the kubelet CSR signer as
 * `openshift-kube-controller-manager-operator/csr-signer-signer` (from which the operator issues
 * `csr-signer` for the masters' controller managers and publishes `csr-controller-ca`), and the
 * bootstrap's service-account signing key as `openshift-config/initial-service-account-private-key`
 * (pkg/operator/satokensignercontroller: without it the operator waits for the bootstrap to
 * leave the `kubernetes` endpoints, and tokens the bootstrap signed stop verifying).
 * @returns the objects; both Secrets hold private keys.
 */
export function kubeControllerManagerOperatorInputs(m: PkiMaterial): KubeObject[] {
    return [
        tlsSecret({ namespace: "openshift-kube-controller-manager-operator", name: "csr-signer-signer", issuer: "kubelet-signer",
            owningComponent: "kube-controller-manager" }, m.certs["kubelet-signer"]),
        opaqueSecret("openshift-config", "initial-service-account-private-key", { "service-account.key": m.keyPairs["service-account"].key }),
    ];
}

const RBAC = "rbac.authorization.k8s.io/v1";
/** The namespace whose service accounts the cluster-policy-controller's controllers act as (openshift/cluster-policy-controller pkg/cmd/controller/config.go, release-4.18). */
export const CLUSTER_POLICY_CONTROLLER_SA_NAMESPACE = "openshift-infra";

/**
 * The RBAC of the bootstrap cluster-policy-controller, as the controller-manager operator's render
 * writes it (openshift/cluster-kube-controller-manager-operator bindata/bootkube/manifests/
 * 00_namespace-security-allocation-controller-clusterrole(binding).yaml,
 * 00_podsecurity-admission-label-syncer-controller-clusterrole(binding).yaml and
 * 00_podsecurity-admission-label-privileged-namespaces-syncer-controller-clusterrole(binding).yaml,
 * release-4.18). The controller runs as system:admin, but each of these controllers talks to the
 * API server as its own service account in openshift-infra, with a token it requests for it
 * (openshift/cluster-policy-controller pkg/cmd/controller/interfaces.go, release-4.18); without these
 * roles it is forbidden to give namespaces their SCC ranges or pod-security labels.
 * `rbac.authorization.kubernetes.io/autoupdate` where the render sets it.
 * @returns three ClusterRoles, each followed by its ClusterRoleBinding; nothing secret.
 */
export function clusterPolicyControllerRbac(): KubeObject[] {
    const autoupdate = { annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" } };
    const pair = (name: string, serviceAccount: string, rules: object[], annotated: boolean): KubeObject[] => [
        { apiVersion: RBAC, kind: "ClusterRole", metadata: { name, ...(annotated ? autoupdate : {}) }, rules },
        {
            apiVersion: RBAC, kind: "ClusterRoleBinding", metadata: { name, ...(annotated ? autoupdate : {}) },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
            subjects: [{ kind: "ServiceAccount", name: serviceAccount, namespace: CLUSTER_POLICY_CONTROLLER_SA_NAMESPACE }],
        },
    ];
    const events = { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] };
    return [
        // Allocates each namespace's UID, supplemental-group and MCS ranges (RangeAllocations
        // hold what is taken) and writes them as the namespace's openshift.io/sa.scc.* annotations.
        ...pair("system:openshift:controller:namespace-security-allocation-controller", "namespace-security-allocation-controller", [
            { apiGroups: ["security.openshift.io", "security.internal.openshift.io"], resources: ["rangeallocations"], verbs: ["create", "get", "update"] },
            { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "update", "watch", "patch"] },
            events,
        ], true),
        // Sets the pod-security labels of namespaces from the SCCs their service accounts may use.
        ...pair("system:openshift:controller:podsecurity-admission-label-syncer-controller", "podsecurity-admission-label-syncer-controller", [
            { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "update", "watch", "patch"] },
            events,
            { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["get", "list", "watch"] },
            { apiGroups: ["security.openshift.io"], resources: ["securitycontextconstraints"], verbs: ["get", "list", "watch"] },
            { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles", "clusterrolebindings", "roles", "rolebindings"], verbs: ["get", "list", "watch"] },
        ], true),
        // Labels default, kube-system and kube-public privileged.
        ...pair("system:openshift:controller:privileged-namespaces-psa-label-syncer", "privileged-namespaces-psa-label-syncer", [
            { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] },
            { apiGroups: [""], resources: ["namespaces"], resourceNames: ["default", "kube-system", "kube-public"], verbs: ["patch"] },
        ], false),
    ];
}
