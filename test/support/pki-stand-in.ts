import type { ClusterConfig } from "../../components/config";
import type { PkiMaterial } from "../../components/pki";
import { KEY_PAIR_NAMES, pkiCatalogue } from "../../components/pki/catalogue";

/** A stand-in PKI whose every PEM names itself, so each object's content can be traced to its source. */
export function standInPki(c: ClusterConfig): PkiMaterial {
    const cat = pkiCatalogue(c);
    const certs: PkiMaterial["certs"] = {};
    for (const n of [...cat.signers.map((s) => s.name), ...cat.leaves.map((l) => l.name)]) {
        certs[n] = { cert: `CERT(${n})\n`, crtFile: `CRT(${n})\n`, key: `KEY(${n})\n`, notBefore: "2026-12-01T20:00:00Z", notAfter: "2036-11-29T20:00:00Z" };
    }
    const bundles = Object.fromEntries(cat.bundles.map((b) => [b.name, b.signers.map((s) => `CERT(${s})\n`).join("")])) as PkiMaterial["bundles"];
    const keyPairs = Object.fromEntries(KEY_PAIR_NAMES.map((k) => [k, { key: `KEY(${k})\n`, pub: `PUB(${k})\n` }])) as PkiMaterial["keyPairs"];
    return { certs, bundles, keyPairs, kubeadminHash: "$2b$10$stand-in" };
}
