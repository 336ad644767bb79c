// Quick pick and input box steps with a Back button (QuickInputButtons.Back), for wizards.
import * as vscode from "vscode";

export const BACK = Symbol("back");
/** A step was answered: on to the next (a step's own result lives in the wizard's answers). */
export const NEXT = Symbol("next");
/** The answer, BACK, or undefined when the user closed the wizard. */
export type StepAnswer<T> = T | typeof BACK | undefined;

export interface PickStepOptions<T extends vscode.QuickPickItem> {
  title: string | ((active: T | undefined) => string);
  placeholder: string;
  items: T[];
  canGoBack: boolean;
  active?: T;
}

export function pickStep<T extends vscode.QuickPickItem>(o: PickStepOptions<T>): Promise<StepAnswer<T>> {
  const qp = vscode.window.createQuickPick<T>();
  const title = (active: T | undefined) => (typeof o.title === "function" ? o.title(active) : o.title);
  qp.title = title(o.active ?? o.items[0]);
  qp.placeholder = o.placeholder;
  qp.items = o.items;
  if (o.active) qp.activeItems = [o.active];
  qp.ignoreFocusOut = true;
  qp.buttons = o.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: StepAnswer<T>) => {
      if (settled) return;
      settled = true;
      resolve(answer);
      qp.dispose();
    };
    // The title's step count follows the highlighted choice (a template decides the path).
    qp.onDidChangeActive((items) => (qp.title = title(items[0])));
    qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(BACK));
    qp.onDidAccept(() => done(qp.selectedItems[0] ?? qp.activeItems[0]));
    qp.onDidHide(() => done(undefined));
    qp.show();
  });
}

export interface InputStepOptions {
  title: string;
  prompt: string;
  value?: string;
  placeholder?: string;
  canGoBack: boolean;
  validate: (value: string) => string | undefined;
}

export function inputStep(o: InputStepOptions): Promise<StepAnswer<string>> {
  const box = vscode.window.createInputBox();
  box.title = o.title;
  box.prompt = o.prompt;
  box.value = o.value ?? "";
  box.placeholder = o.placeholder;
  box.ignoreFocusOut = true;
  box.buttons = o.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  const check = () => (box.validationMessage = box.value === "" && !o.value ? undefined : o.validate(box.value));
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: StepAnswer<string>) => {
      if (settled) return;
      settled = true;
      resolve(answer);
      box.dispose();
    };
    box.onDidChangeValue(check);
    box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(BACK));
    box.onDidAccept(() => {
      const problem = o.validate(box.value);
      if (problem) box.validationMessage = problem;
      else done(box.value);
    });
    box.onDidHide(() => done(undefined));
    box.show();
  });
}
