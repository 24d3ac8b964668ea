import type { BundleName, KeyPairName } from "./catalogue";

// The PKI as the other stages get it: plain values, no Pulumi.

/** A file for a node: its text and mode. */
export interface NodeFileContent { content: string; mode: number }
/** Node name → absolute path on the node → file. */
export type NodeFileMap = Record<string, Record<string, NodeFileContent>>;

/** The PKI as plain values, for the renderers of the operator inputs; secret as a whole. */
export interface PkiMaterial {
    /** Signer and leaf name → certificate (alone), key, validity (RFC 3339) and the `.crt` file's text. */
    certs: Record<string, { cert: string; crtFile: string; key: string; notBefore: string; notAfter: string }>;
    /** Bundle name → concatenated PEM. */
    bundles: Record<BundleName, string>;
    /** Key pair name → private key (PKCS#1 PEM) and public key (PKIX PEM). */
    keyPairs: Record<KeyPairName, { key: string; pub: string }>;
    /** The bcrypt hash of the kubeadmin password. */
    kubeadminHash: string;
}
