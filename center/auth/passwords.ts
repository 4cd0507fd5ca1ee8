/**
 * Password hashing with scrypt, a memory-hard KDF built into Node: 2^15 × 8 × 128 bytes = 32 MiB per hash, which
 * makes offline guessing on GPUs expensive. The stored form carries its parameters, so they can be raised later
 * without invalidating existing hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const COST_N = 1 << 15;
const BLOCK_R = 8;
const PARALLEL_P = 1;
const KEY_BYTES = 32;
const MEMORY_BYTES_MAX = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N: n, r, p, maxmem: MEMORY_BYTES_MAX }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST_N, BLOCK_R, PARALLEL_P);
  return `scrypt$${COST_N}$${BLOCK_R}$${PARALLEL_P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * The stored form of an account no password opens: a kiosk's, which logs in by token only. Not a scrypt hash, so
 * `verifyPassword` refuses every password; a login checks it against a dummy hash (`isPasswordHash`), so its time
 * does not tell such an account from one with a password.
 */
export const NO_PASSWORD = 'no-password';

/** Whether a stored form is a hash some password opens (not `NO_PASSWORD`). */
export function isPasswordHash(stored: string): boolean {
  return stored.startsWith('scrypt$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password for the first admin when none was configured: 18 characters, about 107 bits. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
