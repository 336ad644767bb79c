// The one error type the helper throws on purpose: a code the UI can act on, one sentence that
// says what is wrong and how to fix it, and, when the sentence is ours, Lima's raw text for the log.
import type { ErrorCode, HelperError } from "./protocol";

export class NixlimaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "NixlimaError";
  }

  toJSON(): HelperError {
    const e: HelperError = { code: this.code, message: this.message };
    if (this.hint !== undefined) e.hint = this.hint;
    if (this.detail !== undefined) e.detail = this.detail;
    return e;
  }
}

/** Any thrown value as a HelperError; unexpected ones keep their message, never a stack. */
export function toHelperError(err: unknown): HelperError {
  if (err instanceof NixlimaError) return err.toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return { code: "failed", message };
}
