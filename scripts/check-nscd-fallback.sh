#!/usr/bin/env bash
# Shows on this (Debian) host what nix/modules/agent-nscd.nix relies on in a NixOS guest: a user
# with an empty ACL entry on nscd's runtime folder cannot reach /run/nscd/socket, and glibc then
# resolves with its own dns module, sending that user's own packets (which the egress filter
# sees), instead of asking nscd. Needs root (a second uid, a mount namespace); runs Debian's nscd
# and setfacl from their packages, unpacked into a temporary folder, never installed. nscd runs
# in a private mount namespace with its own /run and a resolv.conf naming 127.0.0.1, so the
# host's name service is untouched and no query leaves the machine; it is stopped at the end.
# Usage: scripts/check-nscd-fallback.sh [USER]   (USER: the one denied, default nixlima-test)
set -euo pipefail

if [ "${1:-}" = --inside ]; then
  # In the private mount namespace: $2 the unpacked packages, $3 open|denied, $4 the user.
  root=$2 mode=$3 uid=$(id -u "$4")
  mount -t tmpfs tmpfs /run
  printf 'nameserver 127.0.0.1\n' >"$root/resolv.conf"
  mount --bind "$root/resolv.conf" /etc/resolv.conf
  mkdir -m 0755 /run/nscd
  # As the module does: the folder is closed to the user before nscd makes its socket.
  if [ "$mode" = denied ]; then "$root/bin/setfacl" --modify "user:$uid:---" /run/nscd; fi
  printf 'enable-cache hosts yes\npersistent hosts no\nshared hosts no\n' >"$root/nscd.conf"
  "$root/usr/sbin/nscd" -f "$root/nscd.conf" -F &
  nscd=$!
  for _ in $(seq 50); do [ -S /run/nscd/socket ] && break; sleep 0.1; done
  setpriv --reuid="$uid" --regid="$uid" --init-groups \
    strace -f -e trace=connect getent ahosts probe.invalid 2>&1 | grep -E '^(\[pid +[0-9]+\] )?connect\(' || true
  kill "$nscd"
  wait "$nscd" 2>/dev/null || true
  exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "Run this as root: it needs a mount namespace and a second user." >&2; exit 1; }
user=${1:-nixlima-test}
work=$(mktemp -d /tmp/nscd-fallback.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q nscd acl >/dev/null 2>&1) || { echo "apt-get could not download nscd and acl." >&2; exit 1; }
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done

fail=0
for mode in open denied; do
  out=$(unshare --mount --propagation private "$0" --inside "$work/root" "$mode" "$user")
  printf '== %s\n%s\n' "$mode" "$out"
  nscd_ok=$(grep -c 'nscd/socket".*= 0$' <<<"$out" || true)
  nscd_denied=$(grep -c 'nscd/socket".*EACCES' <<<"$out" || true)
  own_dns=$(grep -c 'htons(53)' <<<"$out" || true)
  if [ "$mode" = open ] && { [ "$nscd_ok" -eq 0 ] || [ "$own_dns" -ne 0 ]; }; then
    echo "FAILED: with nscd open, $user should have asked nscd and sent no DNS itself." >&2
    fail=1
  fi
  if [ "$mode" = denied ] && { [ "$nscd_denied" -eq 0 ] || [ "$nscd_ok" -ne 0 ] || [ "$own_dns" -eq 0 ]; }; then
    echo "FAILED: with nscd closed, $user should have been refused by nscd and sent its own DNS." >&2
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "OK: closed to $user, nscd is refused (EACCES) and glibc sends $user's own DNS packets."
exit "$fail"
