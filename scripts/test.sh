#!/usr/bin/env bash
# Runs every test: typechecks and lints first (they fail in seconds), sets up the test bed, builds
# and packages the extension, then runs all suites (as the unprivileged user nixlima-test when
# run as root: limactl refuses root).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
stage() { echo; echo "== $1 ($(( $(date +%s) - t0 )) s)"; }
stage "typecheck and lint"
npm run --silent typecheck
npm run --silent lint
stage "setup"
bash scripts/setup.sh
stage "package"
npm run --silent package
stage "tests"
bash scripts/as-test-user.sh node scripts/run-tests.mjs "$@"
stage "all tests done"
