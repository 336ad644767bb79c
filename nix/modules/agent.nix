# Coding agents in a sandbox VM: a separate unprivileged user runs them, optionally without
# permission prompts, and the egress filter (agent-egress.nix) limits where they can connect.
{
  config,
  options,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption types;
  agents = import ../lib/agents.nix;
  cfg = config.services.nixlima.agent;
  enabledAgents = lib.filter (name: cfg.agents.${name}.enable) (lib.attrNames agents.packages);
  home = config.users.users.${cfg.user}.home;

  egress = import ../lib/egress.nix { inherit lib; };

  # nixpkgs keeps one `allowUnfreePredicate` (the last definition wins), so ours comes last and
  # also allows what every other module's predicate allows.
  otherUnfreePredicates = lib.concatMap (
    def:
    lib.optional (
      def.file != toString ./agent.nix && lib.isAttrs def.value && def.value ? allowUnfreePredicate
    ) def.value.allowUnfreePredicate
  ) options.nixpkgs.config.definitionsWithLocations;

  agentOption =
    name:
    mkOption {
      type = types.submodule {
        options.enable = mkOption {
          type = types.bool;
          default = false;
          description = "Whether to install ${name} (nixpkgs `${agents.packages.${name}}`).";
        };
      };
      default = { };
      description = "The ${name} coding agent.";
    };

  # Copied once (not linked) so the agent can still change its own settings later. Every folder
  # between the home and the file gets its own rule, owned by the agent: a folder that
  # systemd-tmpfiles creates implicitly is root's, and then tmpfiles refuses the path ("unsafe
  # path transition") and the agent cannot write its own ~/.config.
  parentsOf =
    path:
    let
      parent = builtins.dirOf path;
    in
    lib.optionals (parent != ".") (parentsOf parent ++ [ parent ]);
  autonomousDirs = lib.unique (
    lib.concatMap (name: parentsOf agents.autonomousConfig.${name}.path) enabledAgents
  );
  autonomousFiles =
    map (dir: "d ${home}/${dir} 0700 ${cfg.user} users -") autonomousDirs
    ++ lib.concatMap (
      name:
      let
        file = agents.autonomousConfig.${name};
        source = pkgs.writeText "nixlima-${name}-autonomous" file.text;
        target = "${home}/${file.path}";
      in
      [
        "C ${target} - - - - ${source}"
        "z ${target} 0600 ${cfg.user} users -"
      ]
    ) enabledAgents;
in
{
  imports = [ ./agent-egress.nix ];

  options.services.nixlima.agent = {
    enable = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to set the VM up as a coding-agent sandbox.";
    };
    user = mkOption {
      type = types.str;
      default = "agent";
      description = "The unprivileged user agents run as (not in wheel, not trusted by Nix).";
    };
    agents = lib.genAttrs (lib.attrNames agents.packages) agentOption;
    autonomousMode = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to write each enabled agent's settings so it acts without asking for permission.";
    };
    browser.enable = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to install Chromium and point Playwright at nixpkgs' browsers.";
    };
    telemetry.endpoint = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "http://otel.example.internal:4318";
      description = "OpenTelemetry (OTLP/HTTP) endpoint agents report to, or null for none; its host is allowed through the egress filter.";
    };
  };

  config = lib.mkIf cfg.enable {
    users.users.${cfg.user} = {
      isNormalUser = true;
      uid = lib.mkDefault 2000;
      description = "nixlima coding agent";
      extraGroups = [ ];
    };
    # Keep the agent away from the Nix daemon: fixed-output builds could fetch any URL.
    nix.settings.allowed-users = [
      "root"
      "@wheel"
    ];
    security.sudo.execWheelOnly = true;

    nixpkgs.config = lib.mkOrder 2000 {
      allowUnfreePredicate =
        pkg:
        (builtins.elem (lib.getName pkg) agents.unfree && lib.elem "claude" enabledAgents)
        || lib.any (predicate: predicate pkg) otherUnfreePredicates;
    };

    environment.systemPackages =
      map (name: pkgs.${agents.packages.${name}}) enabledAgents
      ++ [
        pkgs.git
        pkgs.ripgrep
      ]
      ++ lib.optional cfg.browser.enable pkgs.chromium;

    environment.variables =
      lib.optionalAttrs cfg.browser.enable {
        PLAYWRIGHT_BROWSERS_PATH = "${pkgs.playwright-driver.browsers}";
        PLAYWRIGHT_SKIP_VALIDATE_HOST_REQUIREMENTS = "true";
      }
      // lib.optionalAttrs (cfg.telemetry.endpoint != null) {
        CLAUDE_CODE_ENABLE_TELEMETRY = "1";
        OTEL_METRICS_EXPORTER = "otlp";
        OTEL_LOGS_EXPORTER = "otlp";
        OTEL_EXPORTER_OTLP_PROTOCOL = "http/protobuf";
        OTEL_EXPORTER_OTLP_ENDPOINT = cfg.telemetry.endpoint;
      };

    systemd.tmpfiles.rules = lib.optionals cfg.autonomousMode autonomousFiles;

    # What `nixlima audit` reads over ssh (world-readable, no secrets): the host cannot know
    # from lima.yaml whether agents here run without asking or where they may connect.
    environment.etc."nixlima/agent.json".text = builtins.toJSON {
      inherit (cfg) user autonomousMode;
      agents = enabledAgents;
      egress.allow = egress.allowList cfg;
    };
  };
}
