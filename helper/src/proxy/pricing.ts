// What a task's tokens cost, as an ESTIMATE: the vendors' public list prices per million tokens
// (as of late 2025) for each model family, matched on the model's name. Discounts, batch prices,
// long-context surcharges and price changes are not known here; a model not in the table gets
// no cost at all (its tokens still count).
import type { ResponseUsage } from "./usage";

interface Price {
  /** USD per million tokens. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const price = (input: number, output: number, cacheRead: number, cacheWrite = input): Price => ({ input, output, cacheRead, cacheWrite });

// First match wins: the more specific names come first.
const PRICES: [RegExp, Price][] = [
  [/^claude-(opus-4-5|opus-4\.5)/, price(5, 25, 0.5, 6.25)],
  [/^claude-(opus|3-opus)/, price(15, 75, 1.5, 18.75)],
  [/^claude-(sonnet|3-5-sonnet|3-7-sonnet)/, price(3, 15, 0.3, 3.75)],
  [/^claude-(haiku-4|haiku-4-5)/, price(1, 5, 0.1, 1.25)],
  [/^claude-(3-5-haiku|haiku-3-5)/, price(0.8, 4, 0.08, 1)],
  [/^claude-3-haiku/, price(0.25, 1.25, 0.03, 0.3)],
  [/^gpt-5(\.\d+)?-nano/, price(0.05, 0.4, 0.005)],
  [/^gpt-5(\.\d+)?-mini/, price(0.25, 2, 0.025)],
  [/^gpt-5/, price(1.25, 10, 0.125)],
  [/^gpt-4\.1-nano/, price(0.1, 0.4, 0.025)],
  [/^gpt-4\.1-mini/, price(0.4, 1.6, 0.1)],
  [/^gpt-4\.1/, price(2, 8, 0.5)],
  [/^gpt-4o-mini/, price(0.15, 0.6, 0.075)],
  [/^gpt-4o/, price(2.5, 10, 1.25)],
  [/^o4-mini/, price(1.1, 4.4, 0.275)],
  [/^o3-mini/, price(1.1, 4.4, 0.55)],
  [/^o3/, price(2, 8, 0.5)],
];

/** The estimated cost in USD of one answer, or undefined for a model not in the table. */
export function estimateCost(u: ResponseUsage): number | undefined {
  const p = u.model ? PRICES.find(([name]) => name.test(u.model!))?.[1] : undefined;
  if (!p) return undefined;
  return (u.input * p.input + u.output * p.output + u.cacheRead * p.cacheRead + u.cacheWrite * p.cacheWrite) / 1_000_000;
}
