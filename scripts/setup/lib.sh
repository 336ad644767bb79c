# Shared by the set-up steps (sourced, not run).

# Installs the Debian packages that are not installed yet; does nothing (no apt-get update,
# no network) when all are there, so a second set-up run takes seconds.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Builds the real limactl and its Linux guest agent from Lima's Go module, pinned in the go.mod
# of scripts/setup/GO_MOD_DIR, laid out as Lima expects (bin/limactl beside
# share/lima/lima-guestagent.Linux-x86_64) under .cache/PREFIX_DIR. Does nothing when the
# limactl there already reports VERSION.
# Usage: build_limactl VERSION GO_MOD_DIR PREFIX_DIR GO_PACKAGE_ROOT
#   GO_PACKAGE_ROOT: github.com/lima-vm/lima/v2 for 2.x, github.com/lima-vm/lima before.
build_limactl() {
  local version=$1 module_dir=$2 prefix="$NIXLIMA_ROOT/.cache/$3" package_root=$4
  local limactl="$prefix/bin/limactl"
  if [ -x "$limactl" ] && runuser -u nixlima-test -- "$limactl" --version 2>/dev/null | grep -qx "limactl version $version"; then
    return 0
  fi
  mkdir -p "$prefix/bin" "$prefix/share/lima"
  local ldflags="-X $package_root/pkg/version.Version=v$version"
  (
    cd "$NIXLIMA_ROOT/scripts/setup/$module_dir"
    nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$limactl.tmp" "$package_root/cmd/limactl"
    CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "$ldflags" \
      -o "$prefix/share/lima/lima-guestagent.Linux-x86_64" "$package_root/cmd/lima-guestagent"
  )
  mv "$limactl.tmp" "$limactl"
  runuser -u nixlima-test -- "$limactl" --version
}
