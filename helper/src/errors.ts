// The one error type the helper throws on purpose: a code the UI can act on, and one sentence
// that says what is wrong and how to fix it.
import type { ErrorCode, HelperError } from "./protocol";

export class NixlimaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "NixlimaError";
  }

  toJSON(): HelperError {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

/** Any thrown value as a HelperError; unexpected ones keep their message, never a stack. */
export function toHelperError(err: unknown): HelperError {
  if (err instanceof NixlimaError) return err.toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return { code: "failed", message };
}
