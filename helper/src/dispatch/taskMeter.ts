// A task's live progress and budget: the round it is in, and what its model requests have used
// so far through the key proxy ("Round 1 of 3 · claude in dev · 12.3k in · 1.2k out · ~$0.05"),
// reported again after each counted answer; `spent` aborts once a limit set at dispatch is used.
import type { Reporter } from "../lima/operations";
import type { DispatchOptions, Progress, TaskUsage } from "../protocol";
import { TaskBudget } from "../proxy/budget";
import { describeUsage } from "../shared/usageWords";

export class TaskMeter {
  readonly budget: TaskBudget;
  /** Aborted when the budget is used: the dispatch then stops the task. */
  readonly spent = new AbortController();
  private stage: Progress = { stage: "Running the agent" };
  private warnedUnpriced = false;

  constructor(
    opts: DispatchOptions,
    private readonly what: string,
    private readonly r: Reporter & { warn?(message: string): void },
  ) {
    this.budget = new TaskBudget({ maxTokens: opts.maxTokens, maxCostUsd: opts.maxCostUsd });
    this.budget.onChange((usage) => {
      this.report();
      if (usage.costPartial && opts.maxCostUsd !== undefined && !this.warnedUnpriced) {
        this.warnedUnpriced = true;
        const why = "The agent uses a model nixlima has no price for: the cost limit cannot count its answers (the token count still does).";
        if (r.warn) r.warn(why);
        else r.log(`warning: ${why}`);
      }
    });
    this.budget.onExhausted(() => this.spent.abort());
  }

  round(round: number, rounds: number): void {
    this.stage = { stage: `Round ${round} of ${rounds}`, fraction: (round - 1) / rounds };
    this.report();
  }

  /** The usage line for a progress message: "claude in dev · 12.3k in · 1.2k out". */
  progress(base: Progress, what = this.what): Progress {
    const usage = this.budget.usage();
    if (usage.requests === 0) return { ...base, message: what };
    return { ...base, message: `${what} · ${describeUsage(usage)}`, usage };
  }

  /**
   * `r` with every progress carrying the usage so far once the model was asked: a stage after the
   * rounds (stopping the agent, collecting its work) would otherwise drop the count the editor
   * shows on the Task row, and from a fleet's total, until the result comes. Its stage becomes the
   * meter's too: a count that comes in later (a stream cut by the stop) reports that stage again,
   * not the last round.
   */
  counting<R extends Reporter>(r: R): R {
    const progress = (p: Progress) => {
      this.stage = { stage: p.stage, ...(p.fraction === undefined ? {} : { fraction: p.fraction }) };
      r.progress(p.usage || this.budget.usage().requests === 0 ? p : { ...p, usage: this.budget.usage() });
    };
    return { ...r, progress };
  }

  usage(): TaskUsage {
    return this.budget.usage();
  }

  private report(): void {
    this.r.progress(this.progress(this.stage));
  }
}
