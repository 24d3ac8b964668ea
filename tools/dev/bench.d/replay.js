// The benchmark's SDK floor (tools/dev/bench): a Pulumi program that registers exactly the
// resources of a stack's state (same types, names, parents, providers, inputs, dependencies and
// options), with every input a plain value read from a `pulumi stack export --show-secrets` file,
// so none of the project's rendering runs. Its no-change preview is what the Node.js SDK and the
// engine cost for that resource graph alone.
//
//   require(".../replay.js")(exportFile)   from the program's index.ts; exports the stack's outputs.
//
// The export file holds secrets in plain text: the bench keeps it in its private work directory.
const fs = require("node:fs");
const pulumi = require("@pulumi/pulumi");

// A secret in an export: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: "<JSON>" }
// (pulumi/pulumi sdk/go/common/resource/sig, the secret signature).
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** An export's property value as a program input: secrets back to pulumi.secret(value). */
function value(v) {
    if (Array.isArray(v)) return v.map(value);
    if (v && typeof v === "object") {
        if (v[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return pulumi.secret(value(JSON.parse(v.plaintext)));
        return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "__defaults").map(([k, x]) => [k, value(x)]));
    }
    return v;
}

/** name and type of a URN (urn:pulumi:stack::project::parent$...$type::name). */
function parse(urn) {
    const parts = urn.split("::");
    const types = parts[2].split("$");
    return { type: types[types.length - 1], name: parts.slice(3).join("::") };
}

module.exports = function replay(exportFile) {
    const { deployment } = JSON.parse(fs.readFileSync(exportFile, "utf8"));
    const byUrn = new Map();
    let stackOutputs = {};
    for (const r of deployment.resources) {
        const { type, name } = parse(r.urn);
        if (type === "pulumi:pulumi:Stack") { stackOutputs = r.outputs ?? {}; continue; }
        const opts = {};
        if (r.parent && byUrn.has(r.parent)) opts.parent = byUrn.get(r.parent);
        if (r.dependencies?.length) opts.dependsOn = r.dependencies.filter((u) => byUrn.has(u)).map((u) => byUrn.get(u));
        for (const k of ["ignoreChanges", "replaceOnChanges", "additionalSecretOutputs", "protect", "deleteBeforeReplace", "retainOnDelete"]) {
            if (r[k] !== undefined) opts[k] = r[k];
        }
        if (type.startsWith("pulumi:providers:")) {
            // The engine makes default providers itself; a program registers only explicit ones.
            if (name.startsWith("default")) continue;
            const { version, __internal, ...inputs } = r.inputs ?? {};
            byUrn.set(r.urn, new pulumi.ProviderResource(type.slice("pulumi:providers:".length), name, value(inputs), { ...opts, version }));
            continue;
        }
        if (!r.custom) {
            const c = new pulumi.ComponentResource(type, name, {}, opts);
            c.registerOutputs(value(r.outputs ?? {}));
            byUrn.set(r.urn, c);
            continue;
        }
        // The provider: an explicit one by its resource, a default one by its version (default_5_6_1).
        const providerUrn = r.provider.slice(0, r.provider.lastIndexOf("::"));
        const provider = parse(providerUrn).name;
        if (byUrn.has(providerUrn)) opts.provider = byUrn.get(providerUrn);
        else opts.version = provider.replace(/^default_?/, "").replace(/_/g, ".") || undefined;
        byUrn.set(r.urn, new pulumi.CustomResource(type, name, value(r.inputs ?? {}), opts));
    }
    return Object.fromEntries(Object.entries(stackOutputs).map(([k, v]) => [k, value(v)]));
};
