/** Builders for the Kubernetes objects the operator inputs are made of; plain data, no Pulumi. */

/** A Kubernetes object as plain data. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** A certificate as the renderers get it: PEMs and validity (RFC 3339). */
export interface CertMaterial { cert: string; crtFile: string; key: string; notBefore: string; notAfter: string }

/**
 * The annotations and label library-go's cert rotation reads on a signer or target certificate
 * secret (openshift/library-go pkg/operator/certrotation/signer.go, target.go, annotations.go,
 * release-4.18): without `auth.openshift.io/certificate-not-before`/`-not-after` the operator
 * treats the secret as missing and mints a new certificate.
 */
export interface TlsSecretOptions {
    namespace: string;
    name: string;
    /** CN of the certificate's issuer (for a signer, its own CN). */
    issuer: string;
    owningComponent: string;
    description?: string;
    /** `auth.openshift.io/managed-certificate-type`: `signer` or `target`; omitted for plain copies. */
    certificateType?: "signer" | "target";
    /** `auth.openshift.io/certificate-hostnames` of a serving certificate. */
    hostnames?: string[];
}

/**
 * A `kubernetes.io/tls` Secret (`tls.crt` = the `.crt` file, `tls.key`), annotated as library-go's
 * certrotation writes and reads it.
 * @returns the Secret; it holds a private key, so callers keep it inside secret outputs only.
 */
export function tlsSecret(o: TlsSecretOptions, m: CertMaterial): KubeObject {
    return {
        apiVersion: "v1", kind: "Secret", type: "kubernetes.io/tls",
        metadata: {
            name: o.name, namespace: o.namespace,
            annotations: {
                "auth.openshift.io/certificate-not-before": m.notBefore,
                "auth.openshift.io/certificate-not-after": m.notAfter,
                "auth.openshift.io/certificate-issuer": o.issuer,
                ...(o.hostnames ? { "auth.openshift.io/certificate-hostnames": [...o.hostnames].sort().join(",") } : {}),
                "openshift.io/owning-component": o.owningComponent,
                ...(o.description ? { "openshift.io/description": o.description } : {}),
            },
            ...(o.certificateType ? { labels: { "auth.openshift.io/managed-certificate-type": o.certificateType } } : {}),
        },
        data: { "tls.crt": b64(m.crtFile), "tls.key": b64(m.key) },
    };
}

/** An Opaque Secret from plain-text values (base64-encoded here). */
export function opaqueSecret(namespace: string, name: string, data: Record<string, string>, annotations?: Record<string, string>): KubeObject {
    return {
        apiVersion: "v1", kind: "Secret", type: "Opaque",
        metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
        data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
    };
}

/** A ConfigMap holding a CA bundle under `key` (library-go's `ca-bundle.crt` unless told otherwise). */
export function caBundleConfigMap(namespace: string, name: string, pem: string, opts: {
    owningComponent?: string; description?: string; key?: string; managed?: boolean;
} = {}): KubeObject {
    const annotations = {
        ...(opts.owningComponent ? { "openshift.io/owning-component": opts.owningComponent } : {}),
        ...(opts.description ? { "openshift.io/description": opts.description } : {}),
    };
    return {
        apiVersion: "v1", kind: "ConfigMap",
        metadata: {
            name, namespace,
            ...(Object.keys(annotations).length ? { annotations } : {}),
            ...(opts.managed ? { labels: { "auth.openshift.io/managed-certificate-type": "ca-bundle" } } : {}),
        },
        data: { [opts.key ?? "ca-bundle.crt"]: pem },
    };
}

/** A ClusterRoleBinding of one ClusterRole to one subject. */
export function clusterRoleBinding(name: string, clusterRole: string, subject: { kind: "User" | "Group"; name: string } | { kind: "ServiceAccount"; name: string; namespace: string }): KubeObject {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
        subjects: [subject.kind === "ServiceAccount" ? subject : { apiGroup: "rbac.authorization.k8s.io", ...subject }],
    };
}
