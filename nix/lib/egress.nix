# Where the agent user may connect, from the agent module's options: the enabled agents' API
# hosts, the user's own `egress.allow` (added, never replacing them) and the telemetry
# endpoint's host. Domain names go through dnsmasq into nftables sets; an IP literal (a
# telemetry endpoint such as http://[fd00::1]:4318) has no name to resolve, so it is allowed as
# an address. Shared by agent.nix (agent.json) and agent-egress.nix (nftables, dnsmasq).
{ lib }:
let
  agents = import ./agents.nix;
  # scheme://[userinfo@](host | [ipv6])[:port][/path|?query|#fragment]
  urlPattern = "[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#@]*@)?(\\[([0-9a-fA-F:.]+)]|([^][/?#:@]+))(:[0-9]*)?([/?#].*)?";
  ipv4Pattern = "[0-9]{1,3}(\\.[0-9]{1,3}){3}";
in
rec {
  /** The host of a URL (without userinfo, port or brackets), or a clear error. */
  urlHost =
    url:
    let
      m = builtins.match urlPattern url;
    in
    if m == null then
      throw "services.nixlima.agent.telemetry.endpoint: '${url}' is not a URL like http://otel.example:4318"
    else if builtins.elemAt m 2 != null then
      builtins.elemAt m 2
    else
      lib.toLower (builtins.elemAt m 3);

  isIPv4 = host: builtins.match ipv4Pattern host != null;
  isIPv6 = host: lib.hasInfix ":" host;

  /** Every destination the agent user may reach, in order, without duplicates. */
  allowList =
    cfg:
    let
      enabled = lib.filter (name: cfg.agents.${name}.enable) (lib.attrNames agents.packages);
    in
    lib.unique (
      lib.concatMap (name: agents.apiHosts.${name}) enabled
      ++ cfg.egress.allow
      ++ lib.optional (cfg.telemetry.endpoint != null) (urlHost cfg.telemetry.endpoint)
    );

  /** The allow list split by kind: names for dnsmasq, addresses for nftables. */
  split =
    cfg:
    let
      all = allowList cfg;
    in
    {
      ipv4 = lib.filter isIPv4 all;
      ipv6 = lib.filter isIPv6 all;
      domains = lib.filter (h: !(isIPv4 h) && !(isIPv6 h)) all;
    };
}
