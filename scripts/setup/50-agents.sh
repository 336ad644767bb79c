#!/usr/bin/env bash
# The real coding-agent CLIs the dispatch tests drive, from npm at pinned exact versions, into
# .cache/agents (not project dependencies: only the tests use them, and only their native
# linux-x64 binaries, which the tests copy into the Debian test guest). Each package brings its
# binary as an optional dependency for this platform. Does nothing when the stamp says these
# exact versions are installed and each binary runs.
set -euo pipefail
source "$NIXLIMA_ROOT/scripts/setup/lib.sh"

packages=("@anthropic-ai/claude-code@2.1.332" "@openai/codex@0.171.0")
dest="$NIXLIMA_ROOT/.cache/agents"
want="${packages[*]}"

binaries_run() {
  runuser -u nixlima-test -- "$dest/node_modules/@anthropic-ai/claude-code-linux-x64/claude" --version >/dev/null &&
    runuser -u nixlima-test -- "$dest/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex" --version >/dev/null
}

if [ "$(cat "$dest/.installed" 2>/dev/null)" = "$want" ] && binaries_run 2>/dev/null; then
  exit 0
fi
rm -rf "$dest"
mkdir -p "$dest"
# --no-save: no package.json is written; --ignore-scripts: the binaries come as optional
# dependencies already, so no install script has to fetch or move anything.
npm install --prefix "$dest" --no-save --ignore-scripts --no-audit --no-fund --loglevel=error "${packages[@]}"
chmod -R a+rX "$dest"
binaries_run
echo "$want" >"$dest/.installed"
