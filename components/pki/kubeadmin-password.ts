import * as crypto from "node:crypto";
import bcrypt from "bcryptjs";

/** The alphabet of openshift-install's kubeadmin password (pkg/asset/password/password.go): no l, no O, no 0/1. */
const PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHIJKLMNPQRSTUVWXYZ23456789";

/**
 * The kubeadmin password and its bcrypt hash, derived from a secret seed: 20 characters of
 * openshift-install's alphabet in four groups of five joined by `-` (23 characters, as
 * pkg/asset/password/password.go). Deterministic in the seed (the bcrypt salt comes from it too),
 * so a preview shows no change until the seed is replaced.
 * @param seed secret bytes (e.g. a generated private key's PEM).
 */
export function kubeadminPassword(seed: string): { password: string; hash: string } {
    const stream = (label: string, n: number): Buffer => {
        const out: Buffer[] = [];
        for (let i = 0; Buffer.concat(out).length < n; i++) out.push(crypto.createHmac("sha256", seed).update(`${label}/${i}`).digest());
        return Buffer.concat(out);
    };
    const chars: string[] = [];
    // Rejection sampling keeps every character equally likely (232 = 4 × 58).
    for (const byte of stream("kubeadmin-password", 256)) {
        if (byte < 232 && chars.length < 20) chars.push(PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length]);
    }
    if (chars.length < 20) throw new Error("kubeadmin password: the seed stream ran short");
    const password = [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join("")).join("-");
    const salt = `$2b$10$${bcrypt.encodeBase64(stream("kubeadmin-bcrypt-salt", 16).subarray(0, 16), 16)}`;
    return { password, hash: bcrypt.hashSync(password, salt) };
}
