#!/usr/bin/env bash
# The real QEMU guest the end-to-end tests boot with the real limactl: a small Debian bookworm
# (cloud-init, sshd, sudo, kernel) made with debootstrap, as a qcow2 disk holding one ext4
# filesystem plus the kernel and initrd beside it (Lima boots them directly: no boot loader).
# Output: .cache/guest/<content hash>/{disk.qcow2,vmlinuz,initrd.img,manifest.json}. The hash
# covers this script, scripts/setup/guest/ and nixlima's guest scripts copied into the image
# (nix/modules/lima-init.sh, lima-guestagent.sh), so a second run with nothing changed is
# instant; test/support/testVm.ts computes the same hash to find the image.
# The same image boots three ways, chosen by the kernel command line: with cloud-init (the
# default), with nixlima's own init (`cloud-init=disabled nixlima.init=lima-init`: the units in
# scripts/setup/guest/lima-init/ run the NixOS module's scripts), or with a FAKE of the published
# nixos-lima image's init (`nixlima.init=fake-nixos-lima`, scripts/setup/guest/fake-nixos-lima/);
# see test/support/testVm.ts.
set -euo pipefail
cd "$NIXLIMA_ROOT"
source scripts/setup/lib.sh

suite=bookworm
mirror=http://deb.debian.org/debian
root_label=nixlima-root
fs_size=2G
kernel_cmdline="root=LABEL=$root_label rw console=ttyS0 quiet net.ifnames=0 mitigations=off"

guest_scripts=(nix/modules/lima-init.sh nix/modules/lima-guestagent.sh)
hash=$(find scripts/setup/30-guest-image.sh scripts/setup/guest "${guest_scripts[@]}" -type f -print0 |
  LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
cache="$NIXLIMA_ROOT/.cache/guest"
out="$cache/$hash"
if [ -f "$out/manifest.json" ]; then
  echo "guest image: up to date ($out)"
  exit 0
fi

ensure_packages debootstrap

started=$(date +%s)
mkdir -p "$cache/debs"
# The guest root is assembled in RAM: dpkg's many fsyncs make a disk-backed debootstrap minutes slower.
work=$(mktemp -d "$cache/build.XXXXXX")
mount -t tmpfs -o size=4G,mode=0755 nixlima-guest-build "$work"
rootfs="$work/rootfs"
cleanup() {
  # A failed debootstrap can leave /proc etc. mounted inside the root: unmount before removing.
  for m in proc sys dev/pts dev; do umount -l "$rootfs/$m" 2>/dev/null || true; done
  umount -l "$work" 2>/dev/null || true
  rmdir "$work" 2>/dev/null || true
}
trap cleanup EXIT

packages=$(grep -v '^\s*#' scripts/setup/guest/packages.txt | grep -v '^\s*$' | paste -sd, -)
echo "guest image: debootstrap $suite ..."
if ! debootstrap --variant=minbase --include="$packages" --cache-dir="$cache/debs" \
  "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -n 40 "$work/debootstrap.log" >&2
  [ -f "$rootfs/debootstrap/debootstrap.log" ] && tail -n 40 "$rootfs/debootstrap/debootstrap.log" >&2
  echo "guest image: debootstrap failed (log above)" >&2
  exit 1
fi
echo "guest image: debootstrap done in $(($(date +%s) - started)) s"

cp scripts/setup/guest/configure-rootfs.sh "$rootfs/tmp/configure-rootfs.sh"
install -d "$rootfs/usr/lib/nixlima"
install -m 644 "${guest_scripts[@]}" scripts/setup/guest/lima-init/nixos-paths.conf "$rootfs/usr/lib/nixlima/"
install -m 644 scripts/setup/guest/lima-init/*.service scripts/setup/guest/lima-init/*.mount "$rootfs/usr/lib/systemd/system/"
install -m 644 scripts/setup/guest/fake-nixos-lima/*.sh "$rootfs/usr/lib/nixlima/"
install -m 644 scripts/setup/guest/fake-nixos-lima/*.service "$rootfs/usr/lib/systemd/system/"
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" /bin/sh /tmp/configure-rootfs.sh "$root_label" >"$work/configure.log" 2>&1 || {
  tail -n 40 "$work/configure.log" >&2
  echo "guest image: configuring the guest root failed (log above)" >&2
  exit 1
}
umount "$rootfs/proc"
rm -f "$rootfs/tmp/configure-rootfs.sh"

mkdir -p "$work/out"
cp "$(readlink -f "$rootfs/vmlinuz")" "$work/out/vmlinuz"
cp "$(readlink -f "$rootfs/initrd.img")" "$work/out/initrd.img"
# Booted directly by QEMU, so the guest's /boot copies only cost space.
rm -f "$rootfs"/boot/vmlinuz-* "$rootfs"/boot/initrd.img-* "$rootfs"/vmlinuz* "$rootfs"/initrd.img*

mkfs.ext4 -q -L "$root_label" -d "$rootfs" "$work/root.ext4" "$fs_size" >/dev/null
qemu-img convert -f raw -O qcow2 "$work/root.ext4" "$work/out/disk.qcow2"

cat >"$work/out/manifest.json" <<EOF
{
  "suite": "$suite",
  "disk": "disk.qcow2",
  "kernel": "vmlinuz",
  "initrd": "initrd.img",
  "kernelCmdline": "$kernel_cmdline",
  "builtAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "buildSeconds": $(($(date +%s) - started))
}
EOF
chmod 755 "$work/out"
chmod 644 "$work/out"/*
rm -rf "$out" "$out.tmp"
cp -r "$work/out" "$out.tmp"
mv "$out.tmp" "$out"
# The six newest images are kept (plus the .deb cache that makes rebuilds fast): checkouts
# whose guest inputs differ (other branches on the same machine, several at once) may still be
# using older ones.
find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name debs ! -name 'build.*' ! -name '*.tmp' -printf '%T@ %p\n' |
  sort -rn | tail -n +7 | cut -d' ' -f2- | xargs -r -d '\n' rm -rf
chmod 755 "$cache"
echo "guest image: built in $(($(date +%s) - started)) s: $(du -sh --apparent-size "$out/disk.qcow2" | cut -f1) disk," \
  "$(du -sh "$out/vmlinuz" | cut -f1) kernel, $(du -sh "$out/initrd.img" | cut -f1) initrd ($out)"
