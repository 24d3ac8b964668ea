import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { secret } from "../node-paths";
import { httpsProbe, SECRETS, staticPod } from "./common";

/**
 * The CN of the front-proxy (aggregator) client certificate, and the only name
 * `--requestheader-allowed-names` accepts. The tutorial's certificate says `front-proxy-client`
 * while its flag allows `system:admin,system:openshift-aggregator`, so aggregated API servers
 * would reject every proxied request (othw-facts §3.4 [cross-check]); spec/README.md decides for
 * OpenShift's own name. The PKI catalogue must issue the certificate with this CN.
 */
export const AGGREGATOR_CLIENT_CN = "system:openshift-aggregator";

/** The service-account token issuer and audience. */
export const SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc";

/**
 * The bootstrap kube-apiserver (othw-facts §5.3): `openshift-kube-apiserver/kube-apiserver-bootstrap`,
 * serving on 6443 with the local etcd behind it. Everything is set by flags; there is no config file.
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
                `--etcd-cafile=${secret("etcd-ca.crt")}`,
                `--etcd-certfile=${secret("etcd-client.crt")}`,
                `--etcd-keyfile=${secret("etcd-client.key")}`,
                // Serving certificate: SANs for api, api-int, localhost, the node IPs and the
                // first service IP (the `kubernetes` Service).
                `--tls-cert-file=${secret("kube-apiserver.crt")}`,
                `--tls-private-key-file=${secret("kube-apiserver.key")}`,
                // Client certificates signed by kubernetes-ca authenticate users and components.
                `--client-ca-file=${secret("kubernetes-ca.crt")}`,
                // Service-account tokens: verified with the public key, signed with the private one.
                `--service-account-key-file=${secret("service-account.pub")}`,
                `--service-account-signing-key-file=${secret("service-account.key")}`,
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
                // the user in these headers, vouched for by the front-proxy client certificate.
                `--requestheader-client-ca-file=${secret("front-proxy-ca.crt")}`,
                `--requestheader-allowed-names=${AGGREGATOR_CLIENT_CN}`,
                "--requestheader-extra-headers-prefix=X-Remote-Extra-",
                "--requestheader-group-headers=X-Remote-Group",
                "--requestheader-username-headers=X-Remote-User",
                `--proxy-client-cert-file=${secret("front-proxy-client.crt")}`,
                `--proxy-client-key-file=${secret("front-proxy-client.key")}`,
                // Talking to kubelets (logs, exec): a client certificate of our own, and kubelet
                // serving certificates are checked against kubernetes-ca (the KCM signs their CSRs).
                `--kubelet-client-certificate=${secret("kube-apiserver-kubelet-client.crt")}`,
                `--kubelet-client-key=${secret("kube-apiserver-kubelet-client.key")}`,
                `--kubelet-certificate-authority=${secret("kubernetes-ca.crt")}`,
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
