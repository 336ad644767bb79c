#!/usr/bin/env bash
# The real limactl and guest agent 2.2.0, built from Lima's Go module pinned in
# scripts/setup/limactl/go.mod, into .cache/lima.
set -euo pipefail
source "$NIXLIMA_ROOT/scripts/setup/lib.sh"
build_limactl 2.2.0 limactl lima github.com/lima-vm/lima/v2
