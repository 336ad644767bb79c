#!/usr/bin/env bash
# An older real limactl (1.2.1, before `limactl autostart`), built the same way as 2.2.0 from
# Lima's Go module pinned in scripts/setup/limactl-v1/go.mod, into .cache/lima-v1: the Start at
# Login test runs `limactl start-at-login` against it. (`go install …@v1.2.1` cannot be used: the
# Go proxy refuses the module's version list, which go install reads for deprecations.)
set -euo pipefail
version=1.2.1
prefix="$NIXLIMA_ROOT/.cache/lima-v1"
limactl="$prefix/bin/limactl"
if [ -x "$limactl" ] && runuser -u nixlima-test -- "$limactl" --version 2>/dev/null | grep -qx "limactl version $version"; then
  exit 0
fi
mkdir -p "$prefix/bin" "$prefix/share/lima"
cd "$NIXLIMA_ROOT/scripts/setup/limactl-v1"
ldflags="-X github.com/lima-vm/lima/pkg/version.Version=v$version"
nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$limactl.tmp" github.com/lima-vm/lima/cmd/limactl
CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$prefix/share/lima/lima-guestagent.Linux-x86_64" github.com/lima-vm/lima/cmd/lima-guestagent
mv "$limactl.tmp" "$limactl"
runuser -u nixlima-test -- "$limactl" --version
