# A FAKE of nixos-lima v0.2.1's lima-init and lima-guestagent units (its lima-init.nix), for
# test/e2e/publishedImage.test.ts: the published image nixlima's templates fall back to cannot be
# downloaded here. It keeps, in nixos-lima's order, what decides whether Lima's ssh.forwardAgent
# step works on that image: there is no /run/host-services, and provision.system scripts run
# before /run/lima-ssh-ready is written. Left out: the fstab mounts, user provisioning, the
# /etc/ssh/authorized_keys.d copy and the meta-data markers of Lima < 2.1.
cidata=/mnt/lima-cidata
# This Debian image makes the folder at boot (tmpfiles, for its cloud-init boots); nixos-lima's does not.
rm -rf /run/host-services

while read -r line; do [ -n "$line" ] && export "$line"; done <"$cidata/lima.env"
id -u "$LIMA_CIDATA_USER" >/dev/null 2>&1 || useradd --home-dir "$LIMA_CIDATA_HOME" --create-home --uid "$LIMA_CIDATA_UID" "$LIMA_CIDATA_USER"
usermod -a -G wheel "$LIMA_CIDATA_USER"
usermod -a -G users "$LIMA_CIDATA_USER"
# nixos-lima links /bin/bash to NixOS's bash here; Debian has /bin/bash.

sshdir="$LIMA_CIDATA_HOME/.ssh"
mkdir -p -m 700 "$sshdir"
awk '/^ *ssh-authorized-keys:/ { f = 1; next } f && /^ *- / { sub(/^ *- /, ""); gsub("\"", ""); print; next } { f = 0 }' \
  "$cidata/user-data" >"$sshdir/authorized_keys"
chown -R "$LIMA_CIDATA_UID:$(id -g "$LIMA_CIDATA_USER")" "$sshdir"
chmod 600 "$sshdir/authorized_keys"

for f in "$cidata"/provision.system/*; do
  [ -e "$f" ] || continue
  "$f" || echo "Failed to execute $f"
done

echo "$LIMA_CIDATA_IID" >/run/lima-ssh-ready
echo "$LIMA_CIDATA_IID" >/run/lima-boot-done

# nixos-lima starts the guest agent from its own unit once lima-init is done; here nixlima's script.
exec bash /usr/lib/nixlima/lima-guestagent.sh
