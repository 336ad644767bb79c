// What a failed Remote-SSH install means to a person. VS Code's install command rejects with its
// gallery's error carried over to the extension host: a name ("Offline", "Timeout", "Failed", …)
// and a message that is often the resolver's own words (getaddrinfo ENOTFOUND …, net::ERR_…),
// which belong in the log, not in a notification. Pure, so the words are tested without VS Code.

/** What VS Code's command rejected with, as far as nixlima reads it. */
export interface InstallError {
  name?: string;
  message?: string;
}

export type InstallOutcome = { kind: "installed" } | { kind: "cancelled" } | { kind: "failed"; sentence: string; detail: string };

/** Node's and Chromium's words for a network that is not there, and VS Code's gallery codes for it. */
const UNREACHABLE = /getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|net::ERR_|XHR (failed|timeout)|offline|socket hang up/i;
const UNREACHABLE_CODES = new Set(["Offline", "Timeout"]);
const CANCELLED = /^Canceled$|^Cancelled$/;

function asInstallError(err: unknown): InstallError {
  if (err instanceof Error) return { name: err.name, message: err.message };
  if (typeof err === "object" && err !== null) return err as InstallError;
  return { message: String(err) };
}

/** One sentence about a failed install of `id`, or undefined when the person cancelled it. */
export function installFailureSentence(id: string, err: unknown): string | undefined {
  const e = asInstallError(err);
  if (CANCELLED.test(e.name ?? "") || CANCELLED.test(e.message ?? "")) return undefined;
  if (UNREACHABLE_CODES.has(e.name ?? "") || UNREACHABLE.test(e.message ?? "")) {
    return `${id} could not be installed because the extension marketplace cannot be reached: install it once you are online, or from a .vsix file (Extensions: Install from VSIX… in the Command Palette).`;
  }
  return `${id} could not be installed: the nixlima log says why (Show Log), and Extensions: Install from VSIX… in the Command Palette installs it from a file.`;
}

/** Runs VS Code's install of `id` and says how it went, with the raw error kept for the log. */
export async function tryInstall(id: string, install: (id: string) => PromiseLike<unknown>): Promise<InstallOutcome> {
  try {
    await install(id);
    return { kind: "installed" };
  } catch (err) {
    const sentence = installFailureSentence(id, err);
    if (sentence === undefined) return { kind: "cancelled" };
    const e = asInstallError(err);
    return { kind: "failed", sentence, detail: `${e.name ?? "Error"}: ${e.message ?? ""}` };
  }
}
