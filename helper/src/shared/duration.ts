// DURATION for --timeout: `90s`, `30m`, `2h`, `1h30m`, or plain seconds.
import { NixlimaError } from "../errors";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+$/.test(t) && Number(t) > 0) return Number(t) * 1000;
  const parts = [...t.matchAll(/(\d+)([smh])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== t) {
    throw new NixlimaError("usage", `${JSON.stringify(text)} is not a duration; use for example 90s, 30m, 2h or 1h30m.`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  if (ms <= 0) throw new NixlimaError("usage", "The timeout must be longer than zero.");
  return ms;
}
