// bootkube.sh's MCO bootstrap step, run for real with `podman` replaced by a recording stand-in.
//
// The step runs in a private mount namespace with overlays over /etc and /opt, so everything it
// writes lands in this test's upper directories (and the host's /etc and /opt stay untouched).
// The stand-in records each call, checks that every /assets/... path it is given exists in the
// volume it is given, and writes what `machine-config-operator bootstrap` writes (file names as
// machine-config-operator pkg/operator/bootstrap.go, release-4.18). Needs root (mount namespace).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ClusterConfig } from "../../components/config";
import { MCO_INPUT_MANIFESTS, mcoBootstrapStep } from "../../components/ignition/mco-bootstrap";
import { clusterManifests, pullSecretManifest, toYaml } from "../../components/manifests";
import { BOOTSTRAP_SECRETS_DIR, CLUSTER_MANIFESTS_DIR, KUBECONFIGS_DIR } from "../../components/node-paths";
import { localConfig } from "../support/config";

const STAND_IN = `#!/bin/bash
# stand-in for podman: records its arguments, checks the render's inputs, writes its outputs
set -euo pipefail
(IFS=$'\\x1f'; echo "$*") >> "$CALLS"
[ "\${PODMAN_FAIL:-}" = 1 ] && { echo "Error: stand-in podman failing on purpose" >&2; exit 125; }
args=("$@")
if [[ " $* " == *" --entrypoint cat "* ]]; then
  echo '{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","spec":{"tags":[]}}'
  exit 0
fi
vol=; for a in "$@"; do case "$a" in *:/assets:z) vol=\${a%:/assets:z} ;; esac; done
[ -n "$vol" ] || { echo "stand-in: no /assets volume" >&2; exit 2; }
for a in "\${args[@]}"; do
  case "$a" in --*=/assets/*) p=\${a#*=/assets/}; [ "\${a%%=*}" = --dest-dir ] && continue
    [ -e "$vol/$p" ] || { echo "stand-in: \${a%%=*} names /assets/$p, which is not in the volume" >&2; exit 3; } ;; esac
done
d="$vol/mco-bootstrap"
mkdir -p "$d/bootstrap/manifests" "$d/manifests"
for f in machineconfigcontroller-controllerconfig.yaml master.machineconfigpool.yaml worker.machineconfigpool.yaml machineconfigcontroller-pull-secret; do
  echo "# rendered $f" > "$d/bootstrap/manifests/$f"
done
echo "kind: Pod # bootstrap-machine-config-operator" > "$d/bootstrap/machineconfigoperator-bootstrap-pod.yaml"
echo "# rendered" > "$d/manifests/csr-bootstrap-role-binding.yaml"
`;

interface Run { status: number | null; out: string; calls: string[][]; etc: string; opt: string }

/** A work directory with the bootstrap node's inputs in the overlays' upper directories. */
function workDir(c: ClusterConfig): string {
    const w = fs.mkdtempSync(path.join(os.tmpdir(), "mco-step-"));
    for (const d of ["etc-upper", "etc-work", "opt-upper", "opt-work", "bin"]) fs.mkdirSync(path.join(w, d));
    const etc = (p: string) => path.join(w, "etc-upper", p.replace(/^\/etc\//, ""));
    const opt = (p: string) => path.join(w, "opt-upper", p.replace(/^\/opt\//, ""));
    const put = (file: string, text: string, mode = 0o644) => { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, text, { mode }); };
    for (const f of ["root-ca.crt", "kube-apiserver-complete-client-ca-bundle.crt", "machine-config-server.crt"]) put(etc(`${BOOTSTRAP_SECRETS_DIR}/${f}`), `stand-in ${f}\n`);
    put(etc(`${BOOTSTRAP_SECRETS_DIR}/machine-config-server.key`), "stand-in key\n", 0o600);
    put(etc(`${KUBECONFIGS_DIR}/kubelet-bootstrap.kubeconfig`), "stand-in kubelet bootstrap kubeconfig\n", 0o600);
    for (const [f, objs] of Object.entries(clusterManifests(c))) put(opt(`${CLUSTER_MANIFESTS_DIR}/${f}`), toYaml(objs));
    put(opt(`${CLUSTER_MANIFESTS_DIR}/06-pull-secret.yaml`), toYaml([pullSecretManifest('{"auths":{}}')]), 0o600);
    fs.writeFileSync(path.join(w, "bin", "podman"), STAND_IN, { mode: 0o755 });
    return w;
}

/** Runs the step (`mco_bootstrap`) in a private mount namespace over the work directory's overlays. */
function runStep(c: ClusterConfig, w: string, env: Record<string, string> = {}): Run {
    const script = path.join(w, "step.sh");
    fs.writeFileSync(script, `set -euo pipefail\nlog() { echo "bootkube: $*"; }\n${mcoBootstrapStep(c)}\nmco_bootstrap\n`);
    const calls = path.join(w, "calls");
    fs.rmSync(calls, { force: true });
    const ns = [
        `mount -t overlay overlay -o lowerdir=/etc,upperdir=${w}/etc-upper,workdir=${w}/etc-work /etc`,
        `mount -t overlay overlay -o lowerdir=/opt,upperdir=${w}/opt-upper,workdir=${w}/opt-work /opt`,
        `exec bash ${script}`,
    ].join(" && ");
    const r = spawnSync("unshare", ["--mount", "--propagation", "private", "sh", "-ec", ns], {
        encoding: "utf8", env: { ...process.env, PATH: `${w}/bin:${process.env.PATH}`, CALLS: calls, ...env },
    });
    const recorded = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").split("\n").filter(Boolean).map((l) => l.split("\x1f")) : [];
    return { status: r.status, out: `${r.stdout}${r.stderr}`, calls: recorded, etc: path.join(w, "etc-upper"), opt: path.join(w, "opt-upper") };
}

/**
 * openshift-install's invocation (openshift/installer data/data/bootstrap/files/usr/local/bin/
 * bootkube.sh.template, release-4.18, stage mco-bootstrap), with its file names mapped to this
 * project's: its cluster-config.yaml and pull-secret file, the infrastructure, network, proxy
 * and DNS manifests it leaves to the flags' defaults (named here because ours have other
 * names), and its `assets/image-references` as the absolute path it resolves to.
 */
function installersRender(c: ClusterConfig): string[] {
    const m = (k: keyof typeof MCO_INPUT_MANIFESTS) => `/assets/manifests/${MCO_INPUT_MANIFESTS[k]}`;
    return ["run", "--quiet", "--net=host", "--rm", "--name", "mco-render", "--user", "0", "--volume", "/opt/openshift:/assets:z",
        c.release.images.machineConfigOperator, "bootstrap",
        "--root-ca=/assets/tls/root-ca.crt", "--kube-ca=/assets/tls/kube-apiserver-complete-client-ca-bundle.crt",
        `--config-file=${m("config-file")}`, `--infra-config-file=${m("infra-config-file")}`, `--network-config-file=${m("network-config-file")}`,
        `--proxy-config-file=${m("proxy-config-file")}`, `--dns-config-file=${m("dns-config-file")}`, `--pull-secret=${m("pull-secret")}`,
        "--dest-dir=/assets/mco-bootstrap", `--release-image=${c.release.image}`, "--image-references=/assets/image-references",
        `--payload-version=${c.release.version}`];
}

const c = localConfig();

test("the MCO bootstrap step passes shellcheck", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mco-sc-"));
    const f = path.join(dir, "step.sh");
    fs.writeFileSync(f, `#!/usr/bin/env bash\nlog() { echo "$*"; }\n${mcoBootstrapStep(c)}\nmco_bootstrap\n`);
    const r = spawnSync("shellcheck", ["-s", "bash", f], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout);
    fs.rmSync(dir, { recursive: true });
});

test("the MCO bootstrap step runs podman as openshift-install does and lays out the machine-config-server", () => {
    const w = workDir(c);
    try {
        const r = runStep(c, w);
        assert.equal(r.status, 0, r.out);
        assert.equal(r.calls.length, 2, JSON.stringify(r.calls));
        // The release's image-references, read from the release image by digest, without network.
        assert.deepEqual(r.calls[0], ["run", "--quiet", "--net=none", "--rm", "--entrypoint", "cat", c.release.image, "/release-manifests/image-references"]);
        assert.deepEqual(r.calls[1], installersRender(c));
        for (const img of [r.calls[0][6], r.calls[1][10]]) assert.match(img, /@sha256:[0-9a-f]{64}$/);
        assert.match(fs.readFileSync(path.join(r.opt, "openshift/image-references"), "utf8"), /"kind":"ImageStream"/);
        // /etc/mcc/bootstrap: the render's pools, ControllerConfig and pull secret, and every cluster manifest.
        const mcc = fs.readdirSync(path.join(r.etc, "mcc/bootstrap"));
        for (const f of ["machineconfigcontroller-controllerconfig.yaml", "master.machineconfigpool.yaml", "machineconfigcontroller-pull-secret",
            ...Object.keys(clusterManifests(c)), "06-pull-secret.yaml"]) assert.ok(mcc.includes(f), `/etc/mcc/bootstrap/${f}`);
        assert.equal(fs.statSync(path.join(r.etc, "mcc/bootstrap/06-pull-secret.yaml")).mode & 0o777, 0o600, "the pull secret stays 0600");
        // The server's kubeconfig and TLS.
        const mode = (p: string) => fs.statSync(path.join(r.etc, p)).mode & 0o777;
        assert.equal(fs.readFileSync(path.join(r.etc, "mcs/kubeconfig"), "utf8"), "stand-in kubelet bootstrap kubeconfig\n");
        assert.equal(mode("mcs/kubeconfig"), 0o600);
        assert.equal(fs.readFileSync(path.join(r.etc, "ssl/mcs/tls.crt"), "utf8"), "stand-in machine-config-server.crt\n");
        assert.equal(mode("ssl/mcs/tls.key"), 0o600);
        assert.ok(fs.statSync(path.join(r.etc, "mcs/bootstrap")).isDirectory());
        // The static pod, and the done-marker.
        assert.match(fs.readFileSync(path.join(r.etc, "kubernetes/manifests/machineconfigoperator-bootstrap-pod.yaml"), "utf8"), /bootstrap-machine-config-operator/);
        assert.ok(fs.existsSync(path.join(r.opt, "openshift/mco-bootstrap.done")));
        // The render's own manifests stay out of the cluster manifests (ours hold the same objects).
        assert.equal(fs.existsSync(path.join(r.opt, "openshift/manifests/csr-bootstrap-role-binding.yaml")), false);

        // Idempotent: a second run (systemd restarting bootkube.sh) renders nothing again.
        const again = runStep(c, w);
        assert.equal(again.status, 0, again.out);
        assert.equal(again.calls.length, 0);
        assert.match(again.out, /mco-bootstrap: already done/);
    } finally {
        fs.rmSync(w, { recursive: true, force: true });
    }
});

test("the MCO bootstrap step shows a failing podman's error, fails, and leaves no done-marker or pod", () => {
    const w = workDir(c);
    try {
        const r = runStep(c, w, { PODMAN_FAIL: "1" });
        assert.notEqual(r.status, 0);
        assert.match(r.out, /Error: stand-in podman failing on purpose/);
        assert.match(r.out, /mco-bootstrap: could not read \/release-manifests\/image-references/);
        assert.equal(fs.existsSync(path.join(r.opt, "openshift/mco-bootstrap.done")), false);
        assert.equal(fs.existsSync(path.join(r.etc, "kubernetes/manifests/machineconfigoperator-bootstrap-pod.yaml")), false);
        // A render that misses an input fails the same way, naming it.
        fs.rmSync(path.join(w, "opt-upper/openshift/manifests/05f-proxy.yaml"));
        const missing = runStep(c, w);
        assert.notEqual(missing.status, 0);
        assert.match(missing.out, /--proxy-config-file names \/assets\/manifests\/05f-proxy.yaml, which is not in the volume/);
        assert.match(missing.out, /machine-config-operator bootstrap failed/);
        assert.equal(fs.existsSync(path.join(missing.opt, "openshift/mco-bootstrap.done")), false);
    } finally {
        fs.rmSync(w, { recursive: true, force: true });
    }
});
