import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { approveCsrStep, bootkubeScript, bootstrapCompleteSteps } from "../../components/ignition/bootkube";
import { clusterManifests } from "../../components/manifests";
import { NODE_BOOTSTRAPPER_USER } from "../../components/pki/catalogue";
import { localConfig } from "../support/config";

const config = localConfig();

test("the approval loop approves exactly the masters' kubelet client and serving CSRs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "approve-"));
    try {
        const csr = (cn: string) => {
            execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "k.pem"),
                "-subj", `/O=system:nodes/CN=${cn}`, "-out", path.join(dir, "r.pem")], { stdio: "ignore" });
            return fs.readFileSync(path.join(dir, "r.pem")).toString("base64");
        };
        const client = "kubernetes.io/kube-apiserver-client-kubelet", serving = "kubernetes.io/kubelet-serving";
        const pending: [string, string, string, string][] = [
            ["csr-master-0-client", client, NODE_BOOTSTRAPPER_USER, csr("system:node:master-0")],
            ["csr-fqdn-client", client, NODE_BOOTSTRAPPER_USER, csr("system:node:master-2.othw.lab.local")],
            ["csr-stranger-client", client, NODE_BOOTSTRAPPER_USER, csr("system:node:stranger")],
            ["csr-wrong-requester", client, "system:serviceaccount:default:default", csr("system:node:master-1")],
            ["csr-master-1-serving", serving, "system:node:master-1.othw.lab.local", csr("system:node:master-1.othw.lab.local")],
            ["csr-bootstrap-serving", serving, "system:node:bootstrap", csr("system:node:bootstrap")],
            ["csr-other-signer", "kubernetes.io/kube-apiserver-client", NODE_BOOTSTRAPPER_USER, csr("system:node:master-0")],
        ];
        // A stand-in for oc: lists the pending CSRs, returns a CSR's request, records approvals.
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        for (const [name, , , req] of pending) fs.writeFileSync(path.join(dir, `${name}.req`), req);
        fs.writeFileSync(path.join(dir, "list"), pending.map(([n, s, u]) => `${n} ${s} ${u}`).join("\n") + "\n");
        fs.writeFileSync(path.join(bin, "oc"), `#!/usr/bin/env bash
case "$*" in
  "get csr -o go-template="*) cat "${dir}/list" ;;
  "get csr "*" -o jsonpath={.spec.request}") cat "${dir}/$3.req" ;;
  "adm certificate approve "*) echo "$4" >>"${dir}/approved" ;;
  *) echo "unexpected: oc $*" >&2; exit 3 ;;
esac
`, { mode: 0o755 });
        // The step's functions without its background loop, then one pass.
        const step = approveCsrStep(config).split("\n").filter((l) => !/^approve_csrs_loop &|^APPROVER_PID|^trap /.test(l)).join("\n");
        const r = spawnSync("bash", ["-c", `set -euo pipefail\nlog() { echo "bootkube: $*"; }\n${step}\napprove_pending_csrs`],
            { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
        assert.equal(r.status, 0, r.stderr);
        const approved = fs.readFileSync(path.join(dir, "approved"), "utf8").trim().split("\n");
        assert.deepEqual(approved, ["csr-master-0-client", "csr-fqdn-client", "csr-master-1-serving"]);
        assert.match(r.stdout, /not approving csr-stranger-client: client certificate for 'system:node:stranger'/);
        assert.match(r.stdout, /not approving csr-bootstrap-serving/);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("the approval loop makes a pass when the CSR watch reports an event, not only when it is renewed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "approve-watch-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "k.pem"),
        "-subj", "/O=system:nodes/CN=system:node:master-0", "-out", path.join(dir, "r.pem")], { stdio: "ignore" });
    fs.writeFileSync(path.join(dir, "csr-1.req"), fs.readFileSync(path.join(dir, "r.pem")).toString("base64"));
    fs.writeFileSync(path.join(dir, "list"), "");
    // oc: the list is empty until the watch reports the new CSR, 1 s in; the watch then stays
    // open (as a real one does) past the test's deadline, so only the event can trigger the pass.
    fs.writeFileSync(path.join(bin, "oc"), `#!/usr/bin/env bash
case "$*" in
  "get csr -o go-template="*) cat "${dir}/list" ;;
  "get csr --watch-only -o name") sleep 1; echo "csr-1 kubernetes.io/kube-apiserver-client-kubelet ${NODE_BOOTSTRAPPER_USER}" >"${dir}/list"
    echo certificatesigningrequest.certificates.k8s.io/csr-1; exec sleep 120 ;;
  "get csr "*" -o jsonpath={.spec.request}") cat "${dir}/$3.req" ;;
  "adm certificate approve "*) echo "$4" >>"${dir}/approved" ;;
  *) echo "unexpected: oc $*" >&2; exit 3 ;;
esac
`, { mode: 0o755 });
    const step = approveCsrStep(config).split("\n").filter((l) => !/^approve_csrs_loop &|^APPROVER_PID|^trap /.test(l)).join("\n");
    const loop = spawn("bash", ["-c", `set -euo pipefail\nlog() { echo "bootkube: $*"; }\n${step}\napprove_csrs_loop`],
        { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, detached: true, stdio: "ignore" });
    try {
        const deadline = Date.now() + 8_000;
        while (!fs.existsSync(path.join(dir, "approved")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.ok(fs.existsSync(path.join(dir, "approved")), "no pass within 8 s of the watch's event (a pass on a timer alone would come later: the watch is renewed every 60 s)");
        assert.equal(fs.readFileSync(path.join(dir, "approved"), "utf8").trim(), "csr-1");
    } finally {
        process.kill(-loop.pid!, "SIGKILL");
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("bootkube.sh signals completion only after the masters serve the API, then waits for the etcd-bootstrap member's removal", () => {
    const m = clusterManifests(config);
    const script = bootkubeScript(config, m["03-infrastructure.yaml"][0], 0, m["05a-featuregate.yaml"][0]);
    const at = (s: string) => { const i = script.indexOf(s); assert.ok(i >= 0, s); return i; };
    assert.ok(at("approve_csrs_loop &") < at("wait_for \"3 Ready masters\""), "the approval loop runs before the wait for the masters");
    assert.ok(at("oc patch infrastructure cluster") < at("oc patch featuregate cluster"));
    assert.ok(at("oc patch featuregate cluster") < at("wait_for \"3 Ready masters\""), "the FeatureGate status is patched before the wait for the masters");
    assert.ok(at("wait_for \"3 Ready masters\"") < at("wait_for \"kube-apiserver on 2 masters\""));
    assert.ok(at("wait_for \"kube-apiserver on 2 masters\"") < at("create configmap bootstrap -n kube-system --from-literal=status=complete"));
    assert.ok(at("--from-literal=status=complete") < at("EtcdBootstrapMemberRemoved"));
    assert.ok(at("EtcdBootstrapMemberRemoved") < at("the bootstrap node may go now"));
    assert.ok(at("the bootstrap node may go now") < at("touch /opt/openshift/.bootkube.done"));
    assert.match(script, /oc patch featuregate cluster --subresource=status --type=merge -p '\{"status":\{"featureGates":\[\{"version":"4\.18\.0"/);
    assert.match(bootstrapCompleteSteps(config), /MASTER_IPS="192\.168\.126\.101 192\.168\.126\.102 192\.168\.126\.103"/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootkube-"));
    fs.writeFileSync(path.join(dir, "b.sh"), script);
    const r = spawnSync("bash", ["-n", path.join(dir, "b.sh")], { encoding: "utf8" });
    fs.rmSync(dir, { recursive: true });
    assert.equal(r.status, 0, r.stderr);
});

const HAVE_SHELLCHECK = spawnSync("shellcheck", ["--version"]).status === 0;
test("bootkube.sh passes shellcheck at every severity", { skip: !HAVE_SHELLCHECK && "shellcheck is not installed (apt-get install shellcheck)" }, () => {
    const m = clusterManifests(config);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootkube-"));
    fs.writeFileSync(path.join(dir, "b.sh"), bootkubeScript(config, m["03-infrastructure.yaml"][0], 85, m["05a-featuregate.yaml"][0]));
    const lint = spawnSync("shellcheck", [path.join(dir, "b.sh")], { encoding: "utf8" });
    fs.rmSync(dir, { recursive: true });
    assert.equal(lint.status, 0, lint.stdout);
});
