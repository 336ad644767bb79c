# The agent toolset as an OCI image for Kubernetes fleets: `nix build` gives a script that
# streams the image, e.g. `$(nix build --print-out-paths .#agent-container) | docker load`.
{ pkgs, agents }:
let
  uid = "1000";
in
pkgs.dockerTools.streamLayeredImage {
  name = "nixlima-agent";
  tag = "latest";
  contents = map (name: pkgs.${agents.packages.${name}}) (builtins.attrNames agents.packages) ++ [
    pkgs.bashInteractive
    pkgs.coreutils
    pkgs.git
    pkgs.ripgrep
    pkgs.dockerTools.binSh
    pkgs.dockerTools.usrBinEnv
    pkgs.dockerTools.caCertificates
    (pkgs.dockerTools.fakeNss.override {
      extraPasswdLines = [ "agent:x:${uid}:${uid}:nixlima agent:/home/agent:/bin/sh" ];
      extraGroupLines = [ "agent:x:${uid}:" ];
    })
  ];
  fakeRootCommands = ''
    mkdir -p ./home/agent ./work ./tmp
    chown ${uid}:${uid} ./home/agent ./work
    chmod 1777 ./tmp
  '';
  config = {
    User = "${uid}:${uid}";
    WorkingDir = "/work";
    Cmd = [ "/bin/bash" ];
    Env = [
      "HOME=/home/agent"
      "SSL_CERT_FILE=/etc/ssl/certs/ca-bundle.crt"
      "DISABLE_AUTOUPDATER=1"
    ];
  };
}
