// Start to READY of the same test guest image configured two ways: by cloud-init (the default)
// and by nixlima's own init (the NixOS module's lima-init unit; testVmConfig's init option).
// Plain `limactl start` both ways, alternating; a first boot of a new instance (user, keys,
// provisioning all done then) and a restart of it. Ratios of the medians, within one run.
import { stringify } from "yaml";
import { tempLimaHome } from "../test/support/lima";
import { testVmConfig, type GuestInit } from "../test/support/testVm";
import { destroyInstance, limactl } from "../test/support/testVmRun";
import { median, report, timeMs } from "./stats";

const inits = ["cloud-init", "lima-init"] as const satisfies GuestInit[];
type BenchedInit = (typeof inits)[number];

/** One instance booted with `init`: the first start and the restart after a stop, in ms. */
async function bootTwice(limaHome: string, init: GuestInit): Promise<{ first: number; restart: number }> {
  const name = `bench-${init}`;
  try {
    await limactl(limaHome, ["create", "--name", name, "-"], { input: stringify(testVmConfig({}, { init })) });
    const first = await timeMs(() => limactl(limaHome, ["start", name], { timeoutMs: 15 * 60_000 }));
    await limactl(limaHome, ["stop", name], { timeoutMs: 180_000 });
    const restart = await timeMs(() => limactl(limaHome, ["start", name], { timeoutMs: 15 * 60_000 }));
    return { first, restart };
  } finally {
    await destroyInstance(limaHome, name);
  }
}

export async function benchInitReady(rounds = 2): Promise<void> {
  const home = tempLimaHome();
  const first: Record<BenchedInit, number[]> = { "cloud-init": [], "lima-init": [] };
  const restart: Record<BenchedInit, number[]> = { "cloud-init": [], "lima-init": [] };
  try {
    for (let i = 0; i < rounds; i++) {
      for (const init of i % 2 ? [...inits].reverse() : inits) {
        const times = await bootTwice(home.dir, init);
        first[init].push(times.first);
        restart[init].push(times.restart);
      }
    }
  } finally {
    home.dispose();
  }
  const s = (values: number[]) => median(values) / 1000;
  report(`start to READY by guest init, same test guest image under TCG (${rounds} rounds, alternating)`, {
    "first boot, cloud-init (s, median)": s(first["cloud-init"]),
    "first boot, nixlima's lima-init (s, median)": s(first["lima-init"]),
    "first boot, lima-init / cloud-init": median(first["lima-init"]) / median(first["cloud-init"]),
    "restart, cloud-init (s, median)": s(restart["cloud-init"]),
    "restart, nixlima's lima-init (s, median)": s(restart["lima-init"]),
    "restart, lima-init / cloud-init": median(restart["lima-init"]) / median(restart["cloud-init"]),
  });
}
