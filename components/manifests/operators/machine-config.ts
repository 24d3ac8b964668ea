import type { PkiMaterial } from "../../pki";
import { caBundleConfigMap, KubeObject, tlsSecret } from "../objects";

/**
 * What machine-config-operator reads (pkg/operator/sync.go, manifests/machineconfigserver/,
 * release-4.18), as openshift-install and the MCO bootstrap write it: `kube-system/root-ca`
 * (`ca.crt`; the operator errors without it), `openshift-config/initial-kube-apiserver-server-ca`
 * (the kube-apiserver's complete client CA bundle, which becomes the nodes'
 * /etc/kubernetes/kubelet-ca.crt), and the machine-config-server's serving certificate
 * `openshift-machine-config-operator/machine-config-server-tls`.
 * @returns the objects; the Secret holds a private key.
 */
export function machineConfigOperatorInputs(m: PkiMaterial): KubeObject[] {
    return [
        caBundleConfigMap("kube-system", "root-ca", m.certs["root-ca"].cert, { key: "ca.crt" }),
        caBundleConfigMap("openshift-config", "initial-kube-apiserver-server-ca", m.bundles["kube-apiserver-complete-client-ca-bundle"],
            { owningComponent: "Machine Config Operator" }),
        tlsSecret({ namespace: "openshift-machine-config-operator", name: "machine-config-server-tls", issuer: "root-ca",
            owningComponent: "Machine Config Operator" }, m.certs["machine-config-server"]),
    ];
}
