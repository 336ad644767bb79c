// One sentence for a request whose params do not fit the protocol, said in the request's own
// terms: which field a job of this kind does not take, or which one it needs.
import type { z } from "zod";

const quoted = (keys: readonly PropertyKey[]) => keys.map((k) => `"${String(k)}"`).join(", ");

function what(raw: unknown): string {
  const kind = raw && typeof raw === "object" && "kind" in raw ? (raw as { kind: unknown }).kind : undefined;
  return typeof kind === "string" ? `${/^[aeiou]/.test(kind) ? "An" : "A"} ${kind} job` : "This request";
}

function sentence(issue: z.core.$ZodIssue, raw: unknown): string {
  const field = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") return `${what(raw)} does not take ${quoted(issue.keys)}.`;
  if (issue.code === "invalid_union" && field === "kind") return `"${String((raw as { kind?: unknown }).kind)}" is not a kind of job.`;
  if (issue.code === "invalid_type" && issue.input === undefined) return `${what(raw)} needs "${field}".`;
  if (issue.code === "too_small" && issue.origin === "string") return `${what(raw)} needs "${field}", and it is empty.`;
  return `${what(raw)} has a wrong "${field}": ${issue.message}.`;
}

/** The first problem with `raw`, as a sentence naming the method. */
export function invalidParams(method: string, error: z.ZodError, raw: unknown): string {
  const first = error.issues[0];
  return first ? `The ${method} request was refused: ${sentence(first, raw)}` : `The ${method} request was refused.`;
}
