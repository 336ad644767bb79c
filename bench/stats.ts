// Small helpers for printing benchmark numbers.
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function timeMs(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export function report(section: string, rows: Record<string, string | number>): void {
  console.log(`\n## ${section}`);
  for (const [k, v] of Object.entries(rows)) console.log(`${k.padEnd(48)} ${typeof v === "number" ? v.toFixed(2) : v}`);
}
