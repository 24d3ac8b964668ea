import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findPrivateKeys } from "./secrets-scan";

/**
 * Golden files: what a test renders, compared byte for byte with files under test/golden/, and
 * rewritten instead when UPDATE_GOLDEN is set (then review `git diff test/golden/`). Every file is
 * put through {@link assertNoSecret} before it is compared or written, so a golden file can never
 * hold a private key or a pull secret's credentials.
 */

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----\n?/g;
const BASE64_RUN = /[A-Za-z0-9+/]{40,}={0,2}/g;

/** The base64 body of a PEM block, without line breaks (JSON-escaped `\n` too): what identifies it. */
function pemBody(body: string): string {
    return body.replace(/\\n|\s/g, "");
}

/** Whether `b` is text a reviewer can read: UTF-8 without control characters other than tab and newlines. */
function isText(b: Buffer): boolean {
    const s = b.toString("utf8");
    return Buffer.from(s, "utf8").equals(b) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(s);
}

/**
 * Replaces the secrets and run-to-run values of rendered text with stable placeholders `«…»`
 * that name them: each PEM block (private key, certificate, CSR, public key) registered with
 * {@link Redactor.pem} by its name, each literal registered with {@link Redactor.literal} (the
 * pull secret, the kubeadmin password and hash, file hashes, the project directory), and each
 * base64 run that decodes to text by `«base64 of "<that text, redacted>"»` (kubeconfigs' `*-data`,
 * Secrets' `data`), so a reviewer reads text, not base64.
 */
export class Redactor {
    private readonly pems = new Map<string, string>();
    private readonly literals = new Map<string, string>();
    /** Every value registered as secret, for {@link assertNoSecret}. */
    readonly secrets: string[] = [];

    /** Registers a PEM text (one or more blocks: only the first counts) under `placeholder`; `secret` for private keys. */
    pem(pem: string, placeholder: string, secret = false): void {
        const m = new RegExp(PEM_BLOCK.source).exec(pem);
        if (!m) throw new Error(`not a PEM block: ${placeholder}`);
        this.pems.set(pemBody(m[2]), placeholder);
        if (secret) this.secrets.push(pem.trim());
    }

    /** Registers a literal value (and its JSON-escaped form) under `placeholder`; `secret` for credentials. */
    literal(value: string, placeholder: string, secret = false): void {
        this.literals.set(value, placeholder);
        const escaped = JSON.stringify(value).slice(1, -1);
        if (escaped !== value) this.literals.set(escaped, placeholder);
        if (secret) this.secrets.push(value);
    }

    /**
     * @param where names the text in errors, e.g. `bootstrap:/usr/local/bin/bootkube.sh`.
     * @throws Error if the text holds a PEM block nobody registered: an unknown key or certificate
     *   would otherwise either leak or make the golden file change every run.
     */
    redact(text: string, where: string, depth = 0): string {
        let out = text.replace(PEM_BLOCK, (all, label: string, body: string) => {
            const name = this.pems.get(pemBody(body));
            if (!name) throw new Error(`${where}: a ${label} PEM block that no mock made; register it with Redactor.pem`);
            return `«${name}»${all.endsWith("\n") ? "\n" : ""}`;
        });
        // Longest first, so a value containing another is replaced as a whole.
        for (const [value, name] of [...this.literals].sort((a, b) => b[0].length - a[0].length)) {
            out = out.split(value).join(`«${name}»`);
        }
        if (depth < 4) {
            out = out.replace(BASE64_RUN, (run) => {
                const bytes = Buffer.from(run, "base64");
                if (bytes.toString("base64") !== run || !isText(bytes)) return run;
                return `«base64 of ${JSON.stringify(this.redact(bytes.toString("utf8"), `${where} > base64`, depth + 1))}»`;
            });
        }
        return out;
    }
}

/**
 * Fails if `text` holds a private key (plain, base64, gzip, data URL, percent- or JSON-encoded:
 * the project's secrets scanner), a PEM block of any kind, a registry `auth` credential, or any
 * of `secrets` (plain or base64).
 * @throws AssertionError-like Error naming `where` and what was found.
 */
export function assertNoSecret(text: string, where: string, secrets: string[] = []): void {
    const keys = findPrivateKeys(text, where);
    if (keys.length) throw new Error(`${where}: a private key (${keys.map((k) => `${k.label} at ${k.path}`).join(", ")}) would land in a golden file`);
    if (/PRIVATE KEY/.test(text)) throw new Error(`${where}: "PRIVATE KEY" would land in a golden file`);
    if (/-----BEGIN /.test(text)) throw new Error(`${where}: a PEM block would land in a golden file (every certificate and key must be a placeholder)`);
    if (/"auth"\s*:\s*"[^"«]/.test(text)) throw new Error(`${where}: a registry credential ("auth") would land in a golden file`);
    for (const s of secrets) {
        for (const form of [s, Buffer.from(s).toString("base64")]) {
            if (form.length >= 8 && text.includes(form)) throw new Error(`${where}: a secret value (${s.slice(0, 12)}…) would land in a golden file`);
        }
    }
}

/** `diff -u` of two texts, at most `max` lines. */
function unifiedDiff(golden: string, rendered: string, label: string, max = 80): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "othw-golden-"));
    try {
        fs.writeFileSync(path.join(dir, "golden"), golden);
        fs.writeFileSync(path.join(dir, "rendered"), rendered);
        const r = spawnSync("diff", ["-u", "--label", `golden/${label}`, "--label", `rendered/${label}`, "golden", "rendered"], { cwd: dir, encoding: "utf8" });
        const lines = r.stdout.split("\n");
        return lines.length > max ? [...lines.slice(0, max), `... (${lines.length - max} more lines)`].join("\n") : r.stdout;
    } finally {
        fs.rmSync(dir, { recursive: true });
    }
}

/** Every file below `dir`, as paths relative to it ('/'-separated), sorted. */
function filesBelow(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => f.split(path.sep).join("/")).sort();
}

/**
 * Compares `files` (path relative to `rel` → text) with the golden files in `<root>/<rel>`
 * (e.g. `test/golden/ignition/local`), each first checked by {@link assertNoSecret}. With
 * UPDATE_GOLDEN set, rewrites that directory to hold exactly `files` instead.
 * @returns one readable message per difference (a `diff -u`, a missing or a stale file); empty
 *   when everything matches.
 * @throws Error from assertNoSecret, before anything is written.
 */
export function compareGolden(root: string, rel: string, files: Record<string, string>, secrets: string[] = []): string[] {
    const dir = path.join(root, rel);
    for (const [f, text] of Object.entries(files)) assertNoSecret(text, `${rel}/${f}`, secrets);
    if (process.env.UPDATE_GOLDEN) {
        for (const f of filesBelow(dir)) if (!(f in files)) fs.rmSync(path.join(dir, f));
        for (const [f, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
            fs.writeFileSync(path.join(dir, f), text);
        }
        return [];
    }
    const problems: string[] = [];
    for (const [f, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
        const file = path.join(dir, f);
        if (!fs.existsSync(file)) problems.push(`${rel}/${f}: rendered, but there is no golden file`);
        else if (fs.readFileSync(file, "utf8") !== text) problems.push(`${rel}/${f} differs from its golden file:\n${unifiedDiff(fs.readFileSync(file, "utf8"), text, `${rel}/${f}`)}`);
    }
    for (const f of filesBelow(dir)) if (!(f in files)) problems.push(`${rel}/${f}: a golden file that nothing renders any more`);
    return problems;
}

/** How a failed golden comparison ends: every difference, then how to accept them. */
export function goldenFailure(problems: string[]): string {
    return `${problems.join("\n\n")}\n\n${problems.length} golden file(s) differ. If the change is deliberate: UPDATE_GOLDEN=1 npm run test:unit, then review git diff test/golden/`;
}

/** Runs xsltproc as the libvirt provider does (`--nomkdir --nonet --nowrite`) over `xml` with `xsl`. */
export function xsltproc(xsl: string, xml: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "othw-xslt-"));
    try {
        fs.writeFileSync(path.join(dir, "t.xsl"), xsl.trim());
        fs.writeFileSync(path.join(dir, "t.xml"), xml);
        const r = spawnSync("xsltproc", ["--nomkdir", "--nonet", "--nowrite", "t.xsl", "t.xml"], { cwd: dir, encoding: "utf8" });
        if (r.status !== 0) throw new Error(`xsltproc failed: ${r.stderr}`);
        return r.stdout;
    } finally {
        fs.rmSync(dir, { recursive: true });
    }
}

const attr = (name: string, v: unknown) => (v === undefined || v === "" ? "" : ` ${name}="${v}"`);

/**
 * The network XML the libvirt provider (dmacvicar/terraform-provider-libvirt v0.7.6,
 * libvirt/network.go resourceLibvirtNetworkCreate, marshalled by libvirt.org/go/libvirtxml)
 * generates from a `libvirt.Network`'s inputs, before its XSLT: its default bridge (`stp="on"`),
 * the forward mode, the domain (`localOnly` from `dns.localOnly`), DNS hosts grouped by IP, the
 * IPv4 address with the DHCP range from the network's .2 to the last address before broadcast,
 * and the dnsmasq options. The provider groups DNS hosts through a Go map, so its order of
 * `<host>` elements varies from run to run; here they come in the order of the inputs.
 * Only the fields this project sets; IPv4 with prefixes up to /30 only.
 */
export function providerNetworkXml(i: Record<string, any>): string {
    const hosts = new Map<string, string[]>();
    for (const h of i.dns?.hosts ?? []) hosts.set(h.ip, [...(hosts.get(h.ip) ?? []), h.hostname]);
    const ips = (i.addresses ?? []).map((cidr: string) => {
        const [net, bits] = cidr.split("/");
        const n = net.split(".").reduce((a, o) => a * 256 + Number(o), 0);
        const size = 2 ** (32 - Number(bits));
        const ip = (x: number) => [24, 16, 8, 0].map((s) => Math.floor(x / 2 ** s) % 256).join(".");
        return [
            `  <ip address="${ip(n + 1)}" family="ipv4" prefix="${bits}">`,
            `    <dhcp>`, `      <range start="${ip(n + 2)}" end="${ip(n + size - 2)}"></range>`, `    </dhcp>`,
            `  </ip>`];
    });
    const options = (i.dnsmasqOptions?.options ?? []).map((o: any) => `    <option value="${o.optionName}${o.optionValue ? `=${o.optionValue}` : ""}"></option>`);
    return [
        `<network>`,
        `  <name>${i.name}</name>`,
        `  <forward${attr("mode", i.mode)}></forward>`,
        `  <bridge${attr("name", i.bridge)} stp="on"></bridge>`,
        ...(i.domain ? [`  <domain name="${i.domain}"${i.dns?.localOnly ? ` localOnly="yes"` : ""}></domain>`] : []),
        `  <dns enable="${i.dns?.enabled ? "yes" : "no"}">`,
        ...[...hosts].flatMap(([ip, names]) => [`    <host ip="${ip}">`, ...names.map((n) => `      <hostname>${n}</hostname>`), `    </host>`]),
        `  </dns>`,
        ...ips.flat(),
        `  <options xmlns="http://libvirt.org/schemas/network/dnsmasq/1.0">`, ...options, `  </options>`,
        `</network>`, "",
    ].join("\n");
}

/**
 * The domain XML the provider (v0.7.6, libvirt/domain_def.go newDomainDef and
 * resource_libvirt_domain.go, libvirt/domain.go setCoreOSIgnition) generates from a
 * `libvirt.Domain`'s inputs, before its XSLT, reduced to what this project sets: type, name,
 * memory (MiB), vCPUs, the CPU mode, the disk by volume key (a dir pool's key is the volume's
 * path), the NIC by network and MAC, the serial console, and Ignition through QEMU's fw_cfg
 * (`-fw_cfg name=opt/com.coreos/config,file=<the Ignition volume's key>`). The provider's
 * defaults this project does not touch (graphics, guest-agent channel, RNG, features) are left out.
 * @param networkName the network the NIC's `networkId` names.
 */
export function providerDomainXml(i: Record<string, any>, networkName: string): string {
    const ignitionKey = String(i.coreosIgnition ?? "").split(";")[0];
    return [
        `<domain type="${i.type}">`,
        `  <name>${i.name}</name>`,
        `  <memory unit="MiB">${i.memory}</memory>`,
        `  <vcpu placement="static">${i.vcpu}</vcpu>`,
        `  <os>`, `    <type>hvm</type>`, `  </os>`,
        `  <cpu${attr("mode", i.cpu?.mode)}></cpu>`,
        `  <devices>`,
        ...(i.disks ?? []).flatMap((d: any) => [`    <disk type="file" device="disk">`, `      <source file="${d.volumeId}"></source>`, `    </disk>`]),
        ...(i.networkInterfaces ?? []).flatMap((n: any) => [`    <interface type="network">`, `      <mac address="${n.mac}"></mac>`, `      <source network="${networkName}"></source>`, `    </interface>`]),
        ...(i.consoles ?? []).flatMap((c: any) => [`    <console type="${c.type}">`, `      <target type="${c.targetType}" port="${c.targetPort}"></target>`, `    </console>`]),
        `  </devices>`,
        ...(ignitionKey ? [`  <commandline xmlns="http://libvirt.org/schemas/domain/qemu/1.0">`, `    <arg value="-fw_cfg"></arg>`,
            `    <arg value="name=opt/com.coreos/config,file=${ignitionKey}"></arg>`, `  </commandline>`] : []),
        `</domain>`, "",
    ].join("\n");
}
