// Where the tests find the real limactl (installed by scripts/setup/20-limactl.sh), and a
// short temporary LIMA_HOME (Lima's unix socket paths must stay under ~100 bytes).
import { mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../..");

export const limactlPath = process.env.NIXLIMA_TEST_LIMACTL ?? join(repoRoot, ".cache/lima/bin/limactl");

/** Lima picks KVM whenever /dev/kvm exists, and nested KVM hangs here: force TCG. */
export const qemuEnv = {
  QEMU_SYSTEM_X86_64: "qemu-system-x86_64 -machine q35,vmport=off -accel tcg,thread=multi -cpu max",
};

export function tempLimaHome(): { dir: string; dispose(): void } {
  const dir = mkdtempSync("/tmp/nl-");
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
