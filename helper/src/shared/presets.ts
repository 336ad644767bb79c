// The resource presets of the seeds' table, shared by `nixlima create --preset` and fleets.
import { z } from "zod";
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

const positive = (what: string, whole = false) =>
  z
    .number({ error: `${what} must be a number.` })
    .refine((n) => Number.isFinite(n) && n > 0 && (!whole || Number.isInteger(n)), `${what} must be a positive ${whole ? "whole " : ""}number.`);

/** The checks Create and Resize both make on CPUs, memory and disk, each one sentence. */
export const ResourceInput = z.object({
  cpus: positive("The number of CPUs", true).optional(),
  memoryGiB: positive("The memory (GiB)").optional(),
  diskGiB: positive("The disk size (GiB)").optional(),
});
