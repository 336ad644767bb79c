# Egress allow list for the agent user: its packets may go to loopback (the local resolver)
# and to addresses that dnsmasq resolved for an allowed domain (or an allowed IP literal);
# everything else it sends is rejected. Other users (the Lima user, nixos-rebuild, the Nix
# daemon) and packets no process owns (IPv6 neighbour discovery) are not filtered.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.services.nixlima.agent;
  egress = import ../lib/egress.nix { inherit lib; };
  allowed = egress.split cfg;
  uid = toString config.users.users.${cfg.user}.uid;
  table = "nixlima_egress";
  nftset = domain: "/${domain}/4#inet#${table}#allow4,6#inet#${table}#allow6";
  addressRules =
    map (ip: "    ip daddr ${ip} accept") allowed.ipv4 ++ map (ip: "    ip6 daddr ${ip} accept") allowed.ipv6;
in
{
  # nscd would resolve any name for the agent as its own user: agent-nscd.nix closes it.
  imports = [ ./agent-nscd.nix ];

  options.services.nixlima.agent.egress = {
    allow = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "github.com" ];
      description = "Domains (with their subdomains) or IP addresses the agent user may connect to, in addition to the enabled agents' API hosts and the telemetry host; every other destination is refused by nftables.";
    };

    resolvers = mkOption {
      type = types.listOf types.str;
      default = [ "192.168.5.3" ];
      example = [ "10.0.2.3" ];
      description = "The DNS servers the agent's resolver asks for the allowed names: Lima's DNS address by default, answered by the host's resolver. The agent's resolver never reads /etc/resolv.conf, so no other name is sent to any server.";
    };
  };

  config = lib.mkIf cfg.enable {
    networking.nftables.enable = true;
    # The agent is matched positively (`meta skuid` of a packet with no socket matches nothing),
    # and its DNS, to whatever server, is answered by the filtering dnsmasq below. A reload
    # empties the sets; dnsmasq keeps no cache, so the next lookup of an allowed name fills them.
    networking.nftables.tables.${table} = {
      family = "inet";
      content = lib.concatLines (
        [
          "  set allow4 { type ipv4_addr; flags timeout; }"
          "  set allow6 { type ipv6_addr; flags timeout; }"
          "  chain dns {"
          # nft names the -100 priority dstnat only for the prerouting hook.
          "    type nat hook output priority -100; policy accept;"
          "    meta skuid ${uid} meta l4proto { udp, tcp } th dport 53 redirect to :53"
          "  }"
          "  chain output {"
          "    type filter hook output priority filter; policy accept;"
          "    meta skuid ${uid} jump agent"
          "  }"
          "  chain agent {"
          "    oifname \"lo\" accept"
          # The DNS redirect above changes the destination to loopback, but oifname still names
          # the device the packet was routed to first (eth0): accept loopback addresses too.
          "    ip daddr 127.0.0.0/8 accept"
          "    ip6 daddr ::1 accept"
          "    ct state established,related accept"
          "    ip daddr @allow4 accept"
          "    ip6 daddr @allow6 accept"
        ]
        ++ addressRules
        ++ [
          "    counter reject with icmpx type admin-prohibited"
          "  }"
        ]
      );
    };

    # The agent's resolver: answers only names under the allowed domains (forwarded to the
    # resolvers named above, and their addresses added to the sets above); every other name gets
    # NXDOMAIN without leaving the VM, so DNS cannot carry data out. Other users keep the
    # system resolver. no-resolv matters: servers read from resolv.conf serve the same "any
    # domain" that address=/#/ names, and dnsmasq (2.90, tried in a real guest) then forwards
    # every name off the list to them instead of answering NXDOMAIN.
    services.dnsmasq = {
      enable = true;
      resolveLocalQueries = false;
      settings = {
        listen-address = [
          "127.0.0.1"
          "::1"
        ];
        bind-interfaces = true;
        cache-size = 0;
        no-hosts = true;
        no-resolv = true;
        address = [ "/#/" ];
        server = lib.concatMap (domain: map (ip: "/${domain}/${ip}") cfg.egress.resolvers) allowed.domains;
        nftset = map nftset allowed.domains;
      };
    };
    systemd.services.dnsmasq = {
      after = [ "nftables.service" ];
      wants = [ "nftables.service" ];
    };
  };
}
