import type { ClusterConfig } from "../config";
import { derived } from "../config/derived";
import { ownerMarkTemplates } from "./xslt";

/**
 * The DNS records the cluster network serves (README "What the `local` stack does"): every
 * node's FQDN; `api` and `api-int` round-robin over the bootstrap node (while it exists) and the
 * masters, as openshift-install's libvirt platform did instead of a load balancer; `etcd-N` per
 * master. `*.apps` is a dnsmasq `address=` option (see {@link appsDnsmasqOptions}).
 * @returns `{ ip, hostname }` pairs, the form of the libvirt network's `dns.hosts`.
 */
export function dnsHosts(c: ClusterConfig): { ip: string; hostname: string }[] {
    const d = derived(c).clusterDomain;
    const nodes = [...(c.bootstrap ? [c.nodes.bootstrap] : []), ...c.nodes.masters];
    return [
        ...nodes.map((n) => ({ ip: n.ip, hostname: `${n.name}.${d}` })),
        ...nodes.flatMap((n) => [{ ip: n.ip, hostname: `api.${d}` }, { ip: n.ip, hostname: `api-int.${d}` }]),
        ...c.nodes.masters.map((m, i) => ({ ip: m.ip, hostname: `etcd-${i}.${d}` })),
    ];
}

/** dnsmasq options answering every name under `apps.<cluster domain>` with the masters (where the routers run). */
export function appsDnsmasqOptions(c: ClusterConfig): { optionName: string; optionValue: string }[] {
    return c.nodes.masters.map((m) => ({ optionName: "address", optionValue: `/apps.${derived(c).clusterDomain}/${m.ip}` }));
}

/**
 * The network's DHCP reservations, MAC → IP → name, one per master: what a master's initramfs
 * gets its address and name from when it brings the network up to fetch its pointer config from
 * the machine-config-server (openshift-install's libvirt platform reserved them through each
 * domain's `network_interface.addresses`).
 *
 * The bootstrap node has none, so `bootstrap: false` changes nothing in the network and the
 * pivot leaves no reservation behind: it needs no DHCP at any stage. Its Ignition config comes
 * through fw_cfg and has no remote resource, so its initramfs never brings the network up
 * (Ignition's fetch-offline stage), and the booted system takes the static address of its
 * NetworkManager keyfile, the name of its /etc/hostname, and its DNS records from
 * {@link dnsHosts}, which the provider updates live. (The other way, a reservation added and
 * removed with a live `virsh net-update`, needs a resource that runs it: the provider's domain
 * adds one but never removes it.)
 *
 * They are written into the network's definition as libvirt's own
 * `<ip><dhcp><host mac=… name=… ip=…/>` elements, by an XSLT stylesheet over the XML the provider
 * generates (provider v0.7.6 has no field for them; it runs `xsltproc`). Reserving through the
 * domains instead costs one `virsh net-update` per domain, each of which restarts the network's
 * dnsmasq and holds libvirtd's network lock while the other domains wait to start: ~2 s of every
 * `pulumi up` (measured by tools/dev/bench).
 * @returns an XSLT 1.0 stylesheet: the provider's network XML, unchanged, plus the `<host>` elements
 *   in its IPv4 `<dhcp>` element. The values come validated from the config (MAC, IPv4 address,
 *   DNS label), so none needs XML escaping.
 */
export function dhcpReservationsXslt(c: ClusterConfig): string {
    const hosts = c.nodes.masters
        .map((n) => `        <host mac="${n.mac}" name="${n.name}" ip="${n.ip}"/>`);
    return [
        `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">`,
        `  <xsl:output method="xml" indent="yes"/>`,
        `  <xsl:template match="@*|node()">`,
        `    <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>`,
        `  </xsl:template>`,
        `  <xsl:template match="/network/ip[not(@family) or @family='ipv4']/dhcp">`,
        `    <xsl:copy>`,
        `      <xsl:apply-templates select="@*|node()"/>`,
        ...hosts,
        `    </xsl:copy>`,
        `  </xsl:template>`,
        ...ownerMarkTemplates(c, "network"),
        `</xsl:stylesheet>`,
    ].join("\n");
}
