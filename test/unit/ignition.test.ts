import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { ClusterConfig } from "../../components/config";
import { bootstrapIgnition, masterIgnition, MCS_SERVED_PATHS } from "../../components/ignition/nodes";
import { COMPRESS_ABOVE, file, fileText, IgnitionConfig, ignitionConfig } from "../../components/ignition/spec";
import { bootstrapManifests, masterManifests } from "../../components/static-pods/nodes";
import { operatorInputManifests, toYaml } from "../../components/manifests";
import { standInPki } from "../support/pki-stand-in";
import { kubeconfigCatalogue, pkiCatalogue } from "../../components/pki/catalogue";
import { BOOTSTRAP_CONFIGS_DIR, BOOTSTRAP_SECRETS_DIR, CONFIG_MOUNT, KUBECONFIGS_DIR, SECRETS_MOUNT } from "../../components/node-paths";
import { localConfig, ROOT } from "../support/config";

const SSH = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPXJ7Ux28cIGj4b21XFKFX+JFSShGnidLAvzfvMe9G95 test";
/** A stand-in bootstrap-ssh public key. */
const BOOTSTRAP_SSH = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBootstrapSshStandInKeyForTheTestsOnly0000 bootstrap-ssh";

/** The PKI's node files with stand-in contents, laid out exactly as ClusterPki lays them out. */
function pkiFiles(c: ClusterConfig): Record<string, Record<string, { content: string; mode: number }>> {
    const cat = pkiCatalogue(c);
    const out: Record<string, Record<string, { content: string; mode: number }>> = {};
    const put = (node: string, p: string, mode: number) => ((out[node] ??= {})[p] = { content: `stand-in for ${p}\n`, mode });
    for (const f of cat.nodeFiles) {
        for (const t of f.to) put(t.node, t.path, t.mode);
    }
    for (const k of kubeconfigCatalogue(c)) {
        put(c.nodes.bootstrap.name, `${KUBECONFIGS_DIR}/${k.name}.kubeconfig`, 0o600);
        for (const f of k.extraFiles) put(f.node, f.path, f.mode);
    }
    return out;
}

/** The operator-input manifests from a stand-in PKI, as StaticPods hands them to Ignition (0600). */
function operatorInputs(c: ClusterConfig): Record<string, { content: string; mode: number }> {
    return Object.fromEntries(Object.entries(operatorInputManifests(c, standInPki(c)))
        .map(([f, objects]) => [`/opt/openshift/manifests/${f}`, { content: toYaml(objects), mode: 0o600 }]));
}

/** A stand-in for root-ca's certificate: the unit tests check where it goes, not its cryptography. */
const ROOT_CA = "-----BEGIN CERTIFICATE-----\nstand-in for root-ca\n-----END CERTIFICATE-----\n";

function render(c: ClusterConfig, crds: Record<string, string> = {}) {
    const pki = pkiFiles(c);
    const text = (m: Record<string, object[]>) => Object.fromEntries(Object.entries(m).map(([p, o]) => [p, toYaml(o)]));
    const configs: Record<string, IgnitionConfig> = {
        [c.nodes.bootstrap.name]: bootstrapIgnition({ config: c, manifests: text(bootstrapManifests(c)), objects: bootstrapManifests(c), pki: { ...pki[c.nodes.bootstrap.name], ...operatorInputs(c) }, pullSecret: '{"auths":{"quay.io":{"auth":"eA=="}}}', crds, bootstrapSshKey: BOOTSTRAP_SSH }),
    };
    for (const m of c.nodes.masters) {
        configs[m.name] = masterIgnition({ config: c, node: m, manifests: text(masterManifests(c)), rootCa: ROOT_CA });
    }
    return configs;
}

const files = (c: IgnitionConfig) => Object.fromEntries((c.storage?.files ?? []).map((f) => [f.path, f]));

const local = localConfig({ sshKeys: [SSH] });
const other = localConfig({
    sshKeys: [SSH], clusterName: "lab", baseDomain: "example.net", machineNetwork: "10.40.0.0/16",
    clusterNetwork: { cidr: "10.200.0.0/14", hostPrefix: 24 }, serviceNetwork: "10.96.0.0/12",
});

test("ignition-validate accepts every config, for the local stack and for other CIDRs and domain", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ign-"));
    const crds = { "0000_10_config-operator_01_infrastructure.crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n" };
    let n = 0;
    for (const [label, c, extra] of [["local", local, {}], ["other", other, { crds }]] as const) {
        for (const [node, cfg] of Object.entries(render(c, (extra as any).crds))) {
            const f = path.join(dir, `${label}-${node}.ign`);
            fs.writeFileSync(f, JSON.stringify(cfg));
            const r = spawnSync("ignition-validate", [f], { encoding: "utf8" });
            assert.equal(r.status, 0, `${label}/${node}: ${r.stdout}${r.stderr}`);
            n++;
        }
    }
    assert.equal(n, 8);
    // And it does reject what it should: the same path twice.
    const bad = render(local).bootstrap;
    bad.storage!.files!.push(bad.storage!.files![0]);
    fs.writeFileSync(path.join(dir, "bad.ign"), JSON.stringify(bad));
    assert.notEqual(spawnSync("ignition-validate", [path.join(dir, "bad.ign")]).status, 0);
    fs.rmSync(dir, { recursive: true });
});

test("the builders refuse duplicate paths and relative paths, and compress large files losslessly", () => {
    assert.throws(() => ignitionConfig({ files: [file("/a", "x", 0o644)], directories: [{ path: "/a", mode: 0o755 }] }), /two entries for \/a/);
    assert.throws(() => ignitionConfig({ files: [file("etc/x", "x", 0o644)] }), /not absolute/);
    const big = "x".repeat(COMPRESS_ABOVE + 1);
    const f = file("/big", big, 0o644);
    assert.equal(f.contents.compression, "gzip");
    assert.equal(fileText(f), big);
    assert.equal(file("/small", "hello", 0o644).contents.compression, undefined);
});

test("bootstrap: every static pod, manifest, certificate, key and kubeconfig at its path with its mode", () => {
    const cfg = render(local).bootstrap;
    const f = files(cfg);
    const mode = (p: string) => f[p]?.mode;
    for (const p of Object.keys(bootstrapManifests(local))) assert.equal(mode(p), 0o644, p);
    // The installer's certificates the bootstrap pods read, and the signers' certificates.
    for (const base of ["etcd-peer-bootstrap", "etcd-serving-bootstrap", "etcd-serving-metrics-bootstrap", "etcd-client",
        "kube-apiserver-localhost-server", "kube-apiserver-service-network-server", "kube-apiserver-lb-server",
        "kube-apiserver-internal-lb-server", "kube-apiserver-to-kubelet-client", "aggregator-client", "machine-config-server", "kubelet-signer"]) {
        assert.equal(mode(`${BOOTSTRAP_SECRETS_DIR}/${base}.crt`), 0o644, base);
        assert.equal(mode(`${BOOTSTRAP_SECRETS_DIR}/${base}.key`), 0o600, base);
    }
    for (const bundle of ["kube-apiserver-complete-client-ca-bundle", "kube-apiserver-complete-server-ca-bundle", "etcd-ca-bundle", "root-ca"]) {
        assert.equal(mode(`${BOOTSTRAP_SECRETS_DIR}/${bundle}.crt`), 0o644, bundle);
    }
    for (const off of ["root-ca", "admin-kubeconfig-signer", "kubelet-bootstrap-kubeconfig-signer", "admin-kubeconfig-client"]) {
        assert.equal(f[`${BOOTSTRAP_SECRETS_DIR}/${off}.key`], undefined, `${off}.key stays off the node`);
    }
    for (const kp of ["service-account", "bound-service-account-signing-key"]) {
        assert.equal(mode(`${BOOTSTRAP_SECRETS_DIR}/${kp}.key`), 0o600);
        assert.equal(mode(`${BOOTSTRAP_SECRETS_DIR}/${kp}.pub`), 0o644);
    }
    for (const k of ["admin", "localhost", "kube-controller-manager", "kube-scheduler", "kubelet-bootstrap"]) assert.equal(mode(`${KUBECONFIGS_DIR}/${k}.kubeconfig`), 0o600, k);
    assert.equal(mode("/usr/local/bin/bootkube.sh"), 0o755);
    assert.equal(mode("/etc/NetworkManager/system-connections/machine-network.nmconnection"), 0o600);
    assert.equal(mode("/var/lib/kubelet/config.json"), 0o600);
    assert.equal(mode("/root/.docker/config.json"), 0o600, "podman's pull secret");
    assert.equal(mode("/opt/openshift/manifests/06-pull-secret.yaml"), 0o600);
    for (const op of ["etcd-operator", "kube-apiserver-operator", "kube-controller-manager-operator", "machine-config-operator", "kubeadmin-password-secret"]) {
        assert.equal(mode(`/opt/openshift/manifests/06-${op}.yaml`), 0o600, op);
    }
    assert.equal(fileText(f["/etc/hostname"]), "bootstrap.othw.lab.local\n");
    assert.match(fileText(f["/etc/NetworkManager/system-connections/machine-network.nmconnection"]), /addresses=192\.168\.126\.100\/24\ngateway=192\.168\.126\.1\n/);
    // No private key outside a 0600 file.
    for (const x of cfg.storage!.files!) {
        if (/PRIVATE KEY|client-key-data/.test(fileText(x))) assert.equal(x.mode, 0o600, x.path);
    }
    assert.deepEqual(cfg.passwd!.users, [{ name: "core", sshAuthorizedKeys: [SSH, BOOTSTRAP_SSH] }], "the stack's key and bootstrap-ssh");
    assert.deepEqual(cfg.systemd!.units.map((u) => [u.name, u.enabled]), [["bootkube.service", true], ["kubelet.service", true]]);
    const dirs = Object.fromEntries(cfg.storage!.directories!.map((d) => [d.path, d.mode]));
    assert.equal(dirs[BOOTSTRAP_SECRETS_DIR], 0o700);
    assert.equal(dirs[KUBECONFIGS_DIR], 0o700);
});

test("bootstrap: every file a static pod, unit or script refers to is in the config", () => {
    const cfg = render(local).bootstrap;
    const f = files(cfg);
    const dirs = new Set(cfg.storage!.directories!.map((d) => d.path));
    const referenced = new Set<string>();
    // A path as a container sees it → the path on the node.
    const onNode = (x: string) => x.replace(SECRETS_MOUNT, BOOTSTRAP_SECRETS_DIR).replace(CONFIG_MOUNT, BOOTSTRAP_CONFIGS_DIR);
    const refs = /(\/etc\/kubernetes\/[^\s,="]+\.(?:crt|key|pub|kubeconfig|yaml))/g;
    for (const [p, objs] of Object.entries(bootstrapManifests(local))) {
        // The components' config files name certificates too (e.g. the cluster-policy-controller's servingInfo).
        if (p.startsWith(`${BOOTSTRAP_CONFIGS_DIR}/`)) {
            assert.ok(f[p], `${p} is in the config`);
            for (const m of JSON.stringify(objs).matchAll(refs)) referenced.add(onNode(m[1]));
            continue;
        }
        if (!p.startsWith("/etc/kubernetes/manifests/")) continue;
        const pod = objs[0] as any;
        for (const c of pod.spec.containers) {
            for (const a of [...(c.command ?? []), ...(c.args ?? [])]) {
                for (const m of String(a).matchAll(refs)) referenced.add(onNode(m[1]));
            }
        }
        for (const v of pod.spec.volumes ?? []) {
            if (v.hostPath.type !== "DirectoryOrCreate") assert.ok(dirs.has(v.hostPath.path) || f[v.hostPath.path], `${p}: hostPath ${v.hostPath.path}`);
        }
    }
    for (const u of cfg.systemd!.units) {
        for (const m of (u.contents ?? "").matchAll(/(?:ExecStart=|--config=)(\/[^\s]+)/g)) referenced.add(m[1]);
    }
    for (const m of fileText(f["/usr/local/bin/bootkube.sh"]).matchAll(/(\/etc\/kubernetes\/[^\s]+\.(?:crt|key|kubeconfig))/g)) referenced.add(m[1]);
    assert.ok(referenced.size > 20, [...referenced].join(" "));
    for (const r of referenced) assert.ok(f[r] || r === "/usr/bin/kubelet", `referenced but missing: ${r}`);
});

/** What a real 4.18 bootstrap machine-config-server serves for /config/master (../shared/fixtures). */
const MCS_MASTER = path.join(ROOT, "..", "shared", "fixtures", "mco-4.18-master", "mco-master-rendered-3.2.json");

test("masters: a pointer to the machine-config-server trusting root-ca, plus hostname, address, kube-proxy and SSH keys", () => {
    for (const [c, domain] of [[local, "othw.lab.local"], [other, "lab.example.net"]] as const) {
        const configs = render(c);
        for (const [i, m] of c.nodes.masters.entries()) {
            const cfg = configs[m.name];
            // openshift-install's master.ign: merge /config/master from api-int:22623, root-ca as the only extra CA.
            assert.deepEqual(cfg.ignition.config, { merge: [{ source: `https://api-int.${domain}:22623/config/master` }] });
            const cas = cfg.ignition.security!.tls!.certificateAuthorities!;
            assert.equal(cas.length, 1);
            assert.equal(fileText({ path: "ca", mode: 0, overwrite: true, contents: { source: cas[0].source } }), ROOT_CA);
            assert.match(cas[0].source, /^data:text\/plain;charset=utf-8;base64,/);
            const f = files(cfg);
            assert.deepEqual(Object.keys(f).sort(), ["/etc/NetworkManager/system-connections/machine-network.nmconnection", "/etc/hostname", "/etc/kubernetes/manifests/kube-proxy.yaml"]);
            assert.equal(fileText(f["/etc/hostname"]), `master-${i}.${domain}\n`);
            assert.match(fileText(f["/etc/NetworkManager/system-connections/machine-network.nmconnection"]), new RegExp(`addresses=${m.ip.replace(/\./g, "\\.")}/`));
            assert.equal(f["/etc/NetworkManager/system-connections/machine-network.nmconnection"].mode, 0o600);
            assert.equal(f["/etc/kubernetes/manifests/kube-proxy.yaml"].mode, 0o644);
            assert.equal(YAML.parse(fileText(f["/etc/kubernetes/manifests/kube-proxy.yaml"])).metadata.name, "kube-proxy");
            assert.deepEqual(cfg.passwd!.users, [{ name: "core", sshAuthorizedKeys: [SSH] }]);
            assert.ok(!JSON.stringify(cfg).includes("PRIVATE KEY"), "no key in a pointer config");
        }
    }
});

test("masters: no path of the pointer is one the machine-config-server serves (the served config would win it)", () => {
    const served = JSON.parse(fs.readFileSync(MCS_MASTER, "utf8")) as IgnitionConfig;
    const servedPaths = new Set([...(served.storage?.files ?? []), ...(served.storage?.links ?? [])].map((x) => x.path));
    const servedUnits = new Set((served.systemd?.units ?? []).map((u) => u.name));
    assert.ok(servedPaths.size > 40 && servedUnits.has("kubelet.service"), "the fixture is the full master config");
    for (const p of MCS_SERVED_PATHS) assert.ok(servedPaths.has(p), `the server serves ${p}`);
    for (const m of local.nodes.masters) {
        const cfg = render(local)[m.name];
        for (const f of cfg.storage!.files!) assert.ok(!servedPaths.has(f.path), `${m.name}: ${f.path} is served by the machine-config-server too`);
        for (const u of cfg.systemd!.units) assert.ok(!servedUnits.has(u.name), `${m.name}: unit ${u.name} is served too`);
    }
});

test("bootkube.sh is rendered from the config and is valid bash", () => {
    const f = files(render(other).bootstrap);
    const script = fileText(f["/usr/local/bin/bootkube.sh"]);
    assert.match(script, /for lab\.example\.net/);
    assert.match(script, /"apiServerURL":"https:\/\/api\.lab\.example\.net:6443"/);
    assert.match(script, /all 3 are Ready/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootkube-"));
    fs.writeFileSync(path.join(dir, "bootkube.sh"), script);
    const r = spawnSync("bash", ["-n", path.join(dir, "bootkube.sh")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    fs.rmSync(dir, { recursive: true });
});

test("the bootstrap config takes the Infrastructure and FeatureGate StaticPods rendered, and refuses objects without them", () => {
    const c = local;
    const objects = structuredClone(bootstrapManifests(c));
    const infra = Object.values(objects).flat().find((o) => o.kind === "Infrastructure") as any;
    const gate = Object.values(objects).flat().find((o) => o.kind === "FeatureGate") as any;
    infra.status.infrastructureName = "handed-over-infra";
    gate.status.featureGates[0].version = "9.9.9-handed-over";
    const inputs = { config: c, manifests: {}, objects, pki: {}, pullSecret: '{"auths":{}}', crds: {} };
    const script = fileText(files(bootstrapIgnition(inputs))["/usr/local/bin/bootkube.sh"]);
    assert.ok(script.includes('"infrastructureName":"handed-over-infra"'), "the Infrastructure status patch is the one handed over");
    assert.ok(script.includes('"version":"9.9.9-handed-over"'), "the FeatureGate status patch is the one handed over");
    const withoutGate = Object.fromEntries(Object.entries(objects).filter(([, os]) => !os.some((o) => o.kind === "FeatureGate")));
    assert.throws(() => bootstrapIgnition({ ...inputs, objects: withoutGate }), /no config.openshift.io\/v1 FeatureGate among the rendered manifests/);
});
