// Who may listen, and who may talk, on the helper's socket. The socket folder may sit in /tmp
// under a name anyone can guess (/tmp/nixlima-UID without XDG_RUNTIME_DIR), so another local
// user could create it first and listen there. Both sides therefore check the folder (ours, 0700,
// not a link) and the socket (ours, a socket), and each proves to the other that it can read the
// 0600 token file in that folder: it sends an HMAC of a fresh nonce, never the token itself, so
// nothing secret reaches whoever listens. Plain Node: the extension uses it without vscode.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { linkSync, lstatSync, mkdirSync, readFileSync, unlinkSync, writeFileSync, type Stats } from "node:fs";
import { join } from "node:path";
import { NixlimaError } from "../errors";

const TOKEN_FILE = "helper.token";

function ownUid(): number {
  return process.getuid?.() ?? -1;
}

function refuse(path: string, what: string): never {
  throw new NixlimaError(
    "untrusted-helper",
    `${what}, so nixlima will not use it for its helper: remove ${path} (as its owner, or with sudo) and try again.`,
  );
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Checks a file or folder nixlima keeps for itself: ours, closed to others, not a link. */
function checkOwn(path: string, stat: Stats, kind: "folder" | "socket" | "file"): void {
  if (stat.isSymbolicLink()) refuse(path, `${path} is a link, not a ${kind}`);
  const rightKind = kind === "folder" ? stat.isDirectory() : kind === "socket" ? stat.isSocket() : stat.isFile();
  if (!rightKind) refuse(path, `${path} is not a ${kind}`);
  if (stat.uid !== ownUid()) refuse(path, `${path} belongs to another user (uid ${stat.uid})`);
  // Connecting to a socket needs write permission on it; the folder and the token must be closed entirely.
  const closed = kind === "socket" ? 0o022 : 0o077;
  if ((stat.mode & closed) !== 0) refuse(path, `${path} is open to other users (mode ${(stat.mode & 0o777).toString(8)})`);
}

/** Makes the helper's folder (0700) if missing; refuses one that is not ours alone. */
export function ensurePrivateDir(dir: string): void {
  if (!lstatOrUndefined(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkOwn(dir, lstatSync(dir), "folder");
}

/** Refuses a socket file another user made or opened (a missing one is fine: nobody listens). */
export function checkSocketFile(path: string): void {
  const stat = lstatOrUndefined(path);
  if (stat) checkOwn(path, stat, "socket");
}

/** The shared secret of this user's helpers and windows, made once (0600) in the private folder. */
export function ensureToken(dir: string): string {
  ensurePrivateDir(dir);
  const path = join(dir, TOKEN_FILE);
  if (!lstatOrUndefined(path)) {
    // Written aside and linked into place, so a racing reader sees the whole token or none.
    const aside = join(dir, `.${TOKEN_FILE}.${process.pid}.${randomBytes(4).toString("hex")}`);
    writeFileSync(aside, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
    try {
      linkSync(aside, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      unlinkSync(aside);
    }
  }
  checkOwn(path, lstatSync(path), "file");
  return readFileSync(path, "utf8").trim();
}

export function newNonce(): string {
  return randomBytes(16).toString("hex");
}

/** What a side sends to show it read the token; each side signs with its own label, so a reply cannot be a reflection. */
export function proofOf(token: string, side: "client" | "helper", nonce: string): string {
  return createHmac("sha256", token).update(`nixlima-${side}\0${nonce}`).digest("hex");
}

export function proofMatches(token: string, side: "client" | "helper", nonce: string, proof: string): boolean {
  const expected = Buffer.from(proofOf(token, side, nonce));
  const given = Buffer.from(proof);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
