// A UI test's step that explains its own failure: a screenshot of the page at that moment
// (test-results/PREFIX-failed-STEP.png), the nixlima output channel, and whatever else the test
// knows helps (a VM's host-agent log tail), in the error that fails the test.
import { outputChannelText, type CodeServer } from "./codeServer";

export async function explainStep<T>(server: CodeServer | undefined, prefix: string, step: string, body: () => Promise<T>, extra = ""): Promise<T> {
  try {
    return await body();
  } catch (err) {
    await server?.screenshot(`${prefix}-failed-${step.replace(/\W+/g, "-")}`).catch(() => undefined);
    const log = server ? outputChannelText(server, "nixlima") : "";
    throw new Error(`${step}: ${err instanceof Error ? err.message : String(err)}\n--- nixlima log ---\n${log}${extra ? `\n${extra}` : ""}`, { cause: err });
  }
}
