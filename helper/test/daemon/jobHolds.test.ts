// What running jobs hold: a fleet job holds every VM named PREFIX-N, nothing else; a request's
// extra fields (a dispatch's secrets) never reach the Job.
import assert from "node:assert/strict";
import { test } from "node:test";
import { conflicts, inFleet, jobHoldingVm } from "../../src/shared/jobHolds";
import { JobManager } from "../../src/daemon/jobs";
import type { Job, JobRequest } from "../../src/protocol";

const fleet = (prefix: string): JobRequest => ({ kind: "fleet", fleet: { action: "stop", prefix } });
const vmJob = (vm: string): JobRequest => ({ kind: "start", vm });

test("fleet members are PREFIX-N exactly", () => {
  assert.ok(inFleet("web-1", "web"));
  assert.ok(inFleet("web-12", "web"));
  assert.ok(!inFleet("web-1-2", "web"), "belongs to fleet web-1");
  assert.ok(!inFleet("web-x", "web"));
  assert.ok(!inFleet("web", "web"));
  assert.ok(!inFleet("webby-1", "web"));
});

test("a fleet job conflicts with its members' jobs and its own fleet, not with others", () => {
  assert.ok(conflicts(fleet("web"), vmJob("web-2")));
  assert.ok(conflicts(vmJob("web-2"), fleet("web")));
  assert.ok(conflicts(fleet("web"), { kind: "fleet", fleet: { action: "create", create: { prefix: "web", count: 2, template: "agent" } } }));
  assert.ok(!conflicts(fleet("web"), fleet("web-1")));
  assert.ok(!conflicts(fleet("web"), vmJob("db-1")));
  assert.ok(!conflicts(fleet("web"), { kind: "build", build: { image: "web" } }));
  assert.ok(conflicts({ kind: "dispatch", vm: "a", dispatch: { agent: "claude", prompt: "x" } }, vmJob("a")));
});

test("a request with a secret among its fields is refused; secrets go to the runner alone", async () => {
  let got: Record<string, string> = {};
  const jobs = new JobManager(
    async (_r, _rep, _s, secrets) => {
      got = secrets;
    },
    { changed: () => undefined, tick: () => undefined, log: () => undefined },
  );
  const sneaky = { kind: "dispatch", vm: "a", dispatch: { agent: "claude", prompt: "x" }, secrets: { ANTHROPIC_API_KEY: "sk-1" } } as JobRequest;
  assert.throws(() => jobs.start(sneaky, { ANTHROPIC_API_KEY: "sk-2" }), /A dispatch job does not take "secrets"/);
  assert.equal(got.ANTHROPIC_API_KEY, undefined, "the refused job did not run");
  const { secrets: _dropped, ...clean } = sneaky as JobRequest & { secrets: unknown };
  const job = jobs.start(clean as JobRequest, { ANTHROPIC_API_KEY: "sk-2" });
  await jobs.idle();
  assert.ok(!JSON.stringify(jobs.list()).includes("sk-"), JSON.stringify(job));
  assert.deepEqual(got, { ANTHROPIC_API_KEY: "sk-2" });
});

test("a clone, fork or rename holds its source and the VM it makes; other VM jobs only their VM", () => {
  const running = (request: JobRequest) => ({ id: "j1", state: "running", request, log: [] }) as unknown as Job;
  const holders = (request: JobRequest, names: string[]) => names.filter((n) => jobHoldingVm([running(request)], n));
  assert.deepEqual(holders({ kind: "fork", vm: "tpl", target: "tpl-fork" }, ["tpl", "tpl-fork", "other"]), ["tpl", "tpl-fork"]);
  assert.deepEqual(holders({ kind: "clone", vm: "a", target: "b" }, ["a", "b", "c"]), ["a", "b"]);
  assert.deepEqual(holders({ kind: "rename", vm: "a", target: "b" }, ["a", "b", "c"]), ["a", "b"]);
  assert.deepEqual(holders({ kind: "start", vm: "a" }, ["a", "b"]), ["a"]);
  assert.deepEqual(holders({ kind: "build", build: { image: "dev" } }, ["dev", "a"]), []);
});
