// Runs tasks with at most `limit` at once (a fleet's VMs, ssh checks: the machine's cores are
// shared); every task runs (or is skipped after cancel) and its outcome is kept: one failure
// never stops the others.
export type Outcome<T> = { ok: true; value: T; durationMs: number } | { ok: false; error: unknown; durationMs: number };

/** `firstAlone`: the first item runs by itself before the others start (see createFleet). */
export async function runPool<I, T>(
  items: I[],
  limit: number,
  task: (item: I) => Promise<T>,
  signal?: AbortSignal,
  options: { firstAlone?: boolean } = {},
): Promise<Outcome<T>[]> {
  const outcomes: Outcome<T>[] = new Array(items.length);
  let next = 0;
  const runNext = async () => {
    const i = next++;
    const started = performance.now();
    try {
      if (signal?.aborted) throw signal.reason ?? new Error("cancelled");
      outcomes[i] = { ok: true, value: await task(items[i]!), durationMs: performance.now() - started };
    } catch (error) {
      outcomes[i] = { ok: false, error, durationMs: performance.now() - started };
    }
  };
  const worker = async () => {
    while (next < items.length) await runNext();
  };
  if (options.firstAlone && items.length > 0) await runNext();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return outcomes;
}

/** Every task's value in order, at most `limit` at once; rejects with the first failure once all have run. */
export async function mapLimit<I, T>(items: I[], limit: number, task: (item: I) => Promise<T>): Promise<T[]> {
  return (await runPool(items, limit, task)).map((o) => {
    if (!o.ok) throw o.error;
    return o.value;
  });
}
