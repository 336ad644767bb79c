// How a task's model usage and budget read and are written, for the CLI and the editor alike:
// pure functions.
import { NixlimaError } from "../errors";
import type { TaskUsage } from "../protocol";

export interface BudgetLimits {
  maxTokens?: number | undefined;
  maxCostUsd?: number | undefined;
}

/** Whom a budget sentence speaks of: a task stopped for its budget, or (in the proxy's refusal, read by the agent) the task still asking. */
const BUDGET_SUBJECT = { stopped: "Stopped: the task", asking: "This task" } as const;

/**
 * "Stopped: the task used its budget of 50,000 tokens." The one wording of a budget, for every
 * sentence that names it: `subject` says whom it speaks of, `aside` adds what the caller knows
 * in parentheses before the full stop.
 */
export function budgetSentence(limits: BudgetLimits, words: { subject?: keyof typeof BUDGET_SUBJECT; aside?: string } = {}): string {
  const parts = [
    ...(limits.maxTokens !== undefined ? [`${limits.maxTokens.toLocaleString("en-US")} tokens`] : []),
    ...(limits.maxCostUsd !== undefined ? [`$${formatUsd(limits.maxCostUsd)} (estimated)`] : []),
  ];
  const aside = words.aside ? ` (${words.aside})` : "";
  return `${BUDGET_SUBJECT[words.subject ?? "stopped"]} used its budget of ${parts.join(" or ") || "tokens"}${aside}.`;
}

/** The first limit the usage has reached (that limit alone), or undefined while the budget lasts. */
export function reachedLimit(limits: BudgetLimits, u: TaskUsage | undefined): BudgetLimits | undefined {
  const used = u ? u.tokensIn + u.tokensOut : 0;
  if (limits.maxTokens !== undefined && used >= limits.maxTokens) return { maxTokens: limits.maxTokens };
  if (limits.maxCostUsd !== undefined && (u?.costUsd ?? 0) >= limits.maxCostUsd) return { maxCostUsd: limits.maxCostUsd };
  return undefined;
}

/** Which of a task's limits it used, in the sentence people see when it stops for its budget. */
export function budgetStopSentence(r: BudgetLimits & { usage?: TaskUsage | undefined }, aside?: string): string {
  return budgetSentence(reachedLimit(r, r.usage) ?? r, aside ? { aside } : {});
}

/** 950, 12.3k, 1.2M. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${trim(n / 1000)}k`;
  return `${trim(n / 1_000_000)}M`;
}

const trim = (x: number) => (x >= 100 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, ""));

function formatUsd(x: number): string {
  if (x === 0 || x >= 0.01) return x.toFixed(2);
  return x.toFixed(4).replace(/0+$/, "");
}

/** "12.3k in · 1.2k out · ~$0.05": the cost is an estimate, left out when no model was priced. */
export function describeUsage(u: TaskUsage): string {
  const cost = u.costUsd === undefined ? "" : ` · ~$${formatUsd(u.costUsd)}${u.costPartial ? "+" : ""}`;
  return `${formatTokens(u.tokensIn)} in · ${formatTokens(u.tokensOut)} out${cost}`;
}

/** A fleet's total: the members' usages added up. */
export function addUsages(usages: TaskUsage[]): TaskUsage | undefined {
  if (usages.length === 0) return undefined;
  const sum: TaskUsage = { tokensIn: 0, tokensOut: 0, requests: 0 };
  for (const u of usages) {
    sum.tokensIn += u.tokensIn;
    sum.tokensOut += u.tokensOut;
    sum.requests += u.requests;
    if (u.costUsd !== undefined) sum.costUsd = (sum.costUsd ?? 0) + u.costUsd;
    if (u.costPartial) sum.costPartial = true;
  }
  return sum;
}

/** A token limit for --max-tokens: 50000, 50k, 1.5M. */
export function parseTokenLimit(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  const n = m ? Math.round(Number(m[1]) * (m[2] ? (m[2].toLowerCase() === "k" ? 1000 : 1_000_000) : 1)) : NaN;
  if (!(n >= 1)) throw new NixlimaError("usage", `${JSON.stringify(text)} is not a token limit; use a whole number of tokens such as 200000, 200k or 1.5M.`);
  return n;
}

/** A cost limit in US dollars for --max-cost: 2, 0.50, $5. */
export function parseCostLimit(text: string): number {
  const m = /^\$?(\d+(?:\.\d+)?|\.\d+)$/.exec(text.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!(n > 0)) throw new NixlimaError("usage", `${JSON.stringify(text)} is not a cost limit; use an amount of US dollars above zero such as 2 or 0.50.`);
  return n;
}

/** The editor's one budget answer: "200k", "$2" or both ("200k $2"); empty: no limit. */
export function parseBudget(text: string): BudgetLimits {
  const limits: BudgetLimits = {};
  for (const word of text.split(/[\s,]+/).filter(Boolean)) {
    const cost = word.startsWith("$");
    if (cost ? limits.maxCostUsd !== undefined : limits.maxTokens !== undefined) {
      throw new NixlimaError("usage", "Give at most one token limit and one cost limit, for example 200k $2.");
    }
    if (cost) limits.maxCostUsd = parseCostLimit(word);
    else limits.maxTokens = parseTokenLimit(word);
  }
  return limits;
}

/** The answer parseBudget reads back: "200000 $2". */
export function budgetText(limits: BudgetLimits): string {
  return [limits.maxTokens === undefined ? "" : String(limits.maxTokens), limits.maxCostUsd === undefined ? "" : `$${limits.maxCostUsd}`].filter(Boolean).join(" ");
}
