import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as zlib from "node:zlib";
import { findPrivateKeys } from "../support/secrets-scan";

// The scanner the secrets-scan integration test runs over state, outputs, logs, the asset
// directory, the pool directory and the libvirt volumes: it must find a key however it is wrapped.
const key = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

test("finds a private key in plain text, base64, gzip, data URLs, percent-encoding and JSON strings, nested", () => {
    const cases: [string, string | Buffer][] = [
        ["plain", `x\n${key}\ny`],
        ["kubeconfig client-key-data", `users:\n- user:\n    client-key-data: ${b64(rsa)}\n`],
        ["Ignition file, gzip in a base64 data URL, in JSON", JSON.stringify({ storage: { files: [{ contents: { compression: "gzip", source: `data:;base64,${b64(zlib.gzipSync(key))}` } }] } })],
        ["Ignition file, percent-encoded data URL", JSON.stringify({ contents: { source: `data:,${encodeURIComponent(rsa)}` } })],
        ["JSON-escaped PEM", JSON.stringify({ k: key }).replace(/-/g, "\\u002d")],
        ["base64 of a JSON holding base64 (a volume of an Ignition config's kubeconfig)", b64(JSON.stringify({ source: `data:;base64,${b64(`client-key-data: ${b64(rsa)}`)}` }))],
        ["gzip file", zlib.gzipSync(Buffer.from(`a kubeconfig\nclient-key-data: ${b64(key)}\n`))],
        ["URL-safe base64", b64(rsa).replace(/\+/g, "-").replace(/\//g, "_")],
    ];
    for (const [what, data] of cases) assert.ok(findPrivateKeys(data, what).length > 0, `found in: ${what}`);
    assert.match(findPrivateKeys(cases[2][1], "ign")[0].path, /data-url > gunzip/);
});

test("finds nothing where there is no private key: certificates, public keys, encrypted state", () => {
    const pub = crypto.createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
    const noKeys: string[] = [
        pub, b64(pub), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        JSON.stringify({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: b64(crypto.randomBytes(300)) }),
        `data:;base64,${b64(zlib.gzipSync("plain text"))}`,
    ];
    for (const s of noKeys) assert.deepEqual(findPrivateKeys(s, "x"), [], s.slice(0, 40));
});
