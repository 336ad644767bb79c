#!/usr/bin/env bash
# The real coding-agent CLIs the dispatch tests drive, from npm at pinned exact versions, into
# .cache/agents (not project dependencies: only the tests use them, and only their native
# linux-x64 binaries, which the tests copy into the Debian test guest). Each package brings its
# binary as an optional dependency for this platform. Does nothing when the stamp says these
# exact versions are installed and each binary runs.
set -euo pipefail
source "$NIXLIMA_ROOT/scripts/setup/lib.sh"

packages=("@anthropic-ai/claude-code@2.1.332" "@openai/codex@0.171.0" "opencode-ai@1.18.33")
dest="$NIXLIMA_ROOT/.cache/agents"
want="${packages[*]}"

binaries_run() {
  runuser -u nixlima-test -- "$1/node_modules/@anthropic-ai/claude-code-linux-x64/claude" --version >/dev/null &&
    runuser -u nixlima-test -- "$1/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex" --version >/dev/null &&
    runuser -u nixlima-test -- "$1/node_modules/opencode-linux-x64/bin/opencode" --version >/dev/null
}

if [ "$(cat "$dest/.installed" 2>/dev/null)" = "$want" ] && binaries_run "$dest" 2>/dev/null; then
  exit 0
fi
# Installed beside the old set and swapped in only once it runs: tests running meanwhile (the
# folder is shared by every worktree) keep the old binaries until the swap, two renames in a row
# (a binary already running is not disturbed by them).
next="$dest.next"
rm -rf "$next" "$dest.old"
mkdir -p "$next"
# --no-save: no package.json is written; --ignore-scripts: the binaries come as optional
# dependencies already, so no install script has to fetch or move anything.
npm install --prefix "$next" --no-save --ignore-scripts --no-audit --no-fund --loglevel=error "${packages[@]}"
chmod -R a+rX "$next"
binaries_run "$next"
echo "$want" >"$next/.installed"
[ ! -e "$dest" ] || mv "$dest" "$dest.old"
mv "$next" "$dest"
rm -rf "$dest.old"
