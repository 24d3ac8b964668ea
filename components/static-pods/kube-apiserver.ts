import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { secret } from "../node-paths";
import { AGGREGATOR_CLIENT_CN, crt, key, LeafName, pub } from "../pki/catalogue";
import { httpsProbe, SECRETS, staticPod } from "./common";

export { AGGREGATOR_CLIENT_CN };

/**
 * `--tls-sni-cert-key` for a serving certificate, chosen for the names (DNS and IP SANs) the
 * kube-apiserver reads from the certificate itself, so the names are written once, in the PKI.
 */
function sniCertKey(leaf: LeafName): string {
    return `--tls-sni-cert-key=${secret(crt(leaf))},${secret(key(leaf))}`;
}

/** The service-account token issuer and audience. */
export const SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc";

/**
 * The bootstrap kube-apiserver: `openshift-kube-apiserver/kube-apiserver-bootstrap`, serving on
 * 6443 with the local etcd behind it. Everything is set by flags (kubernetes/kubernetes
 * cmd/kube-apiserver/app/options, release-1.31); there is no config file, unlike the render's pod
 * (openshift/cluster-kube-apiserver-operator bindata/bootkube/bootstrap-manifests/kube-apiserver-pod.yaml,
 * release-4.18): this project's choice, so that each setting shows in the pod with its reason.
 */
export function kubeApiserverPod(c: ClusterConfig): IPod {
    return staticPod({
        extraArgs: c.extraArgs["kube-apiserver"],
        name: "kube-apiserver-bootstrap",
        namespace: "openshift-kube-apiserver",
        labels: { app: "openshift-kube-apiserver" },
        mounts: [SECRETS],
        container: {
            name: "kube-apiserver",
            image: c.release.images.hyperkube,
            command: [
                "hyperkube", "kube-apiserver",
                // The bootstrap etcd on the same host, over TLS with its own client certificate.
                "--etcd-servers=https://localhost:2379",
                `--etcd-cafile=${secret(crt("etcd-ca-bundle"))}`,
                `--etcd-certfile=${secret(crt("etcd-client"))}`,
                `--etcd-keyfile=${secret(key("etcd-client"))}`,
                // Four serving certificates, as openshift-install's (cluster-kube-apiserver-operator
                // bindata/bootkube/config/bootstrap-config-overrides.yaml, namedCertificates):
                // the service-network one by default (in-cluster clients dial the `kubernetes`
                // Service IP without SNI), and by SNI (or, without SNI, by the local address) the
                // localhost, api and api-int ones. Each file holds the leaf and its signer.
                `--tls-cert-file=${secret(crt("kube-apiserver-service-network-server"))}`,
                `--tls-private-key-file=${secret(key("kube-apiserver-service-network-server"))}`,
                sniCertKey("kube-apiserver-localhost-server"),
                sniCertKey("kube-apiserver-lb-server"),
                sniCertKey("kube-apiserver-internal-lb-server"),
                // Client certificates from every client signer authenticate users and components
                // (the bundle the kube-apiserver operator assembles the same way, from
                // openshift-config/admin-kubeconfig-client-ca, csr-controller-ca,
                // kube-control-plane-signer-ca, kube-apiserver-to-kubelet-client-ca and
                // kubelet-bootstrap-kubeconfig: pkg/operator/targetconfigcontroller).
                `--client-ca-file=${secret(crt("kube-apiserver-complete-client-ca-bundle"))}`,
                // Service-account tokens: verified with both public keys (the bootstrap
                // kube-controller-manager's service-account key and the bound-token key), signed
                // with the bound-token key (the one the kube-apiserver operator carries on as
                // next-bound-service-account-signing-key).
                `--service-account-key-file=${secret(pub("service-account"))}`,
                `--service-account-key-file=${secret(pub("bound-service-account-signing-key"))}`,
                `--service-account-signing-key-file=${secret(key("bound-service-account-signing-key"))}`,
                `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
                `--api-audiences=${SERVICE_ACCOUNT_ISSUER}`,
                // The address the API server advertises to the cluster (the `kubernetes` Service's
                // endpoint): the bootstrap node's own. Left out, kube-apiserver picks the address
                // of the interface holding the default route, and exits with "Unable to find
                // suitable network address ... no default routes found" on a host without one
                // (k8s.io/apimachinery pkg/util/net/interface.go, ChooseHostInterface).
                `--advertise-address=${c.nodes.bootstrap.ip}`,
                // ClusterIPs come from the service network; must equal the controller manager's.
                `--service-cluster-ip-range=${c.serviceNetwork}`,
                // Kubelets are authorised by the Node authorizer, everyone else by RBAC.
                "--authorization-mode=Node,RBAC",
                // Kubelets may only modify their own Node and pods.
                "--enable-admission-plugins=NodeRestriction",
                // API aggregation: requests proxied by this server to aggregated API servers carry
                // the user in these headers, vouched for by the aggregator client certificate.
                `--requestheader-client-ca-file=${secret(crt("aggregator-ca-bundle"))}`,
                `--requestheader-allowed-names=${AGGREGATOR_CLIENT_CN}`,
                "--requestheader-extra-headers-prefix=X-Remote-Extra-",
                "--requestheader-group-headers=X-Remote-Group",
                "--requestheader-username-headers=X-Remote-User",
                `--proxy-client-cert-file=${secret(crt("aggregator-client"))}`,
                `--proxy-client-key-file=${secret(key("aggregator-client"))}`,
                // Talking to kubelets (logs, exec): kube-apiserver-to-kubelet-client, and kubelet
                // serving certificates are checked against kubelet-signer (the KCM signs their CSRs).
                `--kubelet-client-certificate=${secret(crt("kube-apiserver-to-kubelet-client"))}`,
                `--kubelet-client-key=${secret(key("kube-apiserver-to-kubelet-client"))}`,
                `--kubelet-certificate-authority=${secret(crt("kubelet-client-ca-bundle"))}`,
                // Lets kubelets bootstrap with tokens as well as with the bootstrap certificate.
                "--enable-bootstrap-token-auth=true",
                // Static pods such as kube-proxy and the CVO run privileged.
                "--allow-privileged=true",
                // Log level 2: startup and request summaries, not every request.
                "--v=2",
            ],
            livenessProbe: httpsProbe("/healthz", 6443, 45, 10),
            readinessProbe: httpsProbe("/readyz", 6443, 10, 10),
            resources: { requests: { memory: "1Gi", cpu: "500m" } },
        },
    });
}
