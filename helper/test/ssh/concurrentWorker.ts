// Run as a separate node process by concurrency.test.ts:
//   sync ROOT NIXLIMA_DIR CONFIG…   syncs each config in turn (the VMs of the world at ROOT)
//   count LOCK COUNTER N            N locked read-increment-write rounds on COUNTER
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withFileLock } from "../../src/fsutil/lock";
import { syncSshConfig } from "../../src/ssh";

const [mode, a, b, ...rest] = process.argv.slice(2);
if (mode === "sync") {
  const vms = [{ name: "dev", dir: join(a!, "lima", "dev"), status: "Running" as const, sshLocalPort: 41234 }];
  for (const config of rest) await syncSshConfig({ userConfigPath: config, vms, nixlimaDir: b! });
} else if (mode === "count") {
  for (let i = 0; i < Number(rest[0]); i++) {
    await withFileLock(a!, async () => {
      const n = Number(readFileSync(b!, "utf8"));
      await new Promise((r) => setTimeout(r, 2)); // widen the read-modify-write window
      writeFileSync(b!, String(n + 1));
    });
  }
}
