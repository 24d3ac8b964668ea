import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { DISABLED_FEATURE_GATES, ENABLED_FEATURE_GATES } from "../manifests/feature-gates";
import { config, kubeconfig, secret } from "../node-paths";
import { crt, key } from "../pki/catalogue";
import { ComponentConfig, CONFIG, ContainerSpec, httpsProbe, KUBECONFIGS, kubeconfigFlags, LEADER_ELECTION_FLAGS, SECRETS, staticPod } from "./common";

/**
 * The cluster-policy-controller's config file under the bootstrap configs directory: the name the
 * controller-manager operator's render gives it (openshift/cluster-kube-controller-manager-operator
 * pkg/cmd/render/render.go, release-4.18).
 */
export const CLUSTER_POLICY_CONTROLLER_CONFIG = "cluster-policy-controller-config.yaml";
/** Its secure port (healthz, metrics), on loopback only. */
export const CLUSTER_POLICY_CONTROLLER_PORT = 10357;

/**
 * The cluster-policy-controller's config (`OpenShiftControllerManagerConfig`,
 * openshift/api openshiftcontrolplane/v1), with the fields the controller-manager operator's render
 * writes for the bootstrap: its defaults (bindata/assets/config/default-cluster-policy-controller-config.yaml)
 * merged with the bootstrap overrides (bindata/bootkube/config/bootstrap-cluster-policy-controller-config-overrides.yaml),
 * both openshift/cluster-kube-controller-manager-operator, release-4.18. Everything else
 * (UID range 1000000000-1999999999/10000, MCS range s0:/2, 5 labels per namespace, all
 * controllers) is the controller's own default (openshift/cluster-policy-controller
 * pkg/cmd/cluster-policy-controller/openshiftcontrolplane_config.go, release-4.18).
 */
export function clusterPolicyControllerConfig(): ComponentConfig {
    return {
        apiVersion: "openshiftcontrolplane.config.openshift.io/v1",
        kind: "OpenShiftControllerManagerConfig",
        servingInfo: {
            // Loopback only: nothing outside the node calls it; the kubelet probes localhost.
            bindAddress: `127.0.0.1:${CLUSTER_POLICY_CONTROLLER_PORT}`,
            bindNetwork: "tcp",
            // The render serves with the controller manager's client certificate (a client-auth
            // certificate; Go's TLS server does not check its own certificate's key usage, and
            // the kubelet's probes do not verify it) and trusts the control-plane signers' clients.
            certFile: secret(crt("kube-control-plane-kube-controller-manager-client")),
            keyFile: secret(key("kube-control-plane-kube-controller-manager-client")),
            clientCA: secret(crt("kube-control-plane-ca-bundle")),
        },
        // The release's feature gates, as the render lists them (enabled, then disabled): with
        // OpenShiftPodSecurityAdmission=false its pod-security label syncer only advises
        // (pkg/cmd/controller/psalabelsyncer.go of openshift/cluster-policy-controller, release-4.18).
        featureGates: [...ENABLED_FEATURE_GATES.map((g) => `${g}=true`), ...DISABLED_FEATURE_GATES.map((g) => `${g}=false`)],
    };
}

/**
 * The cluster-policy-controller container of the bootstrap controller-manager pod, as
 * openshift/cluster-kube-controller-manager-operator
 * bindata/bootkube/bootstrap-manifests/kube-controller-manager-pod.yaml (release-4.18) has it. It
 * gives every namespace its SCC ranges (`openshift.io/sa.scc.uid-range`, `…supplemental-groups`,
 * `…mcs`), without which the SCC admission of the kube-apiserver rejects pods in new namespaces
 * until a master's controller manager runs; it also reconciles cluster quotas, syncs the
 * pod-security labels and approves the monitoring CSRs (openshift/cluster-policy-controller
 * pkg/cmd/controller/config.go, release-4.18). Its controllers act as service accounts in
 * openshift-infra, whose RBAC is rendered with the cluster manifests.
 */
export function clusterPolicyControllerContainer(c: ClusterConfig): ContainerSpec {
    return {
        // The render's three other mounts are left out, as for this project's controller
        // manager: /etc/ssl/certs (it talks only to the API server, whose CA its kubeconfig
        // carries), /etc/kubernetes/cloud (no cloud provider) and /var/log/bootstrap-control-plane
        // (nothing here writes there).
        mounts: [
            // Its serving certificate and key and the client CA bundle (servingInfo).
            SECRETS,
            // Its kubeconfig (this project's layout keeps them apart from the keys).
            KUBECONFIGS,
            // Its config file (the render's `config` volume).
            CONFIG,
        ],
        container: {
            name: "cluster-policy-controller",
            image: c.release.images.clusterPolicyController,
            env: [
                // The owner of the events it records, and the namespace of its leader lease.
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
            ],
            command: [
                "cluster-policy-controller", "start",
                `--config=${config(CLUSTER_POLICY_CONTROLLER_CONFIG)}`,
                // The render gives it the controller manager's kubeconfig; here that is the
                // kube-controller-manager kubeconfig (system:admin through api-int).
                `--kubeconfig=${kubeconfig("kube-controller-manager")}`,
                // Its lease `cluster-policy-controller-lock` lives in the pod's namespace,
                // openshift-kube-controller-manager here, where the masters' cluster-policy-controllers
                // hold theirs (bindata/assets/kube-controller-manager/pod.yaml): one of them is active.
                "--namespace=$(POD_NAMESPACE)",
                "--v=2",
            ],
            // The render's port (servingInfo.bindAddress).
            ports: [{ containerPort: CLUSTER_POLICY_CONTROLLER_PORT }],
            // The render probes localhost: it listens on loopback, not on the node's address.
            livenessProbe: httpsProbe("/healthz", CLUSTER_POLICY_CONTROLLER_PORT, 45, 10, "localhost"),
            // The render's requests.
            resources: { requests: { memory: "200Mi", cpu: "10m" } },
        },
    };
}

/**
 * The bootstrap kube-controller-manager (flags: kubernetes/kubernetes
 * cmd/kube-controller-manager/app/options, release-1.31; the render's pod is
 * openshift/cluster-kube-controller-manager-operator
 * bindata/bootkube/bootstrap-manifests/kube-controller-manager-pod.yaml, release-4.18):
 * `openshift-kube-controller-manager/kube-controller-manager-bootstrap`. It signs the kubelets'
 * CSRs with kubelet-signer, as the bootstrap kube-controller-manager of openshift-install does
 * (cluster-kube-controller-manager-operator bindata/bootkube/config/bootstrap-config-overrides.yaml,
 * release-4.18). Its second container is the cluster-policy-controller, as in the render's pod
 * ({@link clusterPolicyControllerContainer}).
 */
export function kubeControllerManagerPod(c: ClusterConfig): IPod {
    return staticPod({
        extraArgs: c.extraArgs["kube-controller-manager"],
        name: "kube-controller-manager-bootstrap",
        namespace: "openshift-kube-controller-manager",
        labels: { app: "kube-controller-manager" },
        mounts: [SECRETS, KUBECONFIGS],
        container: {
            name: "kube-controller-manager",
            image: c.release.images.hyperkube,
            command: [
                "hyperkube", "kube-controller-manager",
                // API access as system:kube-controller-manager, through api-int.
                ...kubeconfigFlags(kubeconfig("kube-controller-manager")),
                // The pod network nodes get their slices from.
                `--cluster-cidr=${c.clusterNetwork.cidr}`,
                // Must equal the API server's range.
                `--service-cluster-ip-range=${c.serviceNetwork}`,
                // OVN-Kubernetes allocates the nodes' subnets (hostPrefix) itself, so the
                // controller manager must not (the operator's render sets false as well).
                "--allocate-node-cidrs=false",
                // Signs service-account tokens (the API server verifies them with the public key).
                `--service-account-private-key-file=${secret(key("service-account"))}`,
                // CA put into service-account token secrets for in-cluster clients: the
                // kube-apiserver's three serving signers.
                `--root-ca-file=${secret(crt("kube-apiserver-complete-server-ca-bundle"))}`,
                // Each controller acts with its own service account, not the manager's identity.
                "--use-service-account-credentials=true",
                // Signs approved CSRs (kubelet client and serving certificates) with kubelet-signer,
                // which the kube-apiserver trusts for clients (complete client bundle) and for
                // kubelets' serving certificates (kubelet-client-ca-bundle).
                `--cluster-signing-cert-file=${secret(crt("kubelet-signer"))}`,
                `--cluster-signing-key-file=${secret(key("kubelet-signer"))}`,
                ...LEADER_ELECTION_FLAGS,
                // All default controllers plus the bootstrap-token ones.
                "--controllers=*,bootstrapsigner,tokencleaner",
                "--v=2",
            ],
            livenessProbe: httpsProbe("/healthz", 10257, 45, 10),
            resources: { requests: { memory: "256Mi", cpu: "200m" } },
        },
        moreContainers: [clusterPolicyControllerContainer(c)],
    });
}
