import type { ClusterConfig } from "../config";
import { OWNER_XML_NAMESPACE } from "../config/derived";

/**
 * The owner mark of this stack's libvirt objects: an element in the `<metadata>` of the domains
 * and the network (libvirt formatdomain.html "General metadata": applications keep their own
 * elements there, one namespace each). tools/recover deletes an object only when it carries the
 * mark of the stack and cluster it recovers. Stack names ([A-Za-z0-9.-], Pulumi's) and cluster
 * names (DNS labels) need no XML escaping.
 */
export function ownerMark(c: ClusterConfig): string {
    return `<othw:owner xmlns:othw="${OWNER_XML_NAMESPACE}" stack="${c.stack}" cluster="${c.clusterName}"/>`;
}

/** XSLT templates that add {@link ownerMark} to the `<metadata>` of the document element `root`, making one if there is none. */
export function ownerMarkTemplates(c: ClusterConfig, root: "network" | "domain"): string[] {
    return [
        `  <xsl:template match="/${root}[not(metadata)]">`,
        `    <xsl:copy><xsl:apply-templates select="@*|node()"/><metadata>${ownerMark(c)}</metadata></xsl:copy>`,
        `  </xsl:template>`,
        `  <xsl:template match="/${root}/metadata">`,
        `    <xsl:copy><xsl:apply-templates select="@*|node()"/>${ownerMark(c)}</xsl:copy>`,
        `  </xsl:template>`,
    ];
}

const XSLT_HEAD = [
    `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">`,
    `  <xsl:output method="xml" indent="yes"/>`,
    `  <xsl:template match="@*|node()">`,
    `    <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>`,
    `  </xsl:template>`,
];

/** An XSLT 1.0 stylesheet over a domain's XML, as the provider generates it: the same, plus the owner mark. */
export function domainXslt(c: ClusterConfig): string {
    return [...XSLT_HEAD, ...ownerMarkTemplates(c, "domain"), `</xsl:stylesheet>`].join("\n");
}

/** `<permissions>` with `mode` and, when known, QEMU's user and group. */
function permissionsXml(mode: string, owner: { uid: number; gid: number } | undefined): string {
    return `<permissions><mode>${mode}</mode>${owner ? `<owner>${owner.uid}</owner><group>${owner.gid}</group>` : ""}</permissions>`;
}

/**
 * An XSLT 1.0 stylesheet that sets the `<target><permissions>` of a pool's or volume's XML (libvirt
 * formatstorage.html "Target elements": mode, owner, group of the directory or file libvirt
 * creates), replacing the provider's (it writes mode 644 for every volume).
 */
export function permissionsXslt(root: "pool" | "volume", mode: string, owner: { uid: number; gid: number } | undefined): string {
    return [...XSLT_HEAD,
        `  <xsl:template match="/${root}/target/permissions">${permissionsXml(mode, owner)}</xsl:template>`,
        `  <xsl:template match="/${root}/target[not(permissions)]">`,
        `    <xsl:copy><xsl:apply-templates select="@*|node()"/>${permissionsXml(mode, owner)}</xsl:copy>`,
        `  </xsl:template>`,
        `</xsl:stylesheet>`].join("\n");
}
