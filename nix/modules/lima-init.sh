# Configures the guest from Lima's cidata disk on every boot, like Lima's own boot scripts do on
# cloud-init distributions (NixOS has no cloud-init here). Runs as root from lima-init.service,
# with shadow, gawk, coreutils and systemd on PATH. The contract is the one nixos-lima follows;
# the order (ssh-ready marker before provisioning, boot-done after) is Lima 2.2's boot.sh.
# The awk programs are POSIX awk, so the same script runs on the Debian test guest (mawk).
set -eu
# LIMA_CIDATA_MNT is the name Lima's boot.sh uses; tests point it at a copy of the disk.
cidata=${LIMA_CIDATA_MNT:-/mnt/lima-cidata}
# How long user provisioning waits for the user's systemd (started by Lima's first ssh login).
user_wait=${LIMA_INIT_USER_WAIT_SECONDS:-120}

if [ ! -f "$cidata/lima.env" ]; then
  echo "lima-init: $cidata/lima.env is missing; is the Lima cidata disk attached?" >&2
  exit 2
fi
# Values may contain spaces, so export line by line instead of sourcing. param.env holds the
# template's `param:` values (PARAM_*), which provisioning scripts read from their environment.
for env_file in "$cidata/lima.env" "$cidata/param.env"; do
  [ -f "$env_file" ] || continue
  while read -r line; do [ -n "$line" ] && export "$line"; done <"$env_file"
done

# The Lima user: created imperatively (hence users.mutableUsers = true), uid as on the host. When
# that uid already belongs to a guest user (e.g. the agent user, 2000), useradd would fail and the
# VM would never become ready: the Lima user then gets a free uid instead (never a shared one).
if ! id -u "$LIMA_CIDATA_USER" >/dev/null 2>&1; then
  uid_args="--uid $LIMA_CIDATA_UID"
  if taken_by=$(getent passwd "$LIMA_CIDATA_UID"); then
    echo "lima-init: uid $LIMA_CIDATA_UID belongs to ${taken_by%%:*}; $LIMA_CIDATA_USER gets a free uid" >&2
    uid_args=""
  fi
  # shellcheck disable=SC2086 # uid_args is empty or two words
  useradd --home-dir "$LIMA_CIDATA_HOME" --create-home $uid_args "$LIMA_CIDATA_USER"
fi
usermod -a -G wheel,users "$LIMA_CIDATA_USER"
lima_uid=$(id -u "$LIMA_CIDATA_USER")
lima_gid=$(id -g "$LIMA_CIDATA_USER")

# Lima wraps every requirement check in /bin/bash.
ln -fs /run/current-system/sw/bin/bash /bin/bash

# SSH keys: the `ssh-authorized-keys:` list of the cloud-config user-data.
ssh_dir="$LIMA_CIDATA_HOME/.ssh"
mkdir -p -m 700 "$ssh_dir"
awk '
  function indent(s) { return match(s, /[^ ]/) - 1 }
  /^[ ]*ssh-authorized-keys:/ { depth = indent($0); inlist = 1; next }
  inlist && /^[ ]*- / && indent($0) >= depth { sub(/^[ ]*- [ ]*/, ""); gsub(/"/, ""); print; next }
  inlist { inlist = 0 }
' "$cidata/user-data" >"$ssh_dir/authorized_keys"
chown -R "$lima_uid:$lima_gid" "$ssh_dir"
chmod 600 "$ssh_dir/authorized_keys"
mkdir -p -m 755 /etc/ssh/authorized_keys.d
install -m 644 "$ssh_dir/authorized_keys" "/etc/ssh/authorized_keys.d/$LIMA_CIDATA_USER"

# Host mounts (9p / virtiofs): the `mounts:` list of user-data, as lines of /etc/fstab. Lima
# writes each item at column 0 (`- [tag, /mount point, 9p, "options", "0", "0"]`) with the mount
# point unescaped; fstab needs a space, tab or backslash in it octal-escaped (fstab(5)).
fstab_lines=$(awk '
  /^mounts:/ { inlist = 1; next }
  inlist && !/^[ ]*- \[/ { inlist = 0 }
  inlist {
    sub(/^[ ]*- \[/, ""); sub(/\][ ]*$/, "")
    n = split($0, f, /, /)
    for (i = 1; i <= n; i++) gsub(/^"|"$/, "", f[i])
    gsub(/\\/, "\\134", f[2]); gsub(/ /, "\\040", f[2]); gsub(/\t/, "\\011", f[2])
    print f[1] "\t" f[2] "\t" f[3] "\t" f[4] "\t" f[5] "\t" f[6]
  }
' "$cidata/user-data")
sed -i '/#LIMA-START/,/#LIMA-END/d' /etc/fstab
printf '#LIMA-START\n%s\n#LIMA-END\n' "$fstab_lines" | sed '/^$/d' >>/etc/fstab
systemctl daemon-reload
systemctl restart local-fs.target

# host.lima.internal, as Lima's 06-etc-hosts.sh (NixOS links /etc/hosts into the store: the
# link is replaced by a file, until the next switch restores it and the next boot fixes it).
# The hostname Lima gives the guest (meta-data's local-hostname, lima-NAME) is set on every boot,
# as cloud-init does on Lima's other guests: a person with several VMs tells them apart by it.
# /etc/hosts names it too, so sudo and ssh resolve it without asking DNS. A name the NixOS
# configuration sets itself wins (the module says so with LIMA_INIT_KEEP_HOSTNAME=1): NixOS
# names it in /etc/hosts already.
guest_hostname=
[ "${LIMA_INIT_KEEP_HOSTNAME:-}" = 1 ] || guest_hostname=$(sed -n 's/^local-hostname: *//p' "$cidata/meta-data")
[ -z "$guest_hostname" ] || echo "$guest_hostname" >/proc/sys/kernel/hostname
hosts=$(grep -v -e 'host\.lima\.internal' -e '# lima-init$' /etc/hosts || true)
{
  printf '%s\n%s\thost.lima.internal\n' "$hosts" "$LIMA_CIDATA_SLIRP_GATEWAY"
  [ -z "$guest_hostname" ] || printf '127.0.1.1\t%s # lima-init\n' "$guest_hostname"
} >/etc/hosts.lima-init
chmod 644 /etc/hosts.lima-init
mv -f /etc/hosts.lima-init /etc/hosts

# Lima's `env:` (etc_environment, a #LIMA-START…#LIMA-END block) goes into /etc/environment as
# Lima's 07-etc-environment.sh puts it: last boot's block replaced, the rest of the file kept.
# pam_env reads it at each login (on NixOS only where the module tells it to: sshd). Written
# before the ssh-ready marker, so Lima's first login already has it.
if [ -f "$cidata/etc_environment" ]; then
  { sed '/#LIMA-START/,/#LIMA-END/d' /etc/environment 2>/dev/null || true; cat "$cidata/etc_environment"; } >/etc/environment.lima-init
  chmod 644 /etc/environment.lima-init
  mv -f /etc/environment.lima-init /etc/environment
fi

# Lima's host resolver (`hostResolver`, on by default) on QEMU's user network: the guest asks the
# slirp DNS address, which knows neither `hostResolver.hosts` nor how the host resolves names, so
# Lima's 09-host-dns-setup.sh redirects its port 53 to the host agent's DNS on the gateway. Same
# here, with nft (nixlima's NixOS firewall is nftables); a table of its own, made anew each boot.
dns_rules=""
[ "${LIMA_CIDATA_UDP_DNS_LOCAL_PORT:-0}" = 0 ] ||
  dns_rules="ip daddr $LIMA_CIDATA_SLIRP_DNS udp dport 53 dnat to $LIMA_CIDATA_SLIRP_GATEWAY:$LIMA_CIDATA_UDP_DNS_LOCAL_PORT"
[ "${LIMA_CIDATA_TCP_DNS_LOCAL_PORT:-0}" = 0 ] ||
  dns_rules="$dns_rules; ip daddr $LIMA_CIDATA_SLIRP_DNS tcp dport 53 dnat to $LIMA_CIDATA_SLIRP_GATEWAY:$LIMA_CIDATA_TCP_DNS_LOCAL_PORT"
if [ -n "$dns_rules" ]; then
  # Without it names still resolve (by slirp's DNS), only not Lima's own: not worth a failed boot.
  nft -f - <<EOF || echo "lima-init: could not redirect DNS to Lima's host resolver" >&2
table ip lima_dns
delete table ip lima_dns
table ip lima_dns {
  chain prerouting { type nat hook prerouting priority -100; ${dns_rules#; }; }
  chain output { type nat hook output priority -100; ${dns_rules#; }; }
}
EOF
fi

# Lima >= 2.2 links the forwarded SSH agent into this directory (ssh.forwardAgent) as soon as
# ssh is ready, so it must exist before the marker below.
mkdir -p /run/host-services
chmod 700 /run/host-services
chown "$LIMA_CIDATA_USER" /run/host-services

# Ready markers: Lima >= 2.1 compares them with the instance id; older Lima with meta-data.
# ssh-ready comes before provisioning (as in Lima's boot scripts): Lima's 10-minute wait for ssh
# must not include a long provisioning, and user provisioning needs Lima's ssh login.
mark() {
  if [ -n "${LIMA_CIDATA_IID:-}" ]; then echo "$LIMA_CIDATA_IID" >"$1"; else cp "$cidata/meta-data" "$1"; fi
}
mark /run/lima-ssh-ready
echo "lima-init: ssh ready; provisioning" >&2

# Provisioning scripts from the Lima template; a failing one is logged, not fatal.
if [ -d "$cidata/provision.system" ]; then
  for f in "$cidata"/provision.system/*; do
    "$f" || echo "lima-init: $f failed" >&2
  done
fi
if [ -d "$cidata/provision.user" ]; then
  # The user's systemd starts with Lima's first ssh login; without it (no login within the
  # limit) the scripts still run, only without a user session.
  waited=0
  until [ -e "/run/user/$lima_uid/systemd/private" ] || [ "$waited" -ge "$user_wait" ]; do
    sleep 1
    waited=$((waited + 1))
  done
  [ -e "/run/user/$lima_uid/systemd/private" ] ||
    echo "lima-init: no systemd session for $LIMA_CIDATA_USER after ${user_wait}s; user provisioning runs without one" >&2
  set -- "XDG_RUNTIME_DIR=/run/user/$lima_uid"
  params=$(grep -o '^PARAM_[^=]*' "$cidata/param.env" 2>/dev/null | paste -sd , - || true)
  [ -z "$params" ] || set -- "--preserve-env=$params" "$@"
  user_script="$LIMA_CIDATA_HOME/.lima-user-script"
  for f in "$cidata"/provision.user/*; do
    install -m 755 -o "$LIMA_CIDATA_USER" "$f" "$user_script"
    /run/wrappers/bin/sudo -iu "$LIMA_CIDATA_USER" "$@" "$user_script" || echo "lima-init: $f failed" >&2
    rm -f "$user_script"
  done
fi

mark /run/lima-boot-done
