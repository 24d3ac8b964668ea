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
