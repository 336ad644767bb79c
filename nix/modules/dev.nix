# A persistent development VM: the usual command-line toolset and direnv with nix-direnv for
# per-project shells. For dotfiles, add home-manager's NixOS module through the flake's
# `lib.mkLimaSystem { modules = [ … ]; }` (see nix/README.md).
{ pkgs, ... }:
{
  environment.systemPackages = with pkgs; [
    git
    gnumake
    gcc
    curl
    wget
    jq
    ripgrep
    fd
    tmux
    htop
    vim
    unzip
    nixfmt
    nixd
  ];

  programs.direnv = {
    enable = true;
    nix-direnv.enable = true;
  };

  # Room for builds inside the VM; the image itself stays at its computed size.
  nix.settings.auto-optimise-store = true;
  nix.gc = {
    automatic = true;
    options = "--delete-older-than 14d";
  };
}
