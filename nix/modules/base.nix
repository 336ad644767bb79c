# Every nixlima VM: a Lima guest that boots the same way from the built image and after
# `nixos-rebuild` inside the VM, so file systems and the boot loader live here, not in the
# image variant.
{
  lib,
  pkgs,
  modulesPath,
  ...
}:
{
  imports = [
    (modulesPath + "/profiles/qemu-guest.nix")
    ./lima-guest.nix
  ];

  # systemd-boot is what the qemu-efi image installs by default; keeping it here means a
  # rebuild inside the VM keeps the same loader. vz has no writable EFI variables to rely
  # on, so boot through the removable-media path bootctl also installs.
  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = false;
  boot.loader.timeout = lib.mkDefault 0;
  boot.growPartition = true;
  # One image serves QEMU (its serial port: ttyAMA0 on aarch64, ttyS0 on x86_64) and vz (a
  # virtio console only, hvc0: without it vz's serial log stays empty). The last console is
  # the one systemd writes to; the kernel logs to all of them.
  boot.kernelParams = [
    "console=tty0"
    "console=hvc0"
    (if pkgs.stdenv.hostPlatform.isAarch64 then "console=ttyAMA0,115200" else "console=ttyS0,115200")
  ];

  # The labels make-disk-image gives the partitions.
  fileSystems."/" = {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
    autoResize = true;
    options = [
      "noatime"
      "discard"
    ];
  };
  fileSystems."/boot" = {
    device = "/dev/disk/by-label/ESP";
    fsType = "vfat";
    options = [ "umask=0077" ];
  };

  # The image is named nixos.qcow2 (not nixos-image-…-<system>.qcow2) so tools find it.
  image.modules.qemu-efi = {
    image.baseName = "nixos";
  };

  # lima-init adds the Lima user with useradd, so users must stay mutable or a rebuild
  # would remove it and lock the user out.
  users.mutableUsers = true;

  services.openssh = {
    enable = true;
    settings = {
      PasswordAuthentication = false;
      KbdInteractiveAuthentication = false;
      PermitRootLogin = "no";
    };
  };

  nix.settings = {
    experimental-features = [
      "nix-command"
      "flakes"
    ];
    trusted-users = [ "@wheel" ];
  };

  # VS Code's remote server and npm packages ship generic Linux binaries.
  programs.nix-ld.enable = true;

  networking.hostName = lib.mkDefault "nixlima";
  environment.systemPackages = [ pkgs.gitMinimal ];

  system.stateVersion = "26.05";
}
