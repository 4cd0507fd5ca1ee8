/**
 * The JT/T 809 body cipher: a linear congruential key stream seeded by the header's ENCRYPT_KEY and the
 * platform's M1, IA1 and IC1. Each byte is XORed with bits 20-27 of the next key, so encrypting and
 * decrypting are the same operation. Arithmetic is on unsigned 32-bit integers, as in the standard's C code.
 */
export interface Jt809CipherKeys {
  m1: number;
  ia1: number;
  ic1: number;
}

export function checkCipherKeys(keys: Jt809CipherKeys): string | null {
  for (const [name, value] of Object.entries(keys)) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
      return `${name} value ${value} is outside [0, 4294967295]`;
  }
  if (keys.m1 === 0) return 'm1 value 0 is less than min allowed 1';
  return null;
}

export function applyCipher(data: Buffer, seed: number, keys: Jt809CipherKeys): Buffer {
  const out = Buffer.from(data);
  let key = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    key = (Math.imul(keys.ia1 >>> 0, (key >>> 0) % keys.m1) + keys.ic1) >>> 0;
    out[i] ^= (key >>> 20) & 0xff;
  }
  return out;
}
