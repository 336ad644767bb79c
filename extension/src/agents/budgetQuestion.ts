// The dispatch flow's optional budget question, beside the time limit: tokens, an estimated cost,
// or both; an empty answer sets none.
import * as vscode from "vscode";
import { budgetText, parseBudget, type BudgetLimits } from "../../../helper/src/shared/usageWords";

/** The limits, {} for none, or undefined when the person cancelled. */
export async function askBudget(title: string, last: BudgetLimits): Promise<BudgetLimits | undefined> {
  const answer = await vscode.window.showInputBox({
    title,
    prompt: "Budget for the model: tokens in and out (200k), an estimated cost in US dollars ($2), or both (200k $2); empty: none. Counted only when the API key is stored in nixlima.",
    value: budgetText(last),
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        parseBudget(v);
        return undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  });
  return answer === undefined ? undefined : parseBudget(answer);
}
