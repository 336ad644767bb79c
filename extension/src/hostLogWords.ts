// The host agent's log (ha.stderr.log, JSON lines from Lima's logrus) as lines people read:
// `12:03:04  info   Waiting for the guest agent`, extra fields after the message. Pure.
export function readableLogLine(raw: string): string {
  const text = raw.trim();
  if (!text.startsWith("{")) return raw;
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return raw;
  }
  const { level, msg, time, ...fields } = obj;
  const clock = typeof time === "string" ? (/T(\d\d:\d\d:\d\d)/.exec(time)?.[1] ?? time) : "";
  const extra = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return [clock, String(level ?? "info").padEnd(7), String(msg ?? ""), extra ? ` (${extra})` : ""].join(" ").trimEnd().replace(/ {2,}\(/, " (");
}

export function readableLog(text: string): string {
  return text
    .split("\n")
    .map((l) => (l.trim() === "" ? "" : readableLogLine(l)))
    .join("\n");
}
