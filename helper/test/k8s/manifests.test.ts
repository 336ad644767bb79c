// nix/k8s: every manifest parses, kustomization lists them all, and the Deployment runs the
// flake's agent container as its non-root user with resources, keys from a Secret only, and no
// host paths.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "../../../test/support/lima";

const dir = join(repoRoot, "nix/k8s");
type Obj = Record<string, any>;

const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
const docs: { file: string; obj: Obj }[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((d) => {
    assert.deepEqual(d.errors, [], `${file}: ${d.errors.map((e) => e.message).join("; ")}`);
    return { file, obj: d.toJS() as Obj };
  }),
);
const byKind = (kind: string) => docs.filter((d) => d.obj.kind === kind).map((d) => d.obj);
const deployment = byKind("Deployment")[0]!;
const pod = deployment?.spec?.template?.spec as Obj;
const containerNix = readFileSync(join(repoRoot, "nix/container.nix"), "utf8");

test("the manifests parse; kustomization lists every other file", () => {
  assert.ok(docs.length >= 4);
  const kustomization = byKind("Kustomization")[0]!;
  assert.deepEqual([...kustomization.resources].sort(), files.filter((f) => f !== "kustomization.yaml"));
});

test("a Namespace, and every namespaced object lives in it", () => {
  const [ns] = byKind("Namespace");
  assert.ok(ns, "no Namespace");
  for (const { file, obj } of docs) {
    if (obj.kind === "Namespace" || obj.kind === "Kustomization") continue;
    assert.equal(obj.metadata?.namespace, ns.metadata.name, `${file}: ${obj.kind} is not in ${ns.metadata.name}`);
  }
});

test("the Deployment runs the flake's agent container image", () => {
  const name = /name = "([^"]+)"/.exec(containerNix)?.[1];
  const tag = /tag = "([^"]+)"/.exec(containerNix)?.[1];
  assert.ok(name && tag, "nix/container.nix has no image name and tag");
  assert.deepEqual(pod.containers.map((c: Obj) => c.image), [`${name}:${tag}`]);
  assert.deepEqual(deployment.spec.selector.matchLabels, Object.fromEntries(Object.entries(deployment.spec.selector.matchLabels).map(([k]) => [k, deployment.spec.template.metadata.labels[k]])));
});

test("every container has CPU and memory requests and limits", () => {
  for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
    for (const kind of ["requests", "limits"]) {
      assert.ok(c.resources?.[kind]?.cpu, `${c.name}: no ${kind}.cpu`);
      assert.ok(c.resources?.[kind]?.memory, `${c.name}: no ${kind}.memory`);
    }
  }
});

test("API keys come only from a Secret reference; no literal secret values", () => {
  const env = pod.containers.flatMap((c: Obj) => c.env ?? []);
  const keys = env.filter((e: Obj) => /KEY|TOKEN/.test(e.name));
  assert.deepEqual(keys.map((e: Obj) => e.name).sort(), ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"]);
  for (const e of keys) {
    assert.equal(e.value, undefined, `${e.name} has a literal value`);
    assert.ok(e.valueFrom?.secretKeyRef?.name, `${e.name} is not from a Secret`);
  }
  assert.deepEqual(byKind("Secret"), [], "a Secret with values is committed");
});

test("no host paths, no host namespaces, non-root as the image's own user, no privilege", () => {
  assert.deepEqual((pod.volumes ?? []).filter((v: Obj) => v.hostPath), []);
  assert.equal(JSON.stringify(docs).includes("hostPath"), false);
  for (const k of ["hostNetwork", "hostPID", "hostIPC"]) assert.notEqual(pod[k], true, k);
  const uid = /uid = "(\d+)"/.exec(containerNix)?.[1];
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(String(pod.securityContext.runAsUser), uid);
  assert.notEqual(pod.securityContext.runAsUser, 0);
  for (const c of pod.containers) {
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.notEqual(c.securityContext.privileged, true);
    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
    assert.equal(c.securityContext.runAsUser ?? pod.securityContext.runAsUser, pod.securityContext.runAsUser);
  }
  assert.equal(pod.automountServiceAccountToken, false);
});
