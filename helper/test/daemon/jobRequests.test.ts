// A job request says what it means: each kind has exactly its own fields. The real helper
// refuses one with another kind's field, or without a field its kind needs, in one sentence,
// and starts no job for it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { JobStartParams, Requests } from "../../src/protocol";
import { startHelper, type HelperProcess } from "../../../test/support/helperProcess";
import { tempLimaHome } from "../../../test/support/lima";

let home: ReturnType<typeof tempLimaHome>;
let helper: HelperProcess;
let conn: MessageConnection;

before(async () => {
  home = tempLimaHome();
  helper = await startHelper(home.dir);
  conn = await helper.connectClient();
});

after(async () => {
  conn.dispose();
  await helper.stop();
  home.dispose();
});

/** Sends raw params, past the client's types, as another program could. */
async function refusal(params: unknown): Promise<string> {
  try {
    await conn.sendRequest(Requests.jobsStart.method, params);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`the helper accepted ${JSON.stringify(params)}`);
}

const cases: [string, unknown, RegExp][] = [
  ["a start with a build's options", { kind: "start", vm: "a", build: { image: "dev" } }, /A start job does not take "build"\./],
  ["a build with a VM", { kind: "build", vm: "", build: { image: "dev" } }, /A build job does not take "vm"\./],
  ["a fleet with a VM", { kind: "fleet", vm: "", fleet: { action: "stop", prefix: "w" } }, /A fleet job does not take "vm"\./],
  ["a create without its options", { kind: "create", vm: "a" }, /A create job needs "create"\./],
  ["a clone without the new name", { kind: "clone", vm: "a" }, /A clone job needs "target"\./],
  ["an autostart without on or off", { kind: "autostart", vm: "a" }, /An autostart job needs "autostart"\./],
  ["a start without its VM", { kind: "start" }, /A start job needs "vm"\./],
  ["a start with an empty VM name", { kind: "start", vm: "" }, /A start job needs "vm", and it is empty\./],
  ["a stop with API keys", { kind: "stop", vm: "a", secrets: { K: "v" } }, /A stop job does not take "secrets"\./],
  ["an unknown kind", { kind: "explode", vm: "a" }, /"explode" is not a kind of job\./],
];

for (const [what, params, sentence] of cases) {
  test(`${what} is refused with one sentence`, async () => {
    const message = await refusal(params);
    assert.match(message, /^The jobs\/start request was refused: /);
    assert.match(message, sentence);
  });
}

test("no refused request became a job", async () => {
  for (const [, params] of cases) await refusal(params);
  assert.deepEqual(await conn.sendRequest(Requests.jobsList.method, {}), []);
});

test("each kind's own request passes, and a dispatch alone may carry API keys", () => {
  const ok = [
    { kind: "build", build: { image: "dev" } },
    { kind: "fleet", fleet: { action: "delete", prefix: "w", force: true } },
    { kind: "stop", vm: "a", force: true },
    { kind: "rename", vm: "a", target: "b" },
    { kind: "autostart", vm: "a", autostart: false },
    { kind: "dispatch", vm: "a", dispatch: { agent: "codex", prompt: "p" }, secrets: { OPENAI_API_KEY: "k" } },
  ];
  for (const params of ok) assert.equal(JobStartParams.safeParse(params).success, true, JSON.stringify(params));
});
