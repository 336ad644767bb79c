// The templates keep Lima from forwarding the guest ports NixOS's own services listen on:
// the DHCP client (UDP 68) and the agent sandbox's resolver (dnsmasq, port 53).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const templates = join(import.meta.dirname, "../../../templates");

for (const name of ["minimal", "dev", "agent"]) {
  test(`${name}: Lima ignores guest ports 68/udp and 53 (tcp and udp)`, () => {
    const rules = (parse(readFileSync(join(templates, `${name}.yaml`), "utf8")) as { portForwards: Record<string, unknown>[] }).portForwards;
    const ignored = (port: number, protos: string[]) =>
      rules.some((r) => r.ignore === true && r.guestIP === "0.0.0.0" && r.guestPort === port && protos.includes(String(r.proto)));
    assert.ok(ignored(68, ["udp", "any"]), JSON.stringify(rules));
    assert.ok(ignored(53, ["any"]), JSON.stringify(rules));
  });
}
