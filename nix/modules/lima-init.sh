# Configures the guest from Lima's cidata disk on every boot, like Lima's own boot scripts do on
# cloud-init distributions (NixOS has no cloud-init here). Runs as root from lima-init.service,
# with shadow, gawk, coreutils and systemd on PATH. The contract is the one nixos-lima follows.
set -eu
cidata=/mnt/lima-cidata

if [ ! -f "$cidata/lima.env" ]; then
  echo "lima-init: $cidata/lima.env is missing; is the Lima cidata disk attached?" >&2
  exit 2
fi
# Values may contain spaces, so export line by line instead of sourcing.
while read -r line; do export "$line"; done <"$cidata/lima.env"

# The Lima user: created imperatively (hence users.mutableUsers = true), uid as on the host.
if ! id -u "$LIMA_CIDATA_USER" >/dev/null 2>&1; then
  useradd --home-dir "$LIMA_CIDATA_HOME" --create-home --uid "$LIMA_CIDATA_UID" "$LIMA_CIDATA_USER"
fi
usermod -a -G wheel,users "$LIMA_CIDATA_USER"

# Lima wraps every requirement check in /bin/bash.
ln -fs /run/current-system/sw/bin/bash /bin/bash

# SSH keys: the `ssh-authorized-keys:` list of the cloud-config user-data.
ssh_dir="$LIMA_CIDATA_HOME/.ssh"
mkdir -p -m 700 "$ssh_dir"
awk '
  match($0, /^([[:space:]]*)ssh-authorized-keys:/, m) { item = "^" m[1] "[[:space:]]+-[[:space:]]+"; inlist = 1; next }
  inlist && $0 !~ item { inlist = 0; next }
  inlist { sub(item, ""); gsub("\"", ""); print }
' "$cidata/user-data" >"$ssh_dir/authorized_keys"
chown -R "$LIMA_CIDATA_UID:$(id -g "$LIMA_CIDATA_USER")" "$ssh_dir"
chmod 600 "$ssh_dir/authorized_keys"
mkdir -p -m 755 /etc/ssh/authorized_keys.d
install -m 644 "$ssh_dir/authorized_keys" "/etc/ssh/authorized_keys.d/$LIMA_CIDATA_USER"

# Host mounts (9p / virtiofs): the `mounts:` list of user-data, as lines of /etc/fstab.
sed -i '/#LIMA-START/,/#LIMA-END/d' /etc/fstab
{
  echo "#LIMA-START"
  awk '
    /^mounts:/ { inlist = 1; next }
    /^[^ ]/ || /^ *$/ { inlist = 0 }
    inlist { sub(/^ *- \[/, ""); sub(/"?\] *$/, ""); gsub("\"?, \"?", "\t"); print }
  ' "$cidata/user-data"
  echo "#LIMA-END"
} >>/etc/fstab
systemctl daemon-reload
systemctl restart local-fs.target

# Lima >= 2.2 links the forwarded SSH agent into this directory (ssh.forwardAgent).
mkdir -p /run/host-services
chmod 700 /run/host-services
chown "$LIMA_CIDATA_USER" /run/host-services

# Provisioning scripts from the Lima template; a failing one is logged, not fatal.
if [ -d "$cidata/provision.system" ]; then
  for f in "$cidata"/provision.system/*; do
    "$f" || echo "lima-init: $f failed" >&2
  done
fi
if [ -d "$cidata/provision.user" ]; then
  until [ -e "/run/user/$LIMA_CIDATA_UID/systemd/private" ]; do sleep 1; done
  params=$(grep -o '^PARAM_[^=]*' "$cidata/param.env" | paste -sd , || true)
  user_script="$LIMA_CIDATA_HOME/.lima-user-script"
  for f in "$cidata"/provision.user/*; do
    install -m 755 -o "$LIMA_CIDATA_USER" "$f" "$user_script"
    /run/wrappers/bin/sudo -iu "$LIMA_CIDATA_USER" "--preserve-env=$params" \
      "XDG_RUNTIME_DIR=/run/user/$LIMA_CIDATA_UID" "$user_script" || echo "lima-init: $f failed" >&2
    rm -f "$user_script"
  done
fi

# Ready markers: Lima >= 2.1 compares them with the instance id; older Lima with meta-data.
if [ -n "${LIMA_CIDATA_IID:-}" ]; then
  echo "$LIMA_CIDATA_IID" >/run/lima-ssh-ready
  echo "$LIMA_CIDATA_IID" >/run/lima-boot-done
else
  cp "$cidata/meta-data" /run/lima-ssh-ready
  cp "$cidata/meta-data" /run/lima-boot-done
fi
