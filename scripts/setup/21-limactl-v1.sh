#!/usr/bin/env bash
# An older real limactl (1.2.1, before `limactl autostart`), built the same way as 2.2.0 from
# Lima's Go module pinned in scripts/setup/limactl-v1/go.mod, into .cache/lima-v1: the Start at
# Login test runs `limactl start-at-login` against it. (`go install …@v1.2.1` cannot be used: the
# Go proxy refuses the module's version list, which go install reads for deprecations.)
set -euo pipefail
source "$NIXLIMA_ROOT/scripts/setup/lib.sh"
build_limactl 1.2.1 limactl-v1 lima-v1 github.com/lima-vm/lima
