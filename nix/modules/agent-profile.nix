# The settings of the flake's `agent-*` configurations and images: all three agents, running
# autonomously, behind the egress filter.
{
  networking.hostName = "nixlima-agent";
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
