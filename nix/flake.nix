{
  description = "nixlima: NixOS images for Lima VMs, and an agent container for Kubernetes";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      agents = import ./lib/agents.nix;

      # Guest architectures, as used in configuration names (`dev-aarch64`).
      archs = [
        "aarch64"
        "x86_64"
      ];
      linuxSystems = map (arch: "${arch}-linux") archs;
      hostSystems = linuxSystems ++ [
        "aarch64-darwin"
        "x86_64-darwin"
      ];

      # Which modules each image adds on top of `base`.
      profiles = {
        minimal = [ ];
        dev = [ self.nixosModules.dev ];
        agent = [
          self.nixosModules.agent
          ./modules/agent-profile.nix
        ];
      };

      # The one way a nixlima system is made, exported so users' own flakes can add
      # modules (home-manager, their own settings) and still get a Lima-ready VM.
      mkLimaSystem =
        {
          system,
          modules ? [ ],
        }:
        lib.nixosSystem {
          modules = [
            self.nixosModules.base
            { nixpkgs.hostPlatform = system; }
          ]
          ++ modules;
        };

      configurations = lib.listToAttrs (
        lib.concatMap (
          profile:
          map (
            arch:
            lib.nameValuePair "${profile}-${arch}" (mkLimaSystem {
              system = "${arch}-linux";
              modules = profiles.${profile};
            })
          ) archs
        ) (lib.attrNames profiles)
      );

      archOf = system: lib.removeSuffix "-linux" system;
      configFor = profile: system: self.nixosConfigurations."${profile}-${archOf system}";

      pkgsFor =
        system:
        import nixpkgs {
          inherit system;
          config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) agents.unfree;
        };
    in
    {
      lib = { inherit mkLimaSystem; };

      nixosModules = {
        base = ./modules/base.nix;
        dev = ./modules/dev.nix;
        agent = ./modules/agent.nix;
      };

      nixosConfigurations = configurations;

      packages = lib.genAttrs linuxSystems (
        system:
        lib.mapAttrs' (
          profile: _:
          lib.nameValuePair "${profile}-image" (configFor profile system).config.system.build.images.qemu-efi
        ) profiles
        // {
          agent-container = import ./container.nix {
            pkgs = pkgsFor system;
            inherit agents;
          };
        }
      );

      # Evaluating a configuration's derivation paths checks every module and option without
      # building anything, so `nix flake check` stays fast and needs no Linux builder.
      checks = lib.genAttrs linuxSystems (
        system:
        lib.mapAttrs' (
          profile: _:
          let
            build = (configFor profile system).config.system.build;
            drvPaths = map builtins.unsafeDiscardStringContext [
              build.toplevel.drvPath
              build.images.qemu-efi.drvPath
            ];
          in
          lib.nameValuePair "eval-${profile}" (
            nixpkgs.legacyPackages.${system}.writeText "eval-${profile}" (lib.concatLines drvPaths)
          )
        ) profiles
      );

      formatter = lib.genAttrs hostSystems (system: nixpkgs.legacyPackages.${system}.nixfmt-tree);
    };
}
