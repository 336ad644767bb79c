# Starts Lima's guest agent (port forwarding, events) from the cidata disk, so it always matches
# the host's Lima, with the channel Lima set up for this VM: vsock on vz, a virtio serial port
# on QEMU (where the vsock port is 0), as Lima's own boot.Linux/25-guestagent-base.sh chooses.
# Runs as root from lima-guestagent.service, with grep on PATH.
set -eu
cidata=${LIMA_CIDATA_MNT:-/mnt/lima-cidata}
while read -r line; do [ -n "$line" ] && export "$line"; done <"$cidata/lima.env"
set -- daemon
if [ "${LIMA_CIDATA_VSOCK_PORT:-0}" != "0" ]; then
  set -- "$@" --vsock-port "$LIMA_CIDATA_VSOCK_PORT"
elif [ -n "${LIMA_CIDATA_VIRTIO_PORT:-}" ]; then
  set -- "$@" --virtio-port "$LIMA_CIDATA_VIRTIO_PORT"
fi
# --socket-owner exists from Lima 2.1.3 (GHSA-2j9v-p4xj-cjw2). The owner is the Lima user's uid
# in the guest, which lima-init (started before this) made: when the host's uid was already
# taken there, it differs from LIMA_CIDATA_UID, and a socket owned by that other account would
# leave Lima unable to reach the agent (DEGRADED, no port forwards).
if "$cidata/lima-guestagent" daemon --help 2>&1 | grep -q -- --socket-owner; then
  set -- "$@" --socket-owner "$(id -u "$LIMA_CIDATA_USER")"
fi
exec "$cidata/lima-guestagent" "$@"
