import * as zlib from "node:zlib";

/** One private key found: where (the chain of decodings that led to it) and which PEM label. */
export interface Finding { path: string; label: string }

const PEM = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----/g;
const BASE64_RUN = /[A-Za-z0-9+/_-]{40,}={0,2}/g;
const DATA_URL = /data:([a-zA-Z0-9.+/-]*)(;[a-zA-Z0-9=.+-]+)*?(;base64)?,([A-Za-z0-9%+/=._~!$&'()*,;:@-]*)/g;
const PERCENT = /(?:%[0-9A-Fa-f]{2}[^%\s"']{0,20}){4,}/;

/**
 * Looks for private keys in `data`, decoding recursively what can hide one: base64 (standard and
 * URL-safe, e.g. a kubeconfig's `client-key-data`), gzip (Ignition's compressed files), data URLs
 * (Ignition's `contents.source`, base64 or percent-encoded), percent-encoding, and JSON string
 * escapes (`\n`, `\u002d`). Depth-limited (6 decodings), so it ends on any input.
 * @param where a name for the input, e.g. a file path; findings extend it with the decodings.
 * @returns every private-key PEM header found, with the decoding chain.
 */
export function findPrivateKeys(data: Buffer | string, where: string, depth = 0): Finding[] {
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const out: Finding[] = [];
    if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
        try {
            return depth < 6 ? findPrivateKeys(zlib.gunzipSync(buf), `${where} > gunzip`, depth + 1) : [];
        } catch {
            return [];
        }
    }
    const text = buf.toString("latin1");
    for (const m of text.matchAll(PEM)) out.push({ path: where, label: m[1] });
    if (depth >= 6) return out;
    // JSON escapes: a PEM inside a JSON string reads "-----BEGIN ...\n" or with \u escapes.
    if (/\\u00[0-9a-fA-F]{2}|\\n/.test(text)) {
        const unescaped = text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16))).replace(/\\n/g, "\n").replace(/\\\//g, "/");
        if (unescaped !== text) out.push(...findPrivateKeys(Buffer.from(unescaped, "latin1"), `${where} > json-unescape`, depth + 1));
    }
    for (const m of text.matchAll(DATA_URL)) {
        const payload = m[4];
        let decoded: Buffer;
        try {
            decoded = m[3] ? Buffer.from(decodeURIComponent(payload), "base64") : Buffer.from(decodeURIComponent(payload), "latin1");
        } catch {
            continue;
        }
        out.push(...findPrivateKeys(decoded, `${where} > data-url`, depth + 1));
    }
    if (PERCENT.test(text)) {
        try {
            const d = decodeURIComponent(text.replace(/\+/g, " "));
            if (d !== text) out.push(...findPrivateKeys(Buffer.from(d, "latin1"), `${where} > percent-decode`, depth + 1));
        } catch {
            // not percent-encoded as a whole; the data URLs above were decoded on their own
        }
    }
    for (const m of text.matchAll(BASE64_RUN)) {
        const s = m[0];
        const decoded = Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
        // Only what looks like text or gzip is worth decoding further.
        if (decoded.length < 24) continue;
        const gz = decoded[0] === 0x1f && decoded[1] === 0x8b;
        const printable = decoded.subarray(0, 64).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
        if (gz || printable) out.push(...findPrivateKeys(decoded, `${where} > base64`, depth + 1));
    }
    return out;
}
