// A task's budget: the totals of what its model requests used (counted by the key proxy from each
// answer's usage) against the limits set at dispatch, tokens (in + out) and/or estimated cost.
// Once a limit is reached the proxy refuses every further request and the dispatch stops the
// task with outcome "budget". One answer may carry the total past the limit: it is counted only
// once it has come back.
import type { TaskUsage } from "../protocol";
import { estimateCost } from "./pricing";
import type { ResponseUsage } from "./usage";
import { reachedLimit, type BudgetLimits } from "../shared/usageWords";

export class TaskBudget {
  private readonly total: TaskUsage = { tokensIn: 0, tokensOut: 0, requests: 0 };
  private readonly listeners: ((usage: TaskUsage) => void)[] = [];
  private readonly exhaustedListeners: ((reached: BudgetLimits) => void)[] = [];
  private told = false;

  constructor(readonly limits: BudgetLimits = {}) {}

  /** Called after each counted answer with the new totals. */
  onChange(listener: (usage: TaskUsage) => void): void {
    this.listeners.push(listener);
  }

  /** Called once, when the totals first reach a limit, with the limit reached. */
  onExhausted(listener: (reached: BudgetLimits) => void): void {
    this.exhaustedListeners.push(listener);
  }

  add(u: ResponseUsage): void {
    const t = this.total;
    t.tokensIn += u.input + u.cacheRead + u.cacheWrite;
    t.tokensOut += u.output;
    t.requests++;
    const cost = estimateCost(u);
    if (cost === undefined) t.costPartial = true;
    else t.costUsd = (t.costUsd ?? 0) + cost;
    const now = this.usage();
    for (const l of this.listeners) l(now);
    const reached = this.exhausted();
    if (reached && !this.told) {
      this.told = true;
      for (const l of this.exhaustedListeners) l(reached);
    }
  }

  usage(): TaskUsage {
    return { ...this.total };
  }

  /** Whether it has a limit: then every request must be counted. */
  limited(): boolean {
    return this.limits.maxTokens !== undefined || this.limits.maxCostUsd !== undefined;
  }

  /** The limit reached (no more requests may go out), or undefined while the budget lasts. */
  exhausted(): BudgetLimits | undefined {
    return reachedLimit(this.limits, this.total);
  }
}
