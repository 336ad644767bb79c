// Lima's cheap real fixture: `limactl create` of an instance whose image is /etc/profile makes
// a real instance directory that never boots.
import { execFileSync } from "node:child_process";
import { limactlPath } from "./lima";

export function runLimactl(limaHome: string, args: string[], input?: string): string {
  return execFileSync(limactlPath, ["--tty=false", ...args], {
    env: { ...process.env, LIMA_HOME: limaHome },
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

export function createDummy(limaHome: string, name: string): void {
  runLimactl(limaHome, ["create", "--name", name, "-"], '{images: [{location: /etc/profile}], disk: "1M", containerd: {system: false, user: false}}');
}

export function createDummies(limaHome: string, count: number, prefix = "vm"): void {
  for (let i = 0; i < count; i++) createDummy(limaHome, `${prefix}${i}`);
}
