// `nixlima clone|rename|fork OLD NEW`: a copy, a new name, or a copy that starts at once.
import { NixlimaError } from "../../errors";
import { checkVmName } from "../../shared/vmNames";
import { cloneVm, forkVm, renameVm } from "../../lima/vmOps";
import { vmOpCommand } from "../vmOpCommand";

function twoNames(positionals: string[]): [string, string] {
  if (positionals.length !== 2) {
    throw new NixlimaError("usage", positionals.length < 2 ? "Give the VM's name and the new name." : `Expected two VM names, got ${positionals.length}.`);
  }
  const [from, to] = positionals as [string, string];
  checkVmName(from);
  checkVmName(to);
  return [from, to];
}

export const cloneCommand = vmOpCommand({
  name: "clone",
  summary: "Copy a stopped VM into a new VM",
  usage: "nixlima clone NAME NEW-NAME [--verbose]",
  prepare(positionals) {
    const [from, to] = twoNames(positionals);
    return { run: (l, r, s) => cloneVm(l, from, to, r, s), done: `Cloned \`${from}\` into \`${to}\`. Start it with \`nixlima start ${to}\`.` };
  },
});

export const renameCommand = vmOpCommand({
  name: "rename",
  summary: "Give a stopped VM a new name",
  usage: "nixlima rename NAME NEW-NAME [--verbose]",
  prepare(positionals) {
    const [from, to] = twoNames(positionals);
    return { run: (l, r, s) => renameVm(l, from, to, r, s), done: `Renamed \`${from}\` to \`${to}\`; its ssh host is now lima-${to}.` };
  },
});

export const forkCommand = vmOpCommand({
  name: "fork",
  summary: "Copy a prepared stopped VM (an agent sandbox) and start the copy",
  usage: "nixlima fork NAME NEW-NAME [--verbose]    (Ctrl-C deletes the copy again)",
  prepare(positionals) {
    const [from, to] = twoNames(positionals);
    return { run: (l, r, s) => forkVm(l, from, to, r, s), done: `VM \`${to}\` (a fork of \`${from}\`) is running. Open a shell with \`nixlima shell ${to}\`.` };
  },
});
