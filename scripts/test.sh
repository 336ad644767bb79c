#!/usr/bin/env bash
# Runs every test: sets up the test bed, builds and packages the extension, then runs all
# suites. As root it runs the suites as the unprivileged user nixlima-test (limactl refuses root).
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { echo; echo "== $1"; }
t0=$(date +%s)
stage "setup"; bash scripts/setup.sh
stage "package"; npm run --silent package
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  as_user=(runuser -u nixlima-test --)
fi
stage "tests"
"${as_user[@]}" env HOME=$(if [ "$(id -u)" -eq 0 ]; then echo ~nixlima-test; else echo "$HOME"; fi) \
  node scripts/run-tests.mjs "$@"
echo "== all tests done in $(( $(date +%s) - t0 )) s"
