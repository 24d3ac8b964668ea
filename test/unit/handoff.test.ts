import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { ConfigMap, Namespace, Secret } from "kubernetes-models/v1";
import { ClusterRole, ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { StaticPods } from "../../components/static-pods";
import { clusterManifests, KubeObject, operatorInputManifests } from "../../components/manifests";
import { BUNDLE_NAMES, pkiCatalogue } from "../../components/pki/catalogue";
import { standInPki } from "../support/pki-stand-in";
import { handoffContract, ROTATION } from "../support/handoff-contract";
import { localConfig } from "../support/config";

const config = localConfig();
const cat = pkiCatalogue(config);

const standIn = () => standInPki(config);
const all: KubeObject[] = [...Object.values(operatorInputManifests(config, standIn())).flat(), ...Object.values(clusterManifests(config)).flat()];
const find = (kind: string, ns: string | undefined, name: string) => all.filter((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns);
const decode = (s: string) => Buffer.from(s, "base64").toString();

test("handoff contract: every object an operator reads exists with its type, keys and annotations", () => {
    const rows = handoffContract(config.nodes.bootstrap.name);
    assert.ok(rows.length >= 30, `${rows.length} rows`);
    for (const r of rows) {
        const where = `${r.operator}: ${r.kind} ${r.namespace ?? ""}/${r.name} (${r.source})`;
        const found = find(r.kind, r.namespace, r.name);
        assert.equal(found.length, 1, `${where}: rendered ${found.length} times`);
        const o = found[0] as any;
        if (r.type) assert.equal(o.type, r.type, where);
        if (r.keys.length) assert.deepEqual(Object.keys(o.data ?? {}).sort(), [...r.keys].sort(), where);
        for (const a of r.annotations) assert.ok(o.metadata.annotations?.[a], `${where}: annotation ${a}`);
        if (r.signer) {
            assert.equal(decode(o.data["tls.crt"]), `CRT(${r.signer})\n`, `${where} holds ${r.signer}`);
            assert.equal(decode(o.data["tls.key"]), `KEY(${r.signer})\n`, `${where} holds ${r.signer}'s key`);
            const cn = cat.signers.find((s) => s.name === r.signer)!.commonName;
            assert.equal(o.metadata.annotations["auth.openshift.io/certificate-issuer"], cn, `${where}: issuer is the signer's CN`);
        }
        if (r.bundleOf) {
            const pem = o.data[r.keys[0]] as string;
            assert.deepEqual(pem.trim().split("\n").sort(), r.bundleOf.map((s) => `CERT(${s})`).sort(), `${where} holds exactly ${r.bundleOf.join(", ")}`);
        }
        for (const a of ROTATION) {
            if (r.annotations.includes(a) && a.endsWith("-not-after")) assert.match(o.metadata.annotations[a], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${where}: RFC 3339`);
        }
    }
    // Every Secret and ConfigMap of the operator inputs is in the contract (no unexplained extra).
    const listed = new Set(rows.map((r) => `${r.kind}/${r.namespace}/${r.name}`));
    for (const o of Object.values(operatorInputManifests(config, standIn())).flat()) {
        assert.ok(listed.has(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`), `${o.kind} ${o.metadata.namespace}/${o.metadata.name} is not in the contract`);
    }
});

test("the kube-apiserver's client bundle, as its operator assembles it, is the bundle the bootstrap kube-apiserver uses", () => {
    // cluster-kube-apiserver-operator pkg/operator/targetconfigcontroller: the client CA bundle is
    // built from admin-kubeconfig-client-ca, csr-controller-ca, kube-control-plane-signer-ca,
    // kube-apiserver-to-kubelet-client-ca and kubelet-bootstrap-kubeconfig; the operator builds
    // the last but one from its signer secrets.
    const m = standIn();
    const fromConfigMaps = ["admin-kubeconfig-client-ca", "csr-controller-ca", "kubelet-bootstrap-kubeconfig"].flatMap((n) =>
        all.filter((o) => o.kind === "ConfigMap" && o.metadata.name === n).map((o: any) => o.data["ca-bundle.crt"] as string));
    const fromSigners = ["kube-control-plane-signer", "kube-apiserver-to-kubelet-signer"].map((n) =>
        decode((find("Secret", "openshift-kube-apiserver-operator", n)[0] as any).data["tls.crt"]).replace("CRT(", "CERT("));
    const assembled = [...fromConfigMaps, ...fromSigners].join("").trim().split("\n").sort();
    const clientSigners = new Set(m.bundles["kube-apiserver-complete-client-ca-bundle"].trim().split("\n"));
    for (const s of assembled) assert.ok(clientSigners.has(s), `${s} is in the bootstrap's --client-ca-file bundle`);
    // …and every signer that issues a client certificate of ours is among them.
    for (const l of cat.leaves.filter((x) => x.usage !== "server" && !x.signer.startsWith("etcd") && x.signer !== "aggregator-signer")) {
        assert.ok(assembled.includes(`CERT(${l.signer})`), `${l.name}'s signer ${l.signer} is in the operator's client bundle`);
    }
});

test("config resources: Infrastructure URI, DNS cluster domain, Scheduler, Ingress, FeatureGate status; RBAC only to existing roles", () => {
    const m = clusterManifests(config);
    const infra = m["03-infrastructure.yaml"][0] as any;
    assert.equal(infra.status.apiServerInternalURI, "https://api-int.othw.lab.local:6443");
    assert.equal(infra.status.apiServerInternalURL, undefined);
    assert.equal((m["05-dns.yaml"][0] as any).spec.baseDomain, "othw.lab.local");
    assert.equal((m["05d-scheduler.yaml"][0] as any).spec.mastersSchedulable, true);
    assert.equal((m["05e-ingress.yaml"][0] as any).spec.domain, "apps.othw.lab.local");
    const fg = (m["05a-featuregate.yaml"][0] as any).status.featureGates;
    assert.equal(fg.length, 1);
    assert.equal(fg[0].version, config.release.version);
    assert.equal(fg[0].enabled.length + fg[0].disabled.length, 33 + 52);
    assert.ok(fg[0].enabled.some((g: any) => g.name === "ValidatingAdmissionPolicy"));
    // Bindings refer only to upstream or rendered ClusterRoles (system:node-admin is neither).
    const rendered = new Set(all.filter((o) => o.kind === "ClusterRole").map((o) => o.metadata.name));
    const upstream = new Set(["system:node-bootstrapper", "system:node-proxier"]);
    for (const b of all.filter((o) => o.kind === "ClusterRoleBinding") as any[]) {
        assert.ok(rendered.has(b.roleRef.name) || upstream.has(b.roleRef.name), `${b.metadata.name} → ${b.roleRef.name}`);
    }
    const kas = find("ClusterRole", undefined, "kube-apiserver")[0] as any;
    assert.deepEqual(kas.rules, [{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get", "create"] }]);
    const boot = find("ClusterRoleBinding", undefined, "system-bootstrap-node-bootstrapper")[0] as any;
    assert.deepEqual(boot.subjects, [{ kind: "ServiceAccount", namespace: "openshift-machine-config-operator", name: "node-bootstrapper" }]);
});

test("the cluster-policy-controller's controllers may do their work as the service accounts they act as", () => {
    // The service accounts of openshift/cluster-policy-controller pkg/cmd/controller/config.go
    // (release-4.18), each bound to the role the controller-manager operator's render gives it.
    const want: Record<string, string> = {
        "namespace-security-allocation-controller": "system:openshift:controller:namespace-security-allocation-controller",
        "podsecurity-admission-label-syncer-controller": "system:openshift:controller:podsecurity-admission-label-syncer-controller",
        "privileged-namespaces-psa-label-syncer": "system:openshift:controller:privileged-namespaces-psa-label-syncer",
    };
    const allows = (role: any, group: string, resource: string, verb: string, name?: string) => role.rules.some((r: any) =>
        r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb) && (!r.resourceNames || (name && r.resourceNames.includes(name))));
    for (const [sa, roleName] of Object.entries(want)) {
        const binding = find("ClusterRoleBinding", undefined, roleName)[0] as any;
        assert.ok(binding, roleName);
        assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: sa, namespace: "openshift-infra" }], roleName);
        assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName });
    }
    const alloc = find("ClusterRole", undefined, want["namespace-security-allocation-controller"])[0];
    assert.ok(allows(alloc, "security.openshift.io", "rangeallocations", "create"), "it records the ranges it hands out");
    assert.ok(allows(alloc, "", "namespaces", "update"), "it writes the openshift.io/sa.scc.* annotations");
    const psa = find("ClusterRole", undefined, want["podsecurity-admission-label-syncer-controller"])[0];
    assert.ok(allows(psa, "security.openshift.io", "securitycontextconstraints", "list"));
    const privileged = find("ClusterRole", undefined, want["privileged-namespaces-psa-label-syncer"])[0];
    assert.ok(allows(privileged, "", "namespaces", "patch", "kube-system"));
    assert.ok(!allows(privileged, "", "namespaces", "patch", "openshift-etcd"), "it may patch only default, kube-system and kube-public");
    assert.ok(Object.values(clusterManifests(config)).flat().some((o) => o.kind === "Namespace" && o.metadata.name === "openshift-infra"), "their namespace exists");
});

test("every bundle of the catalogue is made of declared signers", () => {
    const signers = new Set(cat.signers.map((s) => s.name));
    assert.deepEqual(cat.bundles.map((b) => b.name).sort(), [...BUNDLE_NAMES].sort());
    for (const b of cat.bundles) for (const s of b.signers) assert.ok(signers.has(s), `${b.name}: ${s}`);
});

test("every operator input validates against the Kubernetes schema", () => {
    const models: Record<string, new (o: any) => { validate(): void }> = { Secret, ConfigMap, ClusterRole, ClusterRoleBinding, Namespace };
    let n = 0;
    for (const o of Object.values(operatorInputManifests(config, standIn())).flat()) {
        assert.ok(models[o.kind], o.kind);
        new models[o.kind](o).validate();
        n++;
    }
    assert.equal(n, 15 + 12 + 2 + 3 + 1, "15 etcd, 12 kube-apiserver, 2 kube-controller-manager, 3 machine-config objects, the kubeadmin secret");
});

test("StaticPods renders the operator inputs from the PKI into secret, 0600 asset files and hands them to Ignition", async () => {
    const registered: { type: string; name: string; inputs: any }[] = [];
    const SIG = "1b47061264138c4ac30d75fd1eb44270";
    const secretPaths = new Set<string>();
    const plain = (v: any, where: string): any => {
        if (v && typeof v === "object" && v["4dabf18193072939515e22adb298388d"] === SIG) { secretPaths.add(where); return plain(v.value, where); }
        if (v && typeof v === "object" && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x, `${where}.${k}`)]));
        return v;
    };
    pulumi.runtime.setMocks({
        newResource: (args) => { const inputs = plain(args.inputs, args.name); registered.push({ type: args.type, name: args.name, inputs }); return { id: `${args.name}-id`, state: inputs }; },
        call: () => ({}),
    }, "openshift-hard-way", "unit", true);
    const pods = new StaticPods("local", config, pulumi.secret(standIn()));
    const inputs = await new Promise<Record<string, { content: string; mode: number }>>((r) => pods.operatorInputs.apply(r));
    assert.equal(await (pods.operatorInputs as any).isSecret, true);
    const file = "/opt/openshift/manifests/06-kube-apiserver-operator.yaml";
    assert.equal(inputs[file].mode, 0o600);
    const docs = YAML.parseAllDocuments(inputs[file].content).map((d) => d.toJSON());
    assert.equal(docs.find((d: any) => d.metadata.name === "localhost-serving-signer").data["tls.key"], Buffer.from("KEY(kube-apiserver-localhost-signer)\n").toString("base64"));
    await new Promise((r) => pods.resource.urn.apply(r));
    const res = registered.find((x) => x.type === "openshift-hard-way:index:RenderedFiles")!;
    for (const f of Object.keys(operatorInputManifests(config, standIn()))) {
        const p = `manifests/bootstrap/opt/openshift/manifests/${f}`;
        assert.equal(res.inputs[p].mode, 0o600, p);
        assert.ok(secretPaths.has(`${res.name}.${p}`) || secretPaths.has(`${res.name}.${p}.content`), `${p} is a secret`);
    }
    assert.ok(!secretPaths.has(`${res.name}.manifests/bootstrap/opt/openshift/manifests/03-infrastructure.yaml.content`), "the plain manifests stay visible");
});
