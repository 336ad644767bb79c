# Egress allow list for the agent user: its packets may go to loopback (the local resolver)
# and to addresses that dnsmasq resolved for an allowed domain; everything else it sends is
# rejected. Other users (the Lima user, nixos-rebuild, the Nix daemon) are not filtered.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  agents = import ../lib/agents.nix;
  cfg = config.services.nixlima.agent;
  enabledAgents = lib.filter (name: cfg.agents.${name}.enable) (lib.attrNames agents.packages);
  table = "nixlima_egress";

  endpointHost =
    let
      m = builtins.match "[a-zA-Z][a-zA-Z0-9+.-]*://([^/:]+).*" cfg.telemetry.endpoint;
    in
    lib.optionals (cfg.telemetry.endpoint != null && m != null) m;
  domains = lib.unique (cfg.egress.allow ++ endpointHost);
  nftset = domain: "/${domain}/4#inet#${table}#allow4,6#inet#${table}#allow6";
in
{
  options.services.nixlima.agent.egress.allow = mkOption {
    type = types.listOf types.str;
    default = lib.unique (lib.concatMap (name: agents.apiHosts.${name}) enabledAgents);
    defaultText = lib.literalMD "the API hosts of the enabled agents";
    example = [
      "api.anthropic.com"
      "github.com"
    ];
    description = "Domains (with their subdomains) the agent user may connect to; every other destination is refused by nftables.";
  };

  config = lib.mkIf cfg.enable {
    networking.nftables.enable = true;
    networking.nftables.tables.${table} = {
      family = "inet";
      content = ''
        set allow4 { type ipv4_addr; flags timeout; }
        set allow6 { type ipv6_addr; flags timeout; }
        chain output {
          type filter hook output priority filter; policy accept;
          meta skuid != ${toString config.users.users.${cfg.user}.uid} accept
          oifname "lo" accept
          ct state established,related accept
          ip daddr @allow4 accept
          ip6 daddr @allow6 accept
          counter reject with icmpx type admin-prohibited
        }
      '';
    };

    # Resolves every name for everyone, and adds the addresses of allowed domains to the
    # sets above as they are looked up.
    services.dnsmasq = {
      enable = true;
      resolveLocalQueries = true;
      settings = {
        listen-address = [
          "127.0.0.1"
          "::1"
        ];
        bind-interfaces = true;
        nftset = map nftset domains;
      };
    };
    systemd.services.dnsmasq = {
      after = [ "nftables.service" ];
      wants = [ "nftables.service" ];
    };
  };
}
