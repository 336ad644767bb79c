#!/bin/sh
# Runs inside the freshly debootstrapped guest root (chroot) and makes it a Lima guest that boots
# fast under TCG without any network mirror: cloud-init reads only Lima's NoCloud `cidata` disk,
# systemd-networkd does DHCP on the slirp NIC, and the initramfs holds just what mounts the root.
set -eu
root_label="$1"

echo "lima-test" >/etc/hostname
# New accounts log in with bash, as on NixOS (its users-groups module writes bash as SHELL into
# /etc/default/useradd); Debian's default is /bin/sh. lima-init's useradd makes Lima's user.
touch /etc/default/useradd && sed -i '/^#\? *SHELL=/d' /etc/default/useradd
echo "SHELL=/bin/bash" >>/etc/default/useradd
printf 'LABEL=%s / ext4 defaults,discard 0 1\n' "$root_label" >/etc/fstab

# Network: every ethernet NIC by DHCP. cloud-init's own network rendering is off (Debian would
# need ifupdown for Lima's netplan-style network-config).
mkdir -p /etc/systemd/network
cat >/etc/systemd/network/50-dhcp.network <<'NET'
[Match]
Type=ether

[Network]
DHCP=ipv4
LinkLocalAddressing=no
IPv6AcceptRA=no
NET
systemctl enable systemd-networkd.service
# Boot must not wait for "network online": Lima only needs sshd.
systemctl mask systemd-networkd-wait-online.service

mkdir -p /etc/cloud/cloud.cfg.d
cat >/etc/cloud/cloud.cfg.d/90-nixlima-test.cfg <<'CFG'
# Only Lima's cidata ISO (NoCloud); never probe cloud metadata servers.
datasource_list: [NoCloud, None]
network: {config: disabled}
# Host keys made at image build time are kept: regenerating them costs seconds under TCG.
ssh_deletekeys: false
ssh_genkeytypes: []
# Only the modules Lima's user-data uses: every module costs time under TCG.
cloud_init_modules: [bootcmd, write-files, growpart, resizefs, mounts, set_hostname, update_hostname,
  update_etc_hosts, ca-certs, users-groups, ssh]
cloud_config_modules: [timezone, runcmd]
cloud_final_modules: [package-update-upgrade-install, scripts-per-once, scripts-per-boot,
  scripts-per-instance, scripts-user]
CFG

# Drivers for hardware a QEMU guest never has: half the image size, and never loaded.
for kdir in /lib/modules/*; do
  for d in drivers/gpu drivers/media drivers/net/wireless drivers/net/ethernet drivers/infiniband \
    drivers/staging drivers/iio drivers/isdn drivers/bluetooth sound net/wireless net/mac80211 net/bluetooth; do
    rm -rf "$kdir/kernel/$d"
  done
  depmod -a "${kdir##*/}"
done

# The initramfs only has to find and mount the virtio root disk.
cat >/etc/initramfs-tools/conf.d/nixlima-test.conf <<'INI'
MODULES=list
COMPRESS=zstd
INI
cat >/etc/initramfs-tools/modules <<'MODS'
virtio_pci
virtio_blk
virtio_scsi
ext4
crc32c_generic
MODS
update-initramfs -u -k all

# Lima 2.2 links the forwarded ssh agent into /run/host-services once the user session is ready
# (its boot script 07), but creates that folder only in boot script 26: when the link wins the
# race, a VM with ssh.forwardAgent comes up DEGRADED. nixlima's NixOS module makes the folder
# before the ready marker; here systemd makes it at boot, and script 26 still narrows it to 0700
# and gives it to Lima's user.
cat >/etc/tmpfiles.d/lima-host-services.conf <<'TMP'
d /run/host-services 1777 root root -
TMP

# nixlima's own init (scripts/setup/guest/lima-init/, only on boots with nixlima.init=lima-init):
# what NixOS has and Debian lacks. A bash outside /usr/bin for /run/current-system/sw/bin, the
# wheel group with passwordless sudo (security.sudo.wheelNeedsPassword = false), and the unit
# that pulls lima-init in, as NixOS's wantedBy does.
install -d /usr/lib/nixlima/sw/bin
cp /usr/bin/bash /usr/lib/nixlima/sw/bin/bash
getent group wheel >/dev/null || groupadd --system wheel
echo '%wheel ALL=(ALL:ALL) NOPASSWD: ALL' >/etc/sudoers.d/nixlima-wheel
chmod 440 /etc/sudoers.d/nixlima-wheel
systemctl enable lima-guestagent.service
# The FAKE of nixos-lima's init (scripts/setup/guest/fake-nixos-lima/), for boots with
# nixlima.init=fake-nixos-lima only.
systemctl enable fake-nixos-lima-init.service

# Root has no password; people log in as Lima's user with its key.
passwd -l root
# Nothing in the guest may try the network for packages or time on boot.
systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer 2>/dev/null || true

# Shrink: package caches, docs and locales are never used in the test guest.
apt-get clean
rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /usr/share/info/* /usr/share/locale/*
