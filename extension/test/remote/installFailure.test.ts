// A failed Remote-SSH install, as VS Code's install command reports it, becomes one sentence for
// the person and the raw error for the log. Desktop VS Code (Electron) cannot run here, so each
// install below is a tiny FAKE of workbench.extensions.installExtension rejecting the way VS Code's
// gallery errors reach an extension host: an Error with the gallery's code as its name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { installFailureSentence, tryInstall } from "../../src/remote/installFailure";

const ID = "ms-vscode-remote.remote-ssh";
/** FAKE install command: rejects with VS Code's gallery error `name` and `message`. */
const fakeInstallFailing = (name: string, message: string) => async () => {
  throw Object.assign(new Error(message), { name });
};

test("offline, the install fails with one sentence about the marketplace, and the resolver's words go to the log only", async () => {
  const outcome = await tryInstall(ID, fakeInstallFailing("Failed", "getaddrinfo ENOTFOUND marketplace.visualstudio.com"));
  assert.equal(outcome.kind, "failed");
  if (outcome.kind !== "failed") return;
  assert.match(outcome.sentence, /^ms-vscode-remote\.remote-ssh could not be installed because the extension marketplace cannot be reached: install it once you are online/);
  assert.doesNotMatch(outcome.sentence, /getaddrinfo|ENOTFOUND|`/);
  assert.ok(outcome.sentence.endsWith(".") && !/[.!?]\s/.test(outcome.sentence), "one sentence: a full stop only at its end");
  assert.equal(outcome.detail, "Failed: getaddrinfo ENOTFOUND marketplace.visualstudio.com");
});

test("every way VS Code says the network is not there maps to the same sentence", () => {
  const offline = installFailureSentence(ID, Object.assign(new Error("getaddrinfo EAI_AGAIN open-vsx.org"), { name: "Failed" }));
  const shapes: unknown[] = [
    Object.assign(new Error("Offline"), { name: "Offline" }),
    Object.assign(new Error("XHR timeout: undefinedms"), { name: "Timeout" }),
    Object.assign(new Error("net::ERR_INTERNET_DISCONNECTED"), { name: "Failed" }),
    new Error("connect ECONNREFUSED 127.0.0.1:443"),
    { name: "Error", message: "getaddrinfo ENOTFOUND marketplace.visualstudio.com" },
  ];
  for (const shape of shapes) assert.equal(installFailureSentence(ID, shape), offline, JSON.stringify(shape, Object.getOwnPropertyNames(shape)));
});

test("another failure says it failed and where the reason is, without the raw text", async () => {
  const outcome = await tryInstall(ID, fakeInstallFailing("NotFound", "Extension 'ms-vscode-remote.remote-ssh' not found."));
  assert.equal(outcome.kind, "failed");
  if (outcome.kind !== "failed") return;
  assert.match(outcome.sentence, /could not be installed: the nixlima log says why/);
  assert.doesNotMatch(outcome.sentence, /marketplace cannot be reached|not found/);
});

test("a cancelled install says nothing, and a successful one says it installed", async () => {
  assert.deepEqual(await tryInstall(ID, fakeInstallFailing("Canceled", "Canceled")), { kind: "cancelled" });
  let asked = "";
  assert.deepEqual(await tryInstall(ID, async (id) => (asked = id)), { kind: "installed" });
  assert.equal(asked, ID, "the install is asked for the extension that fits this editor");
});
