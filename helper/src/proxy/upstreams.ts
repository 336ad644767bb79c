// Where the proxy forwards each API: the vendors' real endpoints over TLS with the system's CAs.
// Tests (only they) point both at a local TLS server with a CA of their own, through
// NIXLIMA_TEST_API_UPSTREAM (its https URL) and NIXLIMA_TEST_API_CA (the CA's PEM file).
import { readFileSync } from "node:fs";

export interface ApiUpstream {
  url: string;
  /** Extra CA to trust (tests only). */
  ca?: Buffer;
}

export function apiUpstreams(env: NodeJS.ProcessEnv = process.env): { anthropic: ApiUpstream; openai: ApiUpstream } {
  const test = env.NIXLIMA_TEST_API_UPSTREAM;
  if (test) {
    const ca = env.NIXLIMA_TEST_API_CA ? readFileSync(env.NIXLIMA_TEST_API_CA) : undefined;
    return { anthropic: { url: `${test}/anthropic/`, ca }, openai: { url: `${test}/openai/`, ca } };
  }
  return { anthropic: { url: "https://api.anthropic.com/" }, openai: { url: "https://api.openai.com/" } };
}
