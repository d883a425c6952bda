import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

// OWASP's scrypt floor (Password Storage Cheat Sheet): N=2^17, r=8, p=1, or one of the
// settings it lists as equivalent. N=2^15, r=8, p=3 is one: 32 MiB per hash instead of 128,
// which keeps four logins at once (libuv's pool) well inside a consumption instance. The
// parameters are stored in each hash, so older hashes still verify.
const PARAMS = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // Node's check counts the p blocks as well as the N*r scratch space.
  const options: ScryptOptions = { ...params, maxmem: 128 * params.r * (params.N + params.p) * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, base64url parts. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Whether a stored hash was made with today's parameters (else it is upgraded at the next login). */
export function isCurrentHash(stored: string): boolean {
  return stored.startsWith(["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, ""].join("$"));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Verified against when the user does not exist, so both paths take the same time. */
export const DUMMY_PASSWORD_HASH =
  "scrypt$32768$8$3$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
