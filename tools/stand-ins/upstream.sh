# shellcheck shell=bash
# tools/stand-ins/upstream.sh: sourced by tools/setup. Finds the upstream pieces that the
# stand-ins replace (the Pulumi CLI, its Node.js language host, the tls resource plugin) when
# they are already installed at the pinned versions of tools/versions.sh, so that setup uses
# them and builds a stand-in only for the others. Needs go (for `go version -m`), node, and
# PULUMI_VERSION and TLS_PLUGIN_VERSION set.
#
# Each upstream_* function prints one line:
#   upstream <path>        the upstream binary at the pinned version that the CLI will run
#   stand-in <reason>      none found: build the stand-in; the reason says what was found instead
#
# Which binary is whose is read from the Go build information that every Go binary carries
# (`go version -m`): the package it was built from, and the module that package came from.
#   - Upstream is Pulumi's own main package: github.com/pulumi/pulumi/pkg/v3/cmd/pulumi,
#     github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3,
#     github.com/pulumi/pulumi-tls/provider/v5/cmd/pulumi-resource-tls.
#   - Ours (built_by_us) is a binary built from a module of this project
#     (github.com/openshift-hard-way/...), and the CLI built by tools/stand-ins/pulumi. That one is
#     Pulumi's own package, so its build information names pkg/v3 as the module of the command,
#     but at a module version (v3.248.0): pkg/v3 was a dependency of our tools module. Pulumi's
#     releases build the command inside the pulumi repository (its .goreleaser.yml: dir pkg,
#     main ./cmd/pulumi), where pkg/v3 is the main module and has no version: "(devel)".

# The main package of each upstream piece.
UPSTREAM_CLI_PKG=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
UPSTREAM_HOST_PKG=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
UPSTREAM_TLS_PKG=github.com/pulumi/pulumi-tls/provider/v5/cmd/pulumi-resource-tls

# go_buildinfo FILE: the "path" and "mod" lines of FILE's Go build information, tab-separated
# as `go version -m` prints them; nothing when FILE is no Go binary.
go_buildinfo() {
  go version -m "$1" 2>/dev/null | grep -E $'^\t(path|mod)\t' || true
}

# built_by_us FILE: true when FILE is a binary this project built (see above).
built_by_us() {
  local bi
  bi=$(go_buildinfo "$1")
  grep -qE $'^\t(path|mod)\tgithub.com/openshift-hard-way/' <<<"$bi" && return 0
  grep -qE $'^\tmod\tgithub.com/pulumi/pulumi/pkg/v3\tv' <<<"$bi"
}

# built_from FILE PACKAGE: true when FILE was built from the main package PACKAGE.
built_from() {
  grep -qxF $'\tpath\t'"$2" <<<"$(go_buildinfo "$1")"
}

# _pick NAME PACKAGE VERSION VERSION_ARG CANDIDATE...: the first candidate, in the order the
# CLI looks, decides. An upstream build at VERSION is used. A stand-in of ours in
# ~/.pulumi/bin is passed over (setup installed it and removes it when something later wins);
# anything else (another version, another build) would run instead of a later candidate, so
# the search ends there.
_pick() {
  local name=$1 pkg=$2 want=$3 vargs=$4 p v why=""
  shift 4
  for p in "$@"; do
    [ -x "$p" ] || continue
    if built_by_us "$p"; then
      why="${why:+$why; }$p is the stand-in"
      [ "$(dirname "$p")" = "$HOME/.pulumi/bin" ] && continue
      break
    fi
    if ! built_from "$p" "$pkg"; then
      why="${why:+$why; }$p is not built from $pkg"
      break
    fi
    v=$("$p" "$vargs" 2>/dev/null | head -n 1) || v=""
    if [ "${v#v}" != "$want" ]; then
      why="${why:+$why; }$p is upstream ${v:-of an unknown version}, not $want"
      break
    fi
    echo "upstream $p"
    return
  done
  echo "stand-in ${why:-no $name found}"
}

# upstream_cli: the `pulumi` on PATH (tools/env.sh puts ~/.pulumi/bin first), in PATH order.
upstream_cli() {
  local IFS=$'\n'
  # shellcheck disable=SC2046 # one path per line
  _pick pulumi "$UPSTREAM_CLI_PKG" "$PULUMI_VERSION" version $(type -ap pulumi)
}

# upstream_language_host CLI: pulumi-language-nodejs as the CLI at path CLI finds it (Pulumi's
# sdk/go/common/workspace/plugins.go, getPluginInfoAndPath): on PATH first, else next to the CLI
# (where Pulumi's release archive puts it).
upstream_language_host() {
  local IFS=$'\n' cli=${1:-} next onpath=()
  mapfile -t onpath < <(type -ap pulumi-language-nodejs)
  if [ -n "$cli" ]; then
    next="$(dirname "$(readlink -f "$cli")")/pulumi-language-nodejs"
    # the same file as one on PATH is looked at once
    [[ $'\n'"${onpath[*]}"$'\n' == *$'\n'"$next"$'\n'* ]] || onpath+=("$next")
  fi
  _pick pulumi-language-nodejs "$UPSTREAM_HOST_PKG" "$PULUMI_VERSION" -version "${onpath[@]}"
}

# upstream_tls: the resource plugin tls at TLS_PLUGIN_VERSION as `pulumi plugin ls` lists it,
# in the plugin directory (${PULUMI_HOME:-~/.pulumi}/plugins/resource-tls-v<version>). Its
# version is the one the plugin was installed as.
upstream_tls() {
  local listed file
  listed=$(pulumi plugin ls --json 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
      let l = []; try { l = JSON.parse(s) || []; } catch { }
      if (l.some((p) => p.kind === "resource" && p.name === "tls" && p.version === process.argv[1])) console.log("yes");
    })' "$TLS_PLUGIN_VERSION")
  if [ "$listed" != yes ]; then
    echo "stand-in pulumi plugin ls lists no resource tls $TLS_PLUGIN_VERSION"
    return
  fi
  file="${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-tls-v$TLS_PLUGIN_VERSION/pulumi-resource-tls"
  if built_by_us "$file"; then
    echo "stand-in $file is the stand-in"
  elif built_from "$file" "$UPSTREAM_TLS_PKG"; then
    echo "upstream $file"
  else
    echo "stand-in $file is not built from $UPSTREAM_TLS_PKG"
  fi
}

# remove_shadowing_stand_in NAME PATH: when the upstream NAME at PATH is used, a stand-in NAME
# that an earlier setup put into ~/.pulumi/bin would run instead (tools/env.sh puts that
# directory first on PATH): remove it, and say so. Anything else there is left alone.
remove_shadowing_stand_in() {
  local mine="$HOME/.pulumi/bin/$1"
  if [ "$2" != "$mine" ] && [ -e "$mine" ] && built_by_us "$mine"; then
    rm -f "$mine" && echo "  removed the stand-in $mine, which came first on PATH"
  fi
}
