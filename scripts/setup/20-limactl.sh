#!/usr/bin/env bash
# The real limactl and guest agent, built from Lima's Go module at the version pinned in
# scripts/setup/limactl/go.mod, laid out as Lima expects: bin/limactl beside
# share/lima/lima-guestagent.Linux-x86_64.
set -euo pipefail
version=2.2.0
prefix="$NIXLIMA_ROOT/.cache/lima"
limactl="$prefix/bin/limactl"
if [ -x "$limactl" ] && runuser -u nixlima-test -- "$limactl" --version 2>/dev/null | grep -qx "limactl version $version"; then
  exit 0
fi
mkdir -p "$prefix/bin" "$prefix/share/lima"
cd "$NIXLIMA_ROOT/scripts/setup/limactl"
go build -trimpath -ldflags "-X github.com/lima-vm/lima/v2/pkg/version.Version=v$version" -o "$limactl.tmp" github.com/lima-vm/lima/v2/cmd/limactl
CGO_ENABLED=0 go build -trimpath -ldflags "-X github.com/lima-vm/lima/v2/pkg/version.Version=v$version" -o "$prefix/share/lima/lima-guestagent.Linux-x86_64" github.com/lima-vm/lima/v2/cmd/lima-guestagent
mv "$limactl.tmp" "$limactl"
runuser -u nixlima-test -- "$limactl" --version
