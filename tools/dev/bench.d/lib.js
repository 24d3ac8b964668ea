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

    const keys = `${meta.keyCount || "?"} × ${meta.keyDesc || "RSA"}`;
    const lv = meta.libvirtDesc || "?";
    // [key, label, floor seconds or null, floor description]
    const project = [
        ["up", "pulumi up (from scratch)", sum("engine", "keygenParallel", "libvirtSetup"), "engine + keygen ∥ + libvirt setup"],
        ["preview", "pulumi preview (no change)", med("engine"), "engine"],
        ["previewRefresh", "pulumi preview --refresh (no change)", med("engine"), "engine"],
        ["previewFlag", "pulumi preview (one flag changed)", med("engine"), "engine"],
        ["destroy", "pulumi destroy", med("libvirtTeardown"), "libvirt teardown"],
    ];
    const floors = [
        ["engine", "floor: engine (empty program preview)"],
        ["keygenSerial", `floor: keygen ${keys}, serial`],
        ["keygenParallel", `floor: keygen ${keys}, ${meta.keygenJobs || 2}-way`],
        ["libvirtSetup", `floor: libvirt setup (${lv})`],
        ["libvirtTeardown", "floor: libvirt teardown"],
    ];
    const f1 = (x) => (x === null || x === undefined ? "–" : x < 10 ? x.toFixed(2) : x.toFixed(1));
    const rows = [];
    const json = { runs: Number(meta.runs), stack: meta.stack, figures: [], counts: {}, notes, meta };
    for (const [k, label, floor, floorDesc] of project) {
        const s = st(k);
        const ratio = s && floor ? s.median / floor : null;
        rows.push([label, s ? `${f1(s.median)} s` : "–", s ? `${f1(s.min)}–${f1(s.max)}` : "–", floor ? `${f1(floor)} s` : "–", ratio ? `${ratio.toFixed(2)}×` : "–"]);
        json.figures.push({ key: k, label, unit: "s", ...(s || {}), floor, floorOf: floorDesc, ratio });
    }
    rows.push(null);
    for (const [k, label] of floors) {
        const s = st(k);
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
    out.push(`runs: ${meta.runs}; floors: up = ${project[0][3]} (medians summed); previews = engine; destroy = libvirt teardown.`);
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
