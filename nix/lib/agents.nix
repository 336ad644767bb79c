# The coding agents nixlima can install, shared by the NixOS agent module and the container
# so both ship the same packages. Keys are the names used in `services.nixlima.agent.agents`.
{
  # Agent name -> nixpkgs attribute.
  packages = {
    claude = "claude-code";
    codex = "codex";
    opencode = "opencode";
  };

  # Package names (lib.getName) that need allowUnfree; nothing else is let through.
  unfree = [ "claude-code" ];

  # Settings that make each agent run without asking for permission (autonomous mode),
  # as the file each agent reads from its user's home.
  autonomousConfig = {
    claude = {
      path = ".claude/settings.json";
      text = builtins.toJSON {
        permissions.defaultMode = "bypassPermissions";
      };
    };
    codex = {
      path = ".codex/config.toml";
      text = ''
        approval_policy = "never"
        sandbox_mode = "danger-full-access"
      '';
    };
    opencode = {
      path = ".config/opencode/opencode.json";
      text = builtins.toJSON {
        "$schema" = "https://opencode.ai/config.json";
        permission = {
          edit = "allow";
          bash = "allow";
          webfetch = "allow";
        };
      };
    };
  };

  # API hosts each agent needs, allowed through the egress filter by default.
  apiHosts = {
    claude = [
      "api.anthropic.com"
      "statsig.anthropic.com"
      "console.anthropic.com"
    ];
    codex = [
      "api.openai.com"
      "auth.openai.com"
      "chatgpt.com"
    ];
    opencode = [
      "opencode.ai"
      "models.dev"
      "api.anthropic.com"
      "api.openai.com"
    ];
  };
}
