# The settings of the flake's `agent-*` configurations and images: all three agents, running
# autonomously, behind the egress filter.
{ lib, ... }:
{
  # A default only: on Lima the VM's own name (lima-NAME) is set at boot, unless a
  # configuration names the machine itself (see lima-guest.nix).
  networking.hostName = lib.mkDefault "nixlima-agent";
  services.nixlima.agent = {
    enable = true;
    agents = {
      claude.enable = true;
      codex.enable = true;
      opencode.enable = true;
    };
    autonomousMode = true;
  };
}
