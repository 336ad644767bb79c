// The resource presets of the seeds' table, shared by `nixlima create --preset` and fleets.
import type { Preset } from "../protocol";

export interface Resources {
  cpus: number;
  memoryGiB: number;
  diskGiB: number;
}

export const PRESETS: Record<Preset, Resources> = {
  light: { cpus: 2, memoryGiB: 4, diskGiB: 20 },
  medium: { cpus: 4, memoryGiB: 6, diskGiB: 30 },
  heavy: { cpus: 6, memoryGiB: 8, diskGiB: 50 },
};
