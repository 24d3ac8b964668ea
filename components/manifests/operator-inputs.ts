import type { ClusterConfig } from "../config";
import type { PkiMaterial } from "../pki";
import { KubeObject, opaqueSecret } from "./objects";
import { etcdOperatorInputs } from "./operators/etcd";
import { kubeApiserverOperatorInputs } from "./operators/kube-apiserver";
import { clusterPolicyControllerRbac, kubeControllerManagerOperatorInputs } from "./operators/kube-controller-manager";
import { machineConfigOperatorInputs } from "./operators/machine-config";

export { clusterPolicyControllerRbac, etcdOperatorInputs, kubeApiserverOperatorInputs, kubeControllerManagerOperatorInputs, machineConfigOperatorInputs };

/**
 * `kube-system/kubeadmin`: the bcrypt hash of the kubeadmin password, which the authentication
 * operator accepts for the `kube:admin` user (openshift/installer
 * data/data/manifests/openshift/99_kubeadmin-password-secret.yaml, release-4.18).
 */
export function kubeadminSecret(bcryptHash: string): KubeObject {
    return opaqueSecret("kube-system", "kubeadmin", { kubeadmin: bcryptHash });
}

/**
 * Everything the operators take over from the bootstrap node, one file per operator, keyed by
 * file name under /opt/openshift/manifests (applied after the namespaces of 01-namespaces.yaml):
 * signer secrets, CA bundles, initial keys, the kubeadmin secret. Pure: the PKI comes in as
 * plain PEMs. Every file holds Secrets with private keys (or a password hash), so the caller keeps
 * the result secret (it goes into the bootstrap node's Ignition config, mode 0600).
 */
export function operatorInputManifests(c: ClusterConfig, m: PkiMaterial): Record<string, KubeObject[]> {
    return {
        "06-etcd-operator.yaml": etcdOperatorInputs(c, m),
        "06-kube-apiserver-operator.yaml": kubeApiserverOperatorInputs(m),
        "06-kube-controller-manager-operator.yaml": kubeControllerManagerOperatorInputs(m),
        "06-machine-config-operator.yaml": machineConfigOperatorInputs(m),
        "06-kubeadmin-password-secret.yaml": [kubeadminSecret(m.kubeadminHash)],
    };
}
