import type { IPod } from "kubernetes-models/v1";
import type { ClusterConfig } from "../config";
import { secret } from "../node-paths";
import { crt, etcdLeaf, key } from "../pki/catalogue";
import { HostMount, SECRETS, staticPod } from "./common";

/** The member name cluster-etcd-operator recognises as the bootstrap member and removes at the pivot. */
export const BOOTSTRAP_MEMBER = "etcd-bootstrap";

const DATA: HostMount = { name: "etcd-data", hostPath: "/var/lib/etcd", mountPath: "/var/lib/etcd", readOnly: false, type: "DirectoryOrCreate" };

/**
 * The bootstrap node's single-member etcd: `openshift-etcd/etcd-bootstrap`, the member name
 * cluster-etcd-operator looks for and removes once the masters' members run (openshift/cluster-etcd-operator
 * pkg/operator/bootstrapteardown/bootstrap_teardown_controller.go, release-4.18; its render's pod is
 * bindata/bootkube/bootstrap-manifests/etcd-member-pod.yaml).
 * Clients (the API server) and peers (masters, added later by cluster-etcd-operator) both use
 * TLS with client-certificate authentication against etcd-signer; the serving and peer
 * certificates are the ones cluster-etcd-operator's render makes for the bootstrap node
 * (`etcd-serving-<node>`, `etcd-peer-<node>`: openshift/cluster-etcd-operator pkg/cmd/render,
 * release-4.18), so the members the operator adds trust this one and the other way round.
 */
export function etcdPod(c: ClusterConfig): IPod {
    const ip = c.nodes.bootstrap.ip;
    const serving = etcdLeaf("serving", c.nodes.bootstrap.name);
    const peer = etcdLeaf("peer", c.nodes.bootstrap.name);
    const peerUrl = `https://${ip}:2380`;
    return staticPod({
        extraArgs: c.extraArgs["etcd"],
        name: "etcd-bootstrap",
        namespace: "openshift-etcd",
        labels: { app: "etcd", "k8s-app": "etcd" },
        mounts: [DATA, SECRETS],
        container: {
            name: "etcd",
            image: c.release.images.etcd,
            command: [
                "/usr/bin/etcd",
                // Persistent data on the host, so a container restart keeps the keyspace.
                "--data-dir=/var/lib/etcd",
                // Clients (kube-apiserver on localhost, bootkube's health check) on every address.
                "--listen-client-urls=https://0.0.0.0:2379",
                // What members and clients are told to use: the bootstrap node's machine address.
                `--advertise-client-urls=https://${ip}:2379`,
                // Peers join here once cluster-etcd-operator scales etcd out to the masters.
                "--listen-peer-urls=https://0.0.0.0:2380",
                `--initial-advertise-peer-urls=${peerUrl}`,
                // Separates this cluster's members from any other etcd cluster on the network.
                "--initial-cluster-token=openshift-etcd",
                // Serving certificate for clients; etcd also health-checks itself with it, which
                // is why it carries clientAuth as well (as cluster-etcd-operator's).
                `--cert-file=${secret(crt(serving))}`,
                `--key-file=${secret(key(serving))}`,
                // Only clients with a certificate from etcd-signer get in (etcd-ca-bundle is the
                // bundle cluster-etcd-operator keeps in openshift-etcd/etcd-ca-bundle).
                "--client-cert-auth=true",
                `--trusted-ca-file=${secret(crt("etcd-ca-bundle"))}`,
                // Peer traffic: the same rule, with the peer certificate.
                `--peer-cert-file=${secret(crt(peer))}`,
                `--peer-key-file=${secret(key(peer))}`,
                "--peer-client-cert-auth=true",
                `--peer-trusted-ca-file=${secret(crt("etcd-ca-bundle"))}`,
                // 8 GiB backend quota, OpenShift's size for a control-plane etcd.
                "--quota-backend-bytes=8589934592",
            ],
            env: [
                // Membership is given as ETCD_* variables, the way cluster-etcd-operator's pods
                // do, not as --name/--initial-cluster/--initial-cluster-state flags (the
                // tutorial's form): etcd refuses a setting given both ways.
                { name: "ETCD_NAME", value: BOOTSTRAP_MEMBER },
                // The bootstrap starts alone; masters are added as members later.
                { name: "ETCD_INITIAL_CLUSTER", value: `${BOOTSTRAP_MEMBER}=${peerUrl}` },
                // A brand-new cluster, not a member joining an existing one.
                { name: "ETCD_INITIAL_CLUSTER_STATE", value: "new" },
                // ECDHE with AES-GCM only, as OpenShift's etcd.
                { name: "ETCD_CIPHER_SUITES", value: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
            ],
            livenessProbe: {
                // Every file named on the command line: the probe depends on no ETCDCTL_* variable.
                exec: { command: ["/bin/sh", "-c", `etcdctl endpoint health --endpoints=https://localhost:2379 --cacert=${secret(crt("etcd-ca-bundle"))} --cert=${secret(crt("etcd-client"))} --key=${secret(key("etcd-client"))}`] },
                initialDelaySeconds: 45,
                periodSeconds: 30,
            },
            resources: { requests: { memory: "600Mi", cpu: "300m" } },
        },
    });
}
