// Which user a dispatch runs as: the agent user only on a guest that proved the sandbox.
import assert from "node:assert/strict";
import { test } from "node:test";
import { dispatchAgentUser } from "../../src/audit/runsAs";
import type { AgentFacts } from "../../src/protocol";

const proven: AgentFacts = { source: "guest", user: "agent", egressAllow: [], proof: { agentUser: true, agentSudo: false, egressFilter: true, agentGroups: ["users"], nixTrusted: false, factsRootOnly: true, nscdOpen: false } };

test("the agent user on a proven sandbox, Lima's user (undefined) on anything less", () => {
  assert.equal(dispatchAgentUser(proven), "agent");
  const proof = proven.proof!;
  assert.equal(dispatchAgentUser({ ...proven, proof: { ...proof, agentSudo: true } }), undefined);
  assert.equal(dispatchAgentUser({ ...proven, proof: { ...proof, egressFilter: false } }), undefined);
  assert.equal(dispatchAgentUser({ ...proven, proof: { ...proof, agentGroups: ["wheel"] } }), undefined);
  assert.equal(dispatchAgentUser({ ...proven, proof: { ...proof, factsRootOnly: false } }), undefined);
  assert.equal(dispatchAgentUser({ ...proven, proof: undefined }), undefined);
  assert.equal(dispatchAgentUser({ source: "none" }), undefined);
});

test("a user name sudo could take for an option, or a shell could expand, is never used", () => {
  for (const user of ["-s", "root x", "$(id)", "Agent", ""]) assert.equal(dispatchAgentUser({ ...proven, user }), undefined, user);
});
