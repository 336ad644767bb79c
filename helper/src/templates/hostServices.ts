// /run/host-services in the guest: where Lima links the forwarded ssh agent (ssh.forwardAgent:
// Lima 2.2 runs `ln -sf "$SSH_AUTH_SOCK" /run/host-services/ssh-auth.sock` over ssh once the
// guest is ready for ssh) and where nixlima forwards host sockets (hostSockets.ts). Lima's own
// boot scripts and nixlima's NixOS image make the folder; the published nixos-lima v0.2.1 image
// does not, so there the agent link fails (the VM ends DEGRADED) and socket forwards fail.
// That image's init runs provision.system scripts before it writes /run/lima-ssh-ready, so a
// system provision that makes the folder runs before Lima needs it. Every VM nixlima renders
// gets it, first of all provisions: forwarding can also be switched on outside the template
// ($LIMA_HOME/_config/default.yaml or override.yaml, a later `limactl edit`), and a template's
// own provision may use the folder. Elsewhere it gives the folder the owner and mode Lima's boot
// script (26-host-services.sh) and nixlima's image give it.

export const GUEST_SOCKET_DIR = "/run/host-services";

/** Lima expands {{.User}} in provision scripts to the Lima user's name. */
export const HOST_SERVICES_PROVISION = {
  mode: "system",
  script: `#!/bin/sh\n# nixlima: Lima's forwarded ssh agent and host sockets go here; not every image makes it.\ninstall -d -m 700 -o "{{.User}}" ${GUEST_SOCKET_DIR}\n`,
};
