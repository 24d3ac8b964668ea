import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Namespace, Pod, ConfigMap, Secret } from "kubernetes-models/v1";
import { ClusterRole, ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import { ClusterConfig } from "../../components/config";
import { pullSecretManifest, toYaml } from "../../components/manifests";
import { bootstrapManifests, masterManifests } from "../../components/static-pods/nodes";
import { DISABLED_FEATURE_GATES, ENABLED_FEATURE_GATES } from "../../components/manifests/feature-gates";
import { kubeconfigCatalogue, pkiCatalogue } from "../../components/pki/catalogue";
import { BOOTSTRAP_SECRETS_DIR, KUBECONFIGS_DIR, SECRETS_MOUNT } from "../../components/node-paths";
import { withExtraArgs } from "../../components/static-pods/common";
import { localConfig, ROOT } from "../support/config";

/** node → path on node → objects, for the whole cluster. */
function render(c: ClusterConfig) {
    const out: Record<string, Record<string, object[]>> = { [c.nodes.bootstrap.name]: bootstrapManifests(c) };
    for (const m of c.nodes.masters) out[m.name] = masterManifests(c);
    return out;
}

// Core kinds are checked against the Kubernetes OpenAPI schema by kubernetes-models; the
// OpenShift config/operator kinds have no schema package on npm (their CRDs ship in the release
// image), so only their ObjectMeta is schema-checked and their kind must be one we know.
const CORE: Record<string, new (o: any) => { validate(): void }> = {
    "v1/Pod": Pod, "v1/Namespace": Namespace, "v1/ConfigMap": ConfigMap, "v1/Secret": Secret,
    "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole, "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding,
};
const OPENSHIFT = new Set(["config.openshift.io/v1/Infrastructure", "config.openshift.io/v1/Network", "operator.openshift.io/v1/Network",
    "config.openshift.io/v1/DNS", "config.openshift.io/v1/FeatureGate", "config.openshift.io/v1/ClusterVersion",
    "config.openshift.io/v1/Scheduler", "config.openshift.io/v1/Ingress", "config.openshift.io/v1/Proxy",
    "machineconfiguration.openshift.io/v1/MachineConfig"]);

// Component config files (no metadata): their fields are checked by the tests of that component.
const CONFIG_FILES = new Set(["openshiftcontrolplane.config.openshift.io/v1/OpenShiftControllerManagerConfig"]);

function validate(o: any): void {
    const key = `${o.apiVersion}/${o.kind}`;
    if (CONFIG_FILES.has(key)) {
        assert.equal(o.metadata, undefined, `${key} is a config file, not an API object`);
    } else if (CORE[key]) {
        new CORE[key](o).validate();
    } else {
        assert.ok(OPENSHIFT.has(key), `unexpected kind ${key}`);
        new ObjectMeta(o.metadata).validate();
    }
}

test("every rendered manifest validates against the Kubernetes schema", () => {
    for (const c of [localConfig(), localConfig({ clusterNetwork: { cidr: "10.200.0.0/16", hostPrefix: 24 }, serviceNetwork: "10.96.0.0/12", baseDomain: "example.org" })]) {
        let n = 0;
        for (const files of Object.values(render(c))) {
            for (const objects of Object.values(files)) {
                for (const o of objects) { validate(o); n++; }
            }
        }
        assert.equal(n, 5 + 1 + 12 + 6 + 2 + 11 + 2 + 3,
            "5 static pods, the cluster-policy-controller's config, 12 namespaces, its 3 roles and bindings, 2 bindings, 11 config objects, 2 MachineConfigs, 3 kube-proxy pods");
    }
    validate(pullSecretManifest('{"auths":{}}'));
});

test("the validator rejects what the schema rejects", () => {
    const pod = bootstrapManifests(localConfig())["/etc/kubernetes/manifests/etcd-bootstrap.yaml"][0] as any;
    const broken = structuredClone(pod);
    broken.spec.containers[0].livenessProbe.periodSeconds = "thirty";
    assert.throws(() => validate(broken));
    const noContainers = structuredClone(pod);
    delete noContainers.spec.containers;
    assert.throws(() => validate(noContainers));
});

// Golden files pin the local stack's output; regenerate with UPDATE_GOLDEN=1 npm run test:unit
// after a deliberate change, and review the diff.
const GOLDEN = path.join(ROOT, "test/golden/local");
test("the local stack renders exactly the golden files", () => {
    const seen = new Set<string>();
    for (const [node, files] of Object.entries(render(localConfig()))) {
        for (const [nodePath, objects] of Object.entries(files)) {
            const file = path.join(GOLDEN, node, nodePath);
            seen.add(file);
            const text = toYaml(objects);
            if (process.env.UPDATE_GOLDEN) {
                fs.mkdirSync(path.dirname(file), { recursive: true });
                fs.writeFileSync(file, text);
            }
            assert.equal(text, fs.readFileSync(file, "utf8"), `${node}:${nodePath} differs from its golden file`);
        }
    }
    const onDisk = (fs.readdirSync(GOLDEN, { recursive: true }) as string[])
        .map((f) => path.join(GOLDEN, f)).filter((f) => fs.statSync(f).isFile());
    assert.deepEqual(onDisk.sort(), [...seen].sort(), "a golden file without a rendered manifest");
});

/**
 * Flattens the rendered cluster into "node:path#doc.field...": value, with flag lists keyed by
 * flag name and env lists by variable name, so a diff says which flag changed.
 */
function flatten(c: ClusterConfig): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (prefix: string, v: unknown) => {
        if (Array.isArray(v) && v.every((x) => typeof x === "string")) {
            v.forEach((a: string, i) => {
                const m = /^(--[^=]+)=(.*)$/s.exec(a);
                if (m) out.set(`${prefix}[${m[1]}]`, m[2]);
                else out.set(`${prefix}[${i}]`, a);
            });
        } else if (Array.isArray(v) && v.every((x) => x && typeof x === "object" && "name" in x && "value" in x)) {
            for (const e of v) out.set(`${prefix}[${e.name}]`, String(e.value));
        } else if (v && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) walk(Array.isArray(v) ? `${prefix}[${k}]` : `${prefix}.${k}`, x);
        } else {
            out.set(prefix, String(v));
        }
    };
    for (const [node, files] of Object.entries(render(c))) {
        for (const [p, objects] of Object.entries(files)) walk(`${node}:${p}#`, objects);
    }
    return out;
}

function changed(overrides: Record<string, unknown>): string[] {
    const a = flatten(localConfig());
    const b = flatten(localConfig(overrides));
    const keys = new Set([...a.keys(), ...b.keys()]);
    return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

const POD = "/etc/kubernetes/manifests";
const MAN = "/opt/openshift/manifests";
const cmd = "[0].spec.containers[0].command";

test("the service network reaches exactly the two --service-cluster-ip-range flags and the network config", () => {
    assert.deepEqual(changed({ serviceNetwork: "10.96.0.0/12" }), [
        `bootstrap:${POD}/kube-apiserver-bootstrap.yaml#${cmd}[--service-cluster-ip-range]`,
        `bootstrap:${POD}/kube-controller-manager-bootstrap.yaml#${cmd}[--service-cluster-ip-range]`,
        `bootstrap:${MAN}/04-network.yaml#[0].spec.serviceNetwork[0]`,
        `bootstrap:${MAN}/04b-operator-network.yaml#[0].spec.serviceNetwork[0]`,
        `bootstrap:${MAN}/05b-cluster-config-v1.yaml#[0].data.install-config`,
    ].sort());
});

test("the cluster network reaches the KCM's CIDR flags, every kube-proxy and the network config", () => {
    assert.deepEqual(changed({ clusterNetwork: { cidr: "10.200.0.0/16", hostPrefix: 24 } }), [
        `bootstrap:${POD}/kube-controller-manager-bootstrap.yaml#${cmd}[--cluster-cidr]`,
        ...["master-0", "master-1", "master-2"].map((m) => `${m}:${POD}/kube-proxy.yaml#${cmd}[--cluster-cidr]`),
        `bootstrap:${MAN}/04-network.yaml#[0].spec.clusterNetwork[0].cidr`,
        `bootstrap:${MAN}/04-network.yaml#[0].spec.clusterNetwork[0].hostPrefix`,
        `bootstrap:${MAN}/04b-operator-network.yaml#[0].spec.clusterNetwork[0].cidr`,
        `bootstrap:${MAN}/04b-operator-network.yaml#[0].spec.clusterNetwork[0].hostPrefix`,
        `bootstrap:${MAN}/05b-cluster-config-v1.yaml#[0].data.install-config`,
    ].sort());
});

test("the base domain changes no static pod, only the cluster's identity and URLs", () => {
    const keys = changed({ baseDomain: "example.org" });
    assert.ok(keys.every((k) => k.includes(MAN)), `a static pod changed: ${keys.filter((k) => !k.includes(MAN))}`);
    assert.deepEqual(keys, [
        `bootstrap:${MAN}/03-infrastructure.yaml#[0].status.apiServerInternalURI`,
        `bootstrap:${MAN}/03-infrastructure.yaml#[0].status.apiServerURL`,
        `bootstrap:${MAN}/03-infrastructure.yaml#[0].status.infrastructureName`,
        `bootstrap:${MAN}/05-dns.yaml#[0].spec.baseDomain`,
        `bootstrap:${MAN}/05b-cluster-config-v1.yaml#[0].data.install-config`,
        `bootstrap:${MAN}/05e-ingress.yaml#[0].spec.domain`,
        `bootstrap:${MAN}/08-clusterversion.yaml#[0].spec.clusterID`,
    ].sort());
});

test("master IPs reach no manifest; the bootstrap IP reaches etcd's URLs, the API server's advertised address and the etcd-endpoints annotation", () => {
    const masters = [0, 1, 2].map((i) => ({ name: `master-${i}`, ip: `192.168.126.${21 + i}` }));
    assert.deepEqual(changed({ nodes: { masters } }), []);
    const etcd = `bootstrap:${POD}/etcd-bootstrap.yaml#[0].spec.containers[0]`;
    assert.deepEqual(changed({ nodes: { bootstrap: { ip: "192.168.126.50" } } }), [
        `${etcd}.command[--advertise-client-urls]`,
        `${etcd}.command[--initial-advertise-peer-urls]`,
        `${etcd}.env[ETCD_INITIAL_CLUSTER]`,
        `bootstrap:${POD}/kube-apiserver-bootstrap.yaml#[0].spec.containers[0].command[--advertise-address]`,
        `bootstrap:${MAN}/05c-etcd-endpoints.yaml#[0].metadata.annotations.alpha.installer.openshift.io/etcd-bootstrap`,
    ].sort());
});

test("an image reaches exactly the pods that run it", () => {
    const c = localConfig();
    const other = "quay.io/example/hyperkube@sha256:" + "ab".repeat(32);
    assert.deepEqual(changed({ release: { ...c.release, images: { ...c.release.images, hyperkube: other } } }), [
        `bootstrap:${POD}/kube-apiserver-bootstrap.yaml#[0].spec.containers[0].image`,
        `bootstrap:${POD}/kube-controller-manager-bootstrap.yaml#[0].spec.containers[0].image`,
        `bootstrap:${POD}/kube-scheduler-bootstrap.yaml#[0].spec.containers[0].image`,
    ].sort());
    assert.deepEqual(changed({ release: { ...c.release, images: { ...c.release.images, kubeProxy: other } } }),
        ["master-0", "master-1", "master-2"].map((m) => `${m}:${POD}/kube-proxy.yaml#[0].spec.containers[0].image`));
    assert.deepEqual(changed({ release: { ...c.release, images: { ...c.release.images, clusterPolicyController: other } } }),
        [`bootstrap:${POD}/kube-controller-manager-bootstrap.yaml#[0].spec.containers[1].image`]);
});

test("extraArgs overrides a flag in place or appends a new one, for that component only", () => {
    assert.deepEqual(changed({ extraArgs: { "kube-apiserver": { v: "4", "audit-log-path": "-" } } }), [
        `bootstrap:${POD}/kube-apiserver-bootstrap.yaml#${cmd}[--audit-log-path]`,
        `bootstrap:${POD}/kube-apiserver-bootstrap.yaml#${cmd}[--v]`,
    ]);
    assert.deepEqual(withExtraArgs(["etcd", "--v=2"], { v: "4", x: "1" }), ["etcd", "--v=4", "--x=1"]);
    const cvo = render(localConfig({ extraArgs: { "cluster-version-operator": { v: "5" } } })).bootstrap[`${POD}/cvo-bootstrap.yaml`][0] as any;
    assert.ok(cvo.spec.containers[0].args.includes("--v=5"));
});

test("the fixes to the tutorial are in place", () => {
    const files = render(localConfig()).bootstrap as Record<string, any[]>;
    const api = files[`${POD}/kube-apiserver-bootstrap.yaml`][0].spec.containers[0].command as string[];
    assert.ok(api.includes("--requestheader-allowed-names=system:kube-apiserver-proxy"));
    assert.ok(api.includes("--advertise-address=192.168.126.100"), "the API server advertises the bootstrap node's address");
    const infra = files[`${MAN}/03-infrastructure.yaml`][0];
    assert.equal(infra.status.apiServerInternalURI, "https://api-int.othw.lab.local:6443");
    assert.equal(infra.status.apiServerInternalURL, undefined, "the CRD has no apiServerInternalURL");
    const proxy = (render(localConfig())["master-0"][`${POD}/kube-proxy.yaml`][0] as any).spec.containers[0].command as string[];
    assert.ok(proxy.includes("--conntrack-max-per-core=0"), "kube-proxy leaves the host-wide nf_conntrack_max alone");
    const kcm = files[`${POD}/kube-controller-manager-bootstrap.yaml`][0].spec.containers[0].command as string[];
    assert.ok(kcm.includes("--allocate-node-cidrs=false"));
    assert.ok(kcm.includes("--cluster-signing-cert-file=/etc/kubernetes/secrets/kubelet-signer.crt"));
    const endpoints = files[`${MAN}/05c-etcd-endpoints.yaml`][0];
    assert.equal(endpoints.metadata.annotations["alpha.installer.openshift.io/etcd-bootstrap"], "192.168.126.100");
    const cv = files[`${MAN}/08-clusterversion.yaml`][0];
    assert.equal(cv.spec.desiredUpdate, undefined);
    assert.match(cv.spec.clusterID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("the bootstrap controller-manager pod runs the cluster-policy-controller beside the controller manager, as the operator's render does", () => {
    const c = localConfig();
    const files = bootstrapManifests(c) as Record<string, any[]>;
    const pod = files[`${POD}/kube-controller-manager-bootstrap.yaml`][0];
    assert.deepEqual(pod.spec.containers.map((x: any) => x.name), ["kube-controller-manager", "cluster-policy-controller"]);
    const cpc = pod.spec.containers[1];
    assert.equal(cpc.image, c.release.images.clusterPolicyController);
    assert.notEqual(cpc.image, c.release.images.hyperkube);
    assert.deepEqual(cpc.command, [
        "cluster-policy-controller", "start",
        "--config=/etc/kubernetes/config/cluster-policy-controller-config.yaml",
        "--kubeconfig=/etc/kubernetes/kubeconfigs/kube-controller-manager.kubeconfig",
        "--namespace=$(POD_NAMESPACE)",
        "--v=2",
    ]);
    // $(POD_NAMESPACE) is the downward API's metadata.namespace, which the kubelet fills in for a static pod too.
    assert.deepEqual(cpc.env, [
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    ]);
    assert.deepEqual(cpc.ports, [{ containerPort: 10357 }]);
    assert.deepEqual(cpc.livenessProbe.httpGet, { path: "/healthz", port: 10357, scheme: "HTTPS", host: "localhost" });
    assert.deepEqual(cpc.volumeMounts, [
        { name: "secrets", mountPath: "/etc/kubernetes/secrets", readOnly: true },
        { name: "kubeconfigs", mountPath: "/etc/kubernetes/kubeconfigs", readOnly: true },
        { name: "config", mountPath: "/etc/kubernetes/config", readOnly: true },
    ]);
    // One volume per name, the config volume as the render's: /etc/kubernetes/bootstrap-configs.
    assert.deepEqual(pod.spec.volumes.map((v: any) => [v.name, v.hostPath.path]), [
        ["secrets", "/etc/kubernetes/bootstrap-secrets"], ["kubeconfigs", "/etc/kubernetes/kubeconfigs"], ["config", "/etc/kubernetes/bootstrap-configs"],
    ]);
    // The controller manager's own flags and extraArgs stay on its container.
    const withArgs = bootstrapManifests(localConfig({ extraArgs: { "kube-controller-manager": { v: "4" } } })) as Record<string, any[]>;
    const [kcm, cpc4] = withArgs[`${POD}/kube-controller-manager-bootstrap.yaml`][0].spec.containers;
    assert.ok(kcm.command.includes("--v=4"));
    assert.ok(cpc4.command.includes("--v=2") && !cpc4.command.includes("--v=4"));
});

test("the cluster-policy-controller's config has the render's fields, and names files the bootstrap node has", () => {
    const c = localConfig();
    const files = bootstrapManifests(c) as Record<string, any[]>;
    const [cfg] = files["/etc/kubernetes/bootstrap-configs/cluster-policy-controller-config.yaml"];
    assert.equal(cfg.apiVersion, "openshiftcontrolplane.config.openshift.io/v1");
    assert.equal(cfg.kind, "OpenShiftControllerManagerConfig");
    assert.deepEqual(cfg.servingInfo, {
        bindAddress: "127.0.0.1:10357", bindNetwork: "tcp",
        certFile: "/etc/kubernetes/secrets/kube-control-plane-kube-controller-manager-client.crt",
        keyFile: "/etc/kubernetes/secrets/kube-control-plane-kube-controller-manager-client.key",
        clientCA: "/etc/kubernetes/secrets/kube-control-plane-ca-bundle.crt",
    });
    assert.equal(cfg.featureGates.length, ENABLED_FEATURE_GATES.length + DISABLED_FEATURE_GATES.length);
    assert.ok(cfg.featureGates.every((g: string) => /^[A-Za-z0-9]+=(true|false)$/.test(g)));
    assert.ok(cfg.featureGates.includes("OpenShiftPodSecurityAdmission=false"), "the pod-security label syncer only advises in 4.18 Default");
    assert.ok(cfg.featureGates.includes("ValidatingAdmissionPolicy=true"));
    // Every file it names is one the PKI puts into the bootstrap secrets, and its kubeconfig one the catalogue makes.
    const onBoot = new Set(pkiCatalogue(c).nodeFiles.flatMap((f) => f.to.filter((t) => t.node === c.nodes.bootstrap.name).map((t) => t.path)));
    for (const f of [cfg.servingInfo.certFile, cfg.servingInfo.keyFile, cfg.servingInfo.clientCA]) {
        assert.ok(onBoot.has(f.replace(SECRETS_MOUNT, BOOTSTRAP_SECRETS_DIR)), `${f} is on the bootstrap node`);
    }
    const leaf = pkiCatalogue(c).leaves.find((l) => l.name === "kube-control-plane-kube-controller-manager-client")!;
    const bundle = pkiCatalogue(c).bundles.find((b) => b.name === "kube-control-plane-ca-bundle")!;
    assert.ok(bundle.signers.includes(leaf.signer), "its client CA trusts the signer of its own certificate");
    const pod = files[`${POD}/kube-controller-manager-bootstrap.yaml`][0];
    const kc = (pod.spec.containers[1].command as string[]).find((a) => a.startsWith("--kubeconfig="))!.slice("--kubeconfig=".length);
    assert.ok(kubeconfigCatalogue(c).some((k) => `${KUBECONFIGS_DIR}/${k.name}.kubeconfig` === kc), kc);
});
