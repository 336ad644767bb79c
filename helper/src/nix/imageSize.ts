// What a built image takes on the host against what it holds: a qcow2 file grows as it is
// written (and may itself be sparse), so its allocated blocks are what deleting it gives back,
// and the disk size in its header is what a VM made from it sees.
import { open } from "node:fs/promises";
import type { Stats } from "node:fs";

const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"
const HEADER_BYTES = 32;

export interface ImageSize {
  /** Bytes allocated on the host (the file's blocks). */
  usedBytes: number;
  /** The disk size a VM sees: the qcow2 header's, or the file's length when it is no qcow2. */
  nominalBytes: number;
}

export async function imageSize(path: string, info: Pick<Stats, "blocks" | "size">): Promise<ImageSize> {
  return { usedBytes: info.blocks * 512, nominalBytes: (await qcow2VirtualSize(path)) ?? info.size };
}

/** The virtual size from a qcow2 header (big-endian u64 at offset 24), or undefined. */
async function qcow2VirtualSize(path: string): Promise<number | undefined> {
  const file = await open(path, "r").catch(() => undefined);
  if (!file) return undefined;
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(header, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES || header.readUInt32BE(0) !== QCOW2_MAGIC) return undefined;
    return Number(header.readBigUInt64BE(24));
  } finally {
    await file.close();
  }
}
