#!/usr/bin/env bash
# Debian packages the tests use for real: QEMU, OpenSSH client and server, rsync, nix.
set -euo pipefail
source "$NIXLIMA_ROOT/scripts/setup/lib.sh"
packages=(qemu-system-x86 qemu-utils openssh-client openssh-server rsync nix-bin unzip)
ensure_packages "${packages[@]}"
