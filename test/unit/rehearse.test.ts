import { test } from "node:test";
import * as assert from "node:assert/strict";
import { firstError } from "../../tools/rehearse.d/main";
import { mapEntrypoint, REHEARSE_BIN, runnableContainers, StaticPod } from "../../tools/rehearse.d/pods";
import { bootstrapManifests } from "../../components/static-pods/nodes";
import { localConfig } from "../support/config";
import { sandboxScript } from "../../tools/rehearse.d/sandbox";

test("the rehearsal maps each image's entry point to a local binary, and says why it cannot run the rest", () => {
    const c = (command?: string[], args?: string[]) => ({ name: "c", image: "quay.io/x@sha256:00", command, args });
    assert.deepEqual(mapEntrypoint(c(["hyperkube", "kube-apiserver", "--v=2"])), { argv: [`${REHEARSE_BIN}/kube-apiserver`, "--v=2"] });
    assert.deepEqual(mapEntrypoint(c(["/usr/bin/kube-proxy"], ["--v=2"])), { argv: [`${REHEARSE_BIN}/kube-proxy`, "--v=2"] });
    assert.deepEqual(mapEntrypoint(c(["/usr/bin/etcd", "--data-dir=/var/lib/etcd"])), { argv: ["/usr/bin/etcd", "--data-dir=/var/lib/etcd"] });
    const cvo = mapEntrypoint(c(undefined, ["start"]));
    assert.ok("skip" in cvo && /entry point \(quay\.io\/x@sha256:00\)/.test(cvo.skip));
    assert.ok("skip" in mapEntrypoint(c(["/usr/bin/machine-config-operator"])));
});

test("of the controller-manager pod only the cluster-policy-controller is left out, named; of the CVO pod everything", () => {
    const files = bootstrapManifests(localConfig()) as unknown as Record<string, StaticPod[]>;
    const kcm = runnableContainers(files["/etc/kubernetes/manifests/kube-controller-manager-bootstrap.yaml"][0]);
    assert.deepEqual(kcm.run.map((r) => r.container.name), ["kube-controller-manager"]);
    assert.equal(kcm.run[0].argv[0], `${REHEARSE_BIN}/kube-controller-manager`);
    assert.equal(kcm.notRun.length, 1);
    assert.match(kcm.notRun[0], /^container cluster-policy-controller: its binary cluster-policy-controller comes from the release image/);
    const cvo = runnableContainers(files["/etc/kubernetes/manifests/cvo-bootstrap.yaml"][0]);
    assert.deepEqual(cvo.run, []);
    assert.match(cvo.notRun[0], /^container cluster-version-operator: /);
    for (const f of ["etcd-bootstrap", "kube-apiserver-bootstrap", "kube-scheduler-bootstrap"]) {
        assert.deepEqual(runnableContainers(files[`/etc/kubernetes/manifests/${f}.yaml`][0]).notRun, [], f);
    }
});

test("a failure is told by its first error line, or by the last one for why a process exited", () => {
    const log = "I1201 started\nE1201 12:00:00 first problem\nI1201 more\nF1201 12:00:01 fatal reason\n";
    assert.equal(firstError(log), "E1201 12:00:00 first problem");
    assert.equal(firstError(log, true), "F1201 12:00:01 fatal reason");
    assert.equal(firstError("bootkube: waiting\nbootkube: cluster manifests: not yet: /x/05-dns.yaml: bad\n"), "bootkube: cluster manifests: not yet: /x/05-dns.yaml: bad");
    assert.equal(firstError("just output\nlast line\n"), "last line");
});

test("a sandbox mounts what it is given read-only where asked, in its own root, and execs the argv unquoted by the shell", () => {
    const s = sandboxScript({
        name: "p", netns: "ns", hostname: "node.example", root: "/tmp/r", etc: "own", etcFiles: { hosts: "1.2.3.4 api's\n" },
        binds: [{ src: "/tmp", dst: "/etc/kubernetes/secrets", ro: true }], env: { A: "b c" }, argv: [], log: "/tmp/l",
    });
    assert.match(s, /^hostname 'node\.example'$/m);
    assert.match(s, /mount --bind '\/usr' '\/tmp\/r\/usr'\nmount -o remount,bind,ro '\/tmp\/r\/usr'/);
    assert.match(s, /mount --bind '\/tmp' '\/tmp\/r\/etc\/kubernetes\/secrets'\nmount -o remount,bind,ro '\/tmp\/r\/etc\/kubernetes\/secrets'/);
    assert.match(s, /mount -o remount,bind,ro sys/, "/sys is read-only: no host kernel parameter can change");
    assert.match(s, /printf '%s' '1\.2\.3\.4 api'\\''s\n' > '\/tmp\/r\/etc\/hosts'/);
    assert.match(s, /exec chroot '\/tmp\/r' \/usr\/bin\/env -i -C '\/' 'PATH=[^']+' 'HOME=\/root' 'A=b c' "\$@"$/);
});
