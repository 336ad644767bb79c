# Lima guest support without cloud-init, on the contract nixos-lima follows: the cidata disk
# at /mnt/lima-cidata, the user and keys from user-data, /bin/bash, passwordless sudo, ready
# markers holding the instance id, the guest agent from the cidata disk, /run/host-services.
{
  config,
  options,
  lib,
  pkgs,
  ...
}:
let
  cidata = "/mnt/lima-cidata";
  cfg = config.services.nixlima.limaGuest;
  # nixlima's profiles only suggest a hostname (mkDefault); a definition stronger than that is
  # the user's own, and lima-init then keeps it instead of Lima's lima-NAME.
  userNamesHost = options.networking.hostName.highestPrio < (lib.mkDefault null).priority;
in
{
  options.services.nixlima.limaGuest.enable = lib.mkOption {
    type = lib.types.bool;
    default = true;
    description = "Whether to configure the machine as a Lima guest from Lima's cidata disk.";
  };

  config = lib.mkIf cfg.enable {
    fileSystems.${cidata} = {
      device = "/dev/disk/by-label/cidata";
      fsType = "auto";
      # The options Lima's own boot script mounts cidata with; nofail so that a boot without
      # the disk (an image booted outside Lima) still reaches a console.
      options = [
        "nofail"
        "ro"
        "mode=0700"
        "dmode=0700"
        "overriderockperm"
        "exec"
        "uid=0"
      ];
    };

    systemd.services.lima-init = {
      description = "Configure the guest from Lima's cidata disk";
      after = [ "network-pre.target" ];
      path = [
        pkgs.shadow
        pkgs.gawk
        pkgs.gnused
        pkgs.gnugrep
        pkgs.getent
        pkgs.coreutils
        pkgs.systemd
        # Redirects DNS to Lima's host resolver, as Lima's 09-host-dns-setup.sh does with iptables.
        pkgs.nftables
      ];
      script = builtins.readFile ./lima-init.sh;
      environment = lib.optionalAttrs userNamesHost { LIMA_INIT_KEEP_HOSTNAME = "1"; };
      restartIfChanged = true;
      unitConfig.X-StopOnRemoval = false;
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
      };
    };

    systemd.services.lima-guestagent = {
      description = "Lima guest agent (port forwarding, events)";
      wantedBy = [ "multi-user.target" ];
      after = [
        "network.target"
        "lima-init.service"
      ];
      requires = [ "lima-init.service" ];
      path = [ pkgs.gnugrep ];
      # The agent binary comes from cidata, so it always matches the host's Lima version.
      script = builtins.readFile ./lima-guestagent.sh;
      serviceConfig = {
        Type = "simple";
        Restart = "on-failure";
      };
    };

    security.sudo.wheelNeedsPassword = false;
    # Lima's `env:` reaches logins through /etc/environment, which lima-init writes (a link to
    # cidata's etc_environment, as nixos-lima makes, would show the block but nothing reads it).
    # NixOS's pam_env reads only /etc/pam/environment (readenv = 0); sshd's sessions, which are
    # how Lima, `limactl shell` and Remote-SSH log in, read /etc/environment too.
    security.pam.services.sshd.rules.session.env.settings.readenv = lib.mkForce 1;
    environment.systemPackages = [
      pkgs.bash
      pkgs.sshfs
      pkgs.fuse3
    ];
    boot.kernel.sysctl = {
      "kernel.unprivileged_userns_clone" = 1;
      "net.ipv4.ping_group_range" = "0 2147483647";
      "net.ipv4.ip_unprivileged_port_start" = 0;
    };
  };
}
