# Closes NixOS's name-service cache to the agent user, so the egress filter sees its lookups.
#
# NixOS runs nscd (nsncd by default) and glibc asks it first, over /run/nscd/socket, for hosts,
# passwd and group. nscd then sends the DNS packets as its own user, which the per-user nftables
# rules in agent-egress.nix do not match: through nscd the agent could resolve, and so send data
# out in, any name. Turning nscd off is not the way: NixOS loads the NSS modules it adds
# (systemd's `systemd`, `myhostname`, `mymachines`) only inside nscd, and its nsswitch module
# asserts that `system.nssModules` is empty when nscd is off, so every user of the VM would lose
# them. Instead the agent's uid gets an empty ACL entry on nscd's runtime folder: it cannot
# reach the socket (connect fails with EACCES), and glibc's nscd client then marks nscd unused
# (`__nss_not_use_nscd_hosts`, tried again only every 100 lookups, failing the same way) and
# answers from nsswitch.conf with its built-in `files` and `dns` modules. Those read /etc/hosts
# and send the agent's own DNS packets, which the filter redirects to the filtering dnsmasq.
# The modules glibc cannot load outside nscd (mymachines, myhostname, systemd) are skipped
# (UNAVAIL continues), so the agent sees dynamic users by number only — a price of the sandbox.
#
# The ACL goes on the folder, not the socket, and before nscd starts: systemd makes the
# RuntimeDirectory before ExecStartPre and removes it when nscd stops, so every start (and
# Restart=always restart) gets a fresh folder that is closed before the socket exists: there is
# no moment in which the agent can connect. The uid, not the name, is written: it is what the
# nftables rules match too, and setfacl then needs no lookup through the nscd being started.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.services.nixlima.agent;
  uid = toString config.users.users.${cfg.user}.uid;
  hosts = config.system.nssDatabases.hosts;
in
{
  config = lib.mkIf cfg.enable (
    lib.mkMerge [
      (lib.mkIf config.services.nscd.enable {
        systemd.services.nscd.serviceConfig.ExecStartPre = [
          # `+`: run as root whatever nscd's own User= and sandboxing are.
          "+${pkgs.acl}/bin/setfacl --modify user:${uid}:--- /run/nscd"
        ];
      })
      {
        assertions = [
          {
            assertion = config.users.users.${cfg.user}.uid != null;
            message = "nixlima's agent sandbox needs a fixed uid for users.users.${cfg.user}: the egress rules and the nscd ACL name the agent by uid.";
          }
          {
            assertion = lib.elem "files" hosts && lib.elem "dns" hosts;
            message = "nixlima's agent sandbox needs `files` and `dns` in system.nssDatabases.hosts: the agent's processes resolve names with glibc's own modules (nscd is closed to them), so without `dns` the agent could resolve no allowed name.";
          }
        ];
      }
    ]
  );
}
