// What a task's guest gets for its keys: base URLs on a forwarded loopback port and the proxy's
// token, never the Anthropic or OpenAI key; any other secret is passed as given and named.
import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { taskKeys } from "../../src/dispatch/taskKeys";

const KEY = "sk-ant-planted-key";
const OPENAI = "sk-openai-planted-key";

test("keys stay on the host: the guest gets the proxy's token and base URLs, ssh a reverse forward to it", async () => {
  const keys = await taskKeys({ ANTHROPIC_API_KEY: KEY, OPENAI_API_KEY: OPENAI, GITHUB_TOKEN: "ghp_x" });
  try {
    const env = keys.guestEnv;
    assert.match(env.ANTHROPIC_API_KEY!, /^nixlima-task-[0-9a-f]{48}$/);
    assert.equal(env.OPENAI_API_KEY, env.ANTHROPIC_API_KEY);
    const port = /^http:\/\/127\.0\.0\.1:(\d+)\/anthropic$/.exec(env.ANTHROPIC_BASE_URL!)?.[1];
    assert.ok(port, env.ANTHROPIC_BASE_URL);
    assert.equal(env.OPENAI_BASE_URL, `http://127.0.0.1:${port}/openai/v1`);
    assert.ok(!JSON.stringify(env).includes(KEY) && !JSON.stringify(env).includes(OPENAI));
    assert.equal(env.GITHUB_TOKEN, "ghp_x");
    assert.deepEqual(keys.unproxied, ["GITHUB_TOKEN"]);
    const forward = keys.sshOptions.at(-1)!;
    const hostPort = new RegExp(`^127\\.0\\.0\\.1:${port}:127\\.0\\.0\\.1:(\\d+)$`).exec(forward)?.[1];
    assert.ok(hostPort, forward);
    assert.deepEqual(keys.sshOptions.slice(0, 5), ["-o", "ControlPath=none", "-o", "ExitOnForwardFailure=yes", "-R"]);
    // The forward's host end is the live proxy: it refuses a request without the token.
    const status = await new Promise<number>((resolve, reject) => {
      request({ agent: false, host: "127.0.0.1", port: Number(hostPort), path: "/anthropic/v1/models" }, (res) => resolve(res.statusCode ?? 0)).on("error", reject).end();
    });
    assert.equal(status, 401);
  } finally {
    await keys.close();
  }
});

test("without an Anthropic or OpenAI key no proxy and no forward are made", async () => {
  const keys = await taskKeys({});
  assert.deepEqual(keys.guestEnv, {});
  assert.deepEqual(keys.sshOptions, []);
  await keys.close();
});
