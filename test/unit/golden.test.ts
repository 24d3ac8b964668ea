import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { OpenShiftCluster } from "../../components/cluster";
import { fileBytes, IgnitionConfig } from "../../components/ignition/spec";
import { qemuOwner } from "../../components/libvirt/host";
import { localConfig, ROOT } from "../support/config";
import {
    assertNoSecret, compareGolden, goldenFailure, providerDomainXml, providerNetworkXml, Redactor, xsltproc,
} from "../support/golden";

// The whole `local` stack (OpenShiftCluster, as index.ts builds it) under Pulumi's mocks, its
// Ignition configs decoded and its libvirt resources' inputs, against golden files. The mocks
// answer like the real providers, with fresh random keys and certificates on every run, so the
// golden files can only be stable if every one of them is replaced by its placeholder.

const redactor = new Redactor();
/** Every resource the program registered, its inputs with secrets unwrapped. */
const registered: { type: string; name: string; inputs: Record<string, any> }[] = [];

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
function plain(v: any): any {
    if (v && typeof v === "object" && v["4dabf18193072939515e22adb298388d"] === SECRET_SIG) return plain(v.value);
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
}

const pemOf = (label: string, der: Buffer) =>
    `-----BEGIN ${label}-----\n${der.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;

const config = localConfig();
/** A pull secret with a credential in it, so that the test can show it never reaches a golden file. */
const PULL_SECRET_AUTH = Buffer.from("golden-test:not-a-real-password").toString("base64");
const PULL_SECRET = JSON.stringify({ auths: { "quay.io": { auth: PULL_SECRET_AUTH, email: "golden@example.com" } } });
redactor.literal(PULL_SECRET, "pull secret", true);
redactor.literal(PULL_SECRET_AUTH, "pull secret credential", true);
// The Ignition volumes are uploaded from <project directory>/assets/<stack>/<node>.ign.
redactor.literal(process.cwd(), "project directory");

pulumi.runtime.setMocks({
    newResource: (args) => {
        const inputs = plain(args.inputs);
        registered.push({ type: args.type, name: args.name, inputs });
        const state: Record<string, any> = { ...inputs };
        let id = `${args.name}-id`;
        if (args.type === "tls:index/privateKey:PrivateKey") {
            // What the tls provider returns: a new key each run (RSA smaller than asked: it is only
            // bytes to replace, and 1024 bits keeps the test fast).
            const what = args.name.replace(/-key$/, "");
            const ed = inputs.algorithm === "ED25519";
            const kp = ed ? crypto.generateKeyPairSync("ed25519") : crypto.generateKeyPairSync("rsa", { modulusLength: 1024 });
            state.privateKeyPem = kp.privateKey.export({ type: ed ? "pkcs8" : "pkcs1", format: "pem" }).toString();
            state.publicKeyPem = kp.publicKey.export({ type: "spki", format: "pem" }).toString();
            state.privateKeyOpenssh = pemOf("OPENSSH PRIVATE KEY", crypto.randomBytes(300));
            const raw = kp.publicKey.export({ format: "der", type: "spki" }).subarray(-32);
            const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
            const blob = Buffer.concat([u32(11), Buffer.from("ssh-ed25519"), u32(32), raw]).toString("base64");
            state.publicKeyOpenssh = `ssh-ed25519 ${blob}\n`;
            redactor.pem(state.privateKeyPem, `private key ${what}`, true);
            redactor.pem(state.privateKeyOpenssh, `private key ${what} (OpenSSH)`, true);
            redactor.pem(state.publicKeyPem, `public key ${what}`);
            redactor.literal(`ssh-ed25519 ${blob}`, `public key ${what} (OpenSSH)`);
        } else if (args.type === "tls:index/certRequest:CertRequest") {
            state.certRequestPem = pemOf("CERTIFICATE REQUEST", crypto.randomBytes(400));
            redactor.pem(state.certRequestPem, `certificate request ${args.name}`);
        } else if (args.type === "tls:index/selfSignedCert:SelfSignedCert" || args.type === "tls:index/locallySignedCert:LocallySignedCert") {
            // A certificate's bytes change every run (new key, serial, validity): a placeholder naming it.
            state.certPem = pemOf("CERTIFICATE", crypto.randomBytes(700));
            redactor.pem(state.certPem, `certificate ${args.name}`);
            // Fixed stand-in validity: the operator inputs' annotations show it.
            const start = Date.parse("2026-12-01T00:00:00Z");
            state.validityStartTime = new Date(start).toISOString().replace(/\.000Z$/, "Z");
            state.validityEndTime = new Date(start + inputs.validityPeriodHours * 3_600_000).toISOString().replace(/\.000Z$/, "Z");
        } else if (args.type === "openshift-hard-way:index:RenderedFiles") {
            // tools/assets: the SHA-256 and mode of each file it writes.
            const files = Object.entries(inputs).filter(([k]) => !["root", "sha256", "modes"].includes(k) && !k.startsWith("__")) as [string, { content: string; mode: number }][];
            state.sha256 = Object.fromEntries(files.map(([p, f]) => [p, crypto.createHash("sha256").update(f.content).digest("hex")]));
            state.modes = Object.fromEntries(files.map(([p, f]) => [p, f.mode]));
            for (const [p, h] of Object.entries(state.sha256 as Record<string, string>)) redactor.literal(h, `sha256 of ${inputs.root}/${p}`);
        } else if (args.type === "libvirt:index/volume:Volume") {
            // A dir pool's volume key, the provider's volume ID, is the file's path.
            id = `${config.libvirt.poolPath}/${inputs.name}`;
        }
        return { id, state };
    },
    call: () => ({}),
}, "openshift-hard-way", config.stack, false);

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}

/** The cluster, built once; every golden test reads it. */
const built = (async () => {
    // As index.ts hands it over: the pull secret read with the config, made a secret.
    const cluster = new OpenShiftCluster(config.clusterName, config, { pullSecret: pulumi.secret(PULL_SECRET) });
    const nodes = [config.nodes.bootstrap.name, ...config.nodes.masters.map((m) => m.name)];
    const ignition = Object.fromEntries(await Promise.all(nodes.map(async (n) => [n, JSON.parse(await value(cluster.ignition.configs[n])) as IgnitionConfig] as const)));
    await Promise.all([...Object.values(cluster.infra.domainNames), cluster.infra.networkName, cluster.infra.poolName].map(value));
    redactor.literal(await value(cluster.pki.kubeadminPassword), "kubeadmin password", true);
    redactor.literal((await value(cluster.pki.material)).kubeadminHash, "bcrypt hash of the kubeadmin password", true);
    return { ignition, networkName: await value(cluster.infra.networkName) };
})();

/**
 * A node's Ignition config for review: `<node>.json` is the config with each file's and unit's
 * contents swapped for where the decoded text is, and `<node>/<path>` each file's decoded text
 * (units under `<node>/etc/systemd/system/`, where Ignition writes them), every secret a placeholder.
 */
function ignitionGolden(node: string, cfg: IgnitionConfig): Record<string, string> {
    const out: Record<string, string> = {};
    const put = (p: string, text: string) => {
        assert.ok(!(p in out), `${p} twice`);
        out[p] = text;
    };
    const c = structuredClone(cfg);
    for (const f of c.storage?.files ?? []) {
        put(`${node}${f.path}`, redactor.redact(fileBytes(f).toString("utf8"), `${node}:${f.path}`));
        f.contents.source = `«decoded in ${node}${f.path}»`;
    }
    for (const u of c.systemd?.units ?? []) {
        const unitPath = `/etc/systemd/system/${u.name}`;
        if (u.contents !== undefined) {
            put(`${node}${unitPath}`, redactor.redact(u.contents, `${node}:${u.name}`));
            u.contents = `«in ${node}${unitPath}»`;
        }
        for (const d of u.dropins ?? []) {
            put(`${node}${unitPath}.d/${d.name}`, redactor.redact(d.contents, `${node}:${u.name}/${d.name}`));
            d.contents = `«in ${node}${unitPath}.d/${d.name}»`;
        }
    }
    for (const ca of c.ignition.security?.tls?.certificateAuthorities ?? []) {
        ca.source = `«data URL of ${JSON.stringify(redactor.redact(fileBytes({ path: "ca", contents: ca }).toString("utf8"), `${node}: a CA`))}»`;
    }
    put(`${node}.json`, redactor.redact(`${JSON.stringify(c, null, 2)}\n`, `${node}.json`));
    return out;
}

test("the local stack's Ignition configs, decoded, match test/golden/ignition/local", async () => {
    const { ignition } = await built;
    const files: Record<string, string> = {};
    for (const [node, cfg] of Object.entries(ignition)) Object.assign(files, ignitionGolden(node, cfg));
    assert.ok(files["bootstrap/usr/local/bin/bootkube.sh"]?.startsWith("#!/usr/bin/env bash\n"), "bootkube.sh is decoded");
    assert.match(files["bootstrap/etc/kubernetes/kubeconfigs/admin.kubeconfig"],
        /client-key-data: «base64 of "«private key admin-kubeconfig-client»\\n"»/, "a kubeconfig's key is a placeholder naming it");
    assert.match(files["bootstrap/var/lib/kubelet/config.json"], /^«pull secret»$/);
    const problems = compareGolden(ROOT, "test/golden/ignition/local", files, redactor.secrets);
    if (problems.length) assert.fail(goldenFailure(problems));
});

test("the local stack's libvirt resources (inputs under mocks, network and domain XML after their XSLT) match test/golden/libvirt/local", async () => {
    const { networkName } = await built;
    const owner = qemuOwner(config.libvirt.uri, config.libvirt.qemuOwner);
    assert.ok(owner, "this host has no QEMU user for qemu:///system (tools/setup installs libvirt), so the local stack's pool and volumes would keep the provider's modes");
    // QEMU's user and group are this host's (qemu.conf, /etc/passwd): placeholders keep the files the same on every host.
    const hostOwner = (s: string) => s.split(`<owner>${owner.uid}</owner><group>${owner.gid}</group>`).join("<owner>«QEMU's uid»</owner><group>«QEMU's gid»</group>");
    const files: Record<string, string> = {};
    const libvirtResources = registered.filter((r) => r.type.startsWith("libvirt:") || r.type === "pulumi:providers:libvirt");
    for (const r of libvirtResources) {
        const inputs = Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !k.startsWith("__")));
        files[`${r.name}.yaml`] = hostOwner(redactor.redact(YAML.stringify({ type: r.type, name: r.name, inputs }, { lineWidth: 0 }), r.name));
        if (r.type === "libvirt:index/network:Network") files[`${r.name}.xml`] = redactor.redact(xsltproc(inputs.xml.xslt, providerNetworkXml(inputs)), `${r.name}.xml`);
        if (r.type === "libvirt:index/domain:Domain") files[`${r.name}.xml`] = redactor.redact(xsltproc(inputs.xml.xslt, providerDomainXml(inputs, networkName)), `${r.name}.xml`);
    }
    const types = libvirtResources.map((r) => r.type.replace(/^libvirt:index\/\w+:/, ""));
    assert.deepEqual([types.filter((t) => t === "Domain").length, types.filter((t) => t === "Volume").length, types.filter((t) => t === "Network").length, types.filter((t) => t === "Pool").length],
        [4, 1 + 4 + 4, 1, 1], "4 domains; the base volume, 4 disks and 4 Ignition volumes; a network; a pool");
    assert.match(files["othw-network.xml"], /<host mac="[^"]+" name="master-0" ip="192\.168\.126\.101"\/>/);
    assert.match(files["othw-master-0.xml"], /<metadata>\s*<othw:owner [^>]*stack="local" cluster="othw"\/>/);
    assert.match(files["othw-master-0.yaml"], /coreosIgnition: \/var\/lib\/libvirt\/openshift-hard-way\/local\/local_othw_master-0\.ign;«sha256 of assets\/local\/master-0\.ign»/);
    const problems = compareGolden(ROOT, "test/golden/libvirt/local", files, redactor.secrets);
    if (problems.length) assert.fail(goldenFailure(problems));
});

test("no secret can reach a golden file: keys, encoded keys, registry credentials and unknown PEM blocks are refused", () => {
    const key = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
    for (const [what, text] of [
        ["a PEM key", `x\n${key}`],
        ["a kubeconfig's client-key-data", `client-key-data: ${b64(key)}\n`],
        ["a gzip data URL", `"source": "data:;base64,${b64(zlib.gzipSync(key))}"`],
        ["a certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"],
        ["a registry credential", `{"auths":{"r.example":{"auth":"${b64("u:p")}"}}}`],
        ["a registered secret in base64", `x: ${b64("golden-secret-value")}`],
    ] as const) {
        assert.throws(() => assertNoSecret(text, what, ["golden-secret-value"]), /would land in a golden file/, what);
    }
    assert.throws(() => new Redactor().redact(key, "x"), /PRIVATE KEY PEM block that no mock made/);
    // And nothing is written when a file is refused, even when regenerating.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "othw-golden-test-"));
    const before = process.env.UPDATE_GOLDEN;
    process.env.UPDATE_GOLDEN = "1";
    try {
        assert.throws(() => compareGolden(dir, "g", { "a.txt": "fine\n", "b.key": key }), /would land in a golden file/);
        assert.equal(fs.existsSync(path.join(dir, "g")), false);
    } finally {
        if (before === undefined) delete process.env.UPDATE_GOLDEN; else process.env.UPDATE_GOLDEN = before;
    }
    // A registered key is a placeholder, also inside base64.
    const r = new Redactor();
    r.pem(key, "private key k", true);
    assert.equal(r.redact(`client-key-data: ${b64(key)}\n`, "x"), `client-key-data: «base64 of "«private key k»\\n"»\n`);
    fs.rmSync(dir, { recursive: true });
});

test("a difference fails with a unified diff naming the file, and says how to regenerate", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "othw-golden-test-"));
    fs.mkdirSync(path.join(dir, "g"));
    fs.writeFileSync(path.join(dir, "g/bootkube.sh"), "a\nb\nc\n");
    fs.writeFileSync(path.join(dir, "g/stale.txt"), "x\n");
    const before = process.env.UPDATE_GOLDEN;
    delete process.env.UPDATE_GOLDEN;
    try {
        const problems = compareGolden(dir, "g", { "bootkube.sh": "a\nB\nc\n", "new.txt": "y\n" });
        const msg = goldenFailure(problems);
        assert.match(msg, /g\/bootkube\.sh differs from its golden file:\n--- golden\/g\/bootkube\.sh\n\+\+\+ rendered\/g\/bootkube\.sh\n@@ .* @@\n a\n-b\n\+B\n c/);
        assert.match(msg, /g\/new\.txt: rendered, but there is no golden file/);
        assert.match(msg, /g\/stale\.txt: a golden file that nothing renders any more/);
        assert.match(msg, /UPDATE_GOLDEN=1 npm run test:unit/);
        assert.deepEqual(compareGolden(dir, "g", { "bootkube.sh": "a\nb\nc\n", "stale.txt": "x\n" }), []);
    } finally {
        if (before !== undefined) process.env.UPDATE_GOLDEN = before;
        fs.rmSync(dir, { recursive: true });
    }
});
