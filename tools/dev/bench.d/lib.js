// tools/dev/bench.d/lib.js: the node half of tools/dev/bench (plain JavaScript, no dependencies, so it
// needs neither tsc nor jq). Two commands:
//   node lib.js state FILE            summary of a `pulumi stack export` file, one fact a line:
//                                       resources <n>
//                                       key <algorithm> <rsaBits>          (each tls PrivateKey)
//                                       libvirt <kind> <id>                (network|pool|volume|domain,
//                                                                           in state order = creation order)
//   node lib.js report DIR [JSON]     reads DIR/samples.tsv (`<key>\t<seconds>`, one a sample) and
//                                     DIR/meta.tsv (`<key>\t<value>`, `note` may repeat), prints
//                                     the table on stdout and writes it as JSON to JSON if given.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

function state(file) {
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    const resources = (doc.deployment && doc.deployment.resources) || [];
    const out = [`resources ${resources.length}`];
    const kinds = {
        "libvirt:index/network:Network": "network",
        "libvirt:index/pool:Pool": "pool",
        "libvirt:index/volume:Volume": "volume",
        "libvirt:index/domain:Domain": "domain",
    };
    for (const r of resources) {
        if (r.type === "tls:index/privateKey:PrivateKey") {
            const inp = r.inputs || {};
            out.push(`key ${inp.algorithm || "RSA"} ${inp.rsaBits || 2048}`);
        } else if (kinds[r.type] && r.id) {
            out.push(`libvirt ${kinds[r.type]} ${r.id}`);
        }
    }
    process.stdout.write(out.join("\n") + "\n");
}

function readTsv(file) {
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => {
        const i = l.indexOf("\t");
        return [l.slice(0, i), l.slice(i + 1)];
    });
}

function stats(xs) {
    if (xs.length === 0) return null;
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return { median: m, min: s[0], max: s[s.length - 1], samples: xs };
}

function report(dir, jsonFile) {
    const samples = {};
    for (const [k, v] of readTsv(path.join(dir, "samples.tsv"))) (samples[k] = samples[k] || []).push(Number(v));
    const meta = {};
    const notes = [];
    for (const [k, v] of readTsv(path.join(dir, "meta.tsv"))) {
        if (k === "note") notes.push(v); else meta[k] = v;
    }
    const st = (k) => stats(samples[k] || []);
    const med = (k) => (st(k) ? st(k).median : null);
    const sum = (...ks) => (ks.every((k) => med(k) !== null) ? ks.reduce((a, k) => a + med(k), 0) : null);
    const overlap = med("engine") !== null && med("keygenParallel") !== null && med("libvirtSetup") !== null
        ? med("engine") + Math.max(med("keygenParallel"), med("libvirtSetup")) : null;
    const plus = (a, b) => (a !== null && b !== null ? a + b : null);

    const keys = `${meta.keyCount || "?"} × ${meta.keyDesc || "RSA"}`;
    const lv = meta.libvirtDesc || "?";
    // [key, label, floor seconds or null, floor description]
    const crds = meta.crdDesc ? ` (${meta.crdDesc})` : "";
    const img = meta.imageBytes ? `${(Number(meta.imageBytes) / 2 ** 30).toFixed(2)} GiB qcow2, incompressible` : "1 GiB qcow2";
    const project = [
        ["up", "pulumi up (from scratch)", sum("engine", "keygenParallel", "libvirtSetup"), "engine + keygen ∥ + libvirt setup"],
        ["up", "pulumi up, against the overlap floor", overlap, "engine + max(keygen ∥, libvirt setup)"],
        ["up", "pulumi up, against the critical-path floor", sum("engine", "keygenParallel", "libvirtDomains"), "engine + keygen ∥ + libvirt domains"],
        ["preview", "pulumi preview (no change)", med("engine"), "engine"],
        ["preview", "pulumi preview (no change), against the SDK floor", med("replay"), "the same resources replayed"],
        ["replay", "SDK floor: the stack's resources replayed, no rendering", med("engine"), "engine"],
        ["previewRefresh", "pulumi preview --refresh (no change)", med("engine"), "engine"],
        ["previewFlag", "pulumi preview (one flag changed)", med("engine"), "engine"],
        ["destroy", "pulumi destroy", med("libvirtTeardown"), "libvirt teardown"],
        ["upCrds", `pulumi up, crdsDir set${crds}`, med("up"), "pulumi up without crdsDir"],
        ["previewCrds", "pulumi preview (no change), crdsDir set", plus(med("preview"), med("crdHash")), "preview without crdsDir + hashing the CRDs"],
        ["previewCrds", "pulumi preview (no change), crdsDir set, against its SDK floor", med("replayCrds"), "the same resources replayed"],
        ["replayCrds", "SDK floor with crdsDir set, against the SDK floor without", med("replay"), "SDK floor without crdsDir"],
        ["rehearse", "tools/rehearse (warm), crdsDir set", null, "target: 60 s"],
        ["imageUp", `pulumi up, pool + base volume from the image (${img})`, null, ""],
        ["imageBlankUp", "pulumi up, pool + blank base volume of that size", null, ""],
        ["imageUpload", "base volume upload (the difference)", med("imageCp"), "cp"],
        ["imageUpload", "base volume upload, against cp + fsync", med("imageCpSync"), "cp + fsync"],
        ["imageUpload", "base volume upload, against virsh", med("imageVirsh"), "virsh vol-create-as + vol-upload"],
        ["coldSetup", "tools/setup --no-up, cold (toolchain, SDK, npm, Kubernetes binaries)", null, ""],
        ["coldToolchain", "  of which the Pulumi toolchain", null, ""],
        ["coldKube", "  of which the Kubernetes binaries", null, ""],
    ];
    const floors = [
        ["engine", "floor: engine (empty program preview)"],
        ["keygenSerial", `floor: keygen ${keys}, serial`],
        ["keygenParallel", `floor: keygen ${keys}, ${meta.keygenJobs || 2}-way`],
        ["libvirtSetup", `floor: libvirt setup (${lv})`],
        ["libvirtDomains", "floor: libvirt setup, of which the domains (define + start)"],
        ["libvirtTeardown", "floor: libvirt teardown"],
        ["crdHash", "floor: sha256 of the CRD files"],
        ["replay", "floor: SDK (preview of the stack's resources replayed from state)"],
        ["replayCrds", "floor: SDK, crdsDir set"],
        ["imageCp", "floor: cp of the image into a pool directory (page cache)"],
        ["imageCpSync", "floor: cp + fsync of the image"],
        ["imageVirsh", "floor: virsh vol-create-as + vol-upload of the image"],
    ];
    const f1 = (x) => (x === null || x === undefined ? "–" : x < 10 ? x.toFixed(2) : x.toFixed(1));
    const rows = [];
    const json = { runs: Number(meta.runs), stack: meta.stack, figures: [], counts: {}, notes, meta };
    for (const [k, label, floor, floorDesc] of project) {
        const s = st(k);
        if (!s && /^(cold|image|rehearse|upCrds|previewCrds|replayCrds)/.test(k)) continue; // a part not run
        if (floor === null && /SDK floor/.test(floorDesc + label)) continue;
        const ratio = s && floor ? s.median / floor : null;
        const floorCell = floor ? `${f1(floor)} s` : floorDesc.startsWith("target") ? floorDesc : "–";
        rows.push([label, s ? `${f1(s.median)} s` : "–", s ? `${f1(s.min)}–${f1(s.max)}` : "–", floorCell, ratio ? `${ratio.toFixed(2)}×` : "–"]);
        json.figures.push({ key: k, label, unit: "s", ...(s || {}), floor, floorOf: floorDesc, ratio });
    }
    rows.push(null);
    for (const [k, label] of floors) {
        const s = st(k);
        if (!s && /^(crd|image|replayCrds)/.test(k)) continue;
        rows.push([label, s ? `${f1(s.median)} s` : "–", s ? `${f1(s.min)}–${f1(s.max)}` : "not measured", "", ""]);
        json.figures.push({ key: k, label, unit: "s", ...(s || { median: null }), floor: null, ratio: null });
    }
    rows.push(null);
    const counts = [
        ["resources", "resources in state", ""],
        ["exportBytes", "state size: pulumi stack export", " B"],
        ["stateFileBytes", "state size: file in .pulumi-state", " B"],
    ];
    for (const [k, label, unit] of counts) {
        const v = meta[k] !== undefined ? Number(meta[k]) : null;
        json.counts[k] = v;
        rows.push([label, v === null ? "–" : `${v}${unit}`, "", "", ""]);
    }
    const head = ["figure", "median", "min–max", "floor", "ratio"];
    const all = [head, ...rows.filter(Boolean)];
    const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
    const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : i === 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("   ").trimEnd();
    const out = [line(head)];
    for (const r of rows) out.push(r ? line(r) : "");
    out.push("");
    out.push(`runs: ${meta.runs}; floors: up = ${project[0][3]} (medians summed), ${project[1][3]}, or ${project[2][3]}; previews = engine (taken in each run just before the project's); destroy = libvirt teardown;`);
    out.push("crdsDir rows = the same without crdsDir (+ hashing the CRDs); upload = up with the image − up with a blank volume, against cp / cp + fsync / virsh.");
    out.push("SDK floor = the no-change preview of a program registering the stack's own resources with the inputs its state records (bench.d/replay.js): the SDK and engine for this graph, none of our rendering.");
    if (meta.imageProviderUpload) out.push(`the provider's own log: StorageVolUpload took ${Number(meta.imageProviderUpload).toFixed(2)} s (one --debug run).`);
    if (meta.rehearseSlowest) out.push(`rehearsal, slowest rungs of the last run: ${meta.rehearseSlowest}.`);
    if (meta.libvirtPlugin) out.push(`libvirt plugin: ${meta.libvirtPlugin}.`);
    out.push(`load average at the start: ${meta.loadavg || "?"} (${meta.nproc || "?"} cores).`);
    for (const n of notes) out.push(`note: ${n}`);
    process.stdout.write(out.join("\n") + "\n");
    if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(json, null, 2) + "\n");
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "state") state(args[0]);
else if (cmd === "report") report(args[0], args[1]);
else {
    process.stderr.write("usage: node lib.js state FILE | report DIR [JSON]\n");
    process.exit(2);
}
