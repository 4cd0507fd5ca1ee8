/**
 * RSA decryption of encrypted bodies (encryption bit 10). JT/T 808 exchanges 1024-bit RSA public keys
 * (0x0A00/0x8A00) but does not spell out the block layout. We assume what Java implementations do with
 * `Cipher.getInstance("RSA")` (RSA/ECB/PKCS1Padding): the body is a sequence of ciphertext blocks of the
 * modulus size (128 bytes for 1024-bit keys), each holding up to 117 plaintext bytes. This is an
 * assumption, not the standard's text; `padding: 'none'` covers textbook RSA with full blocks.
 *
 * Node 20 refuses RSA_PKCS1_PADDING for private decryption (CVE-2023-46809), so we decrypt without
 * padding and remove the PKCS#1 v1.5 type-2 padding ourselves. The outcome of a bad padding is a plain
 * reject that the gateway answers like any bad message; do not expose distinct replies per failure,
 * which would hand an attacker a padding oracle.
 */
import { KeyObject, constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import type { Result } from './types.js';
import { ok, reject } from './types.js';

export interface RsaDecryption {
  /** PEM/DER private key or a KeyObject. */
  privateKey: KeyObject | string | Buffer;
  /** Block padding; default 'pkcs1'. */
  padding?: 'pkcs1' | 'none';
}

/** Smallest PKCS#1 v1.5 padding: 00 02, eight non-zero bytes, 00. */
const PKCS1_OVERHEAD_MIN = 11;

function unpadPkcs1(block: Buffer): Buffer | null {
  if (block[0] !== 0x00 || block[1] !== 0x02) return null;
  const separator = block.indexOf(0x00, 2);
  if (separator < PKCS1_OVERHEAD_MIN - 1) return null;
  return block.subarray(separator + 1);
}

export function decryptBody(body: Buffer, rsa: RsaDecryption): Result<Buffer> {
  let key: KeyObject;
  try {
    key = rsa.privateKey instanceof KeyObject ? rsa.privateKey : createPrivateKey(rsa.privateKey);
  } catch (e) {
    return reject('decrypt_failed', `private key unusable: ${(e as Error).message}`);
  }
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || modulusBits === undefined)
    return reject('decrypt_failed', 'private key is not RSA');
  const blockBytes = modulusBits / 8;
  if (body.length === 0 || body.length % blockBytes !== 0) {
    return reject(
      'decrypt_failed',
      `encrypted body of ${body.length} bytes is not a multiple of the ${blockBytes}-byte RSA block`,
    );
  }
  const plain: Buffer[] = [];
  for (let at = 0; at < body.length; at += blockBytes) {
    let block: Buffer;
    try {
      block = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, body.subarray(at, at + blockBytes));
    } catch (e) {
      return reject('decrypt_failed', `block at ${at}: ${(e as Error).message}`);
    }
    if (rsa.padding === 'none') {
      plain.push(block);
      continue;
    }
    const unpadded = unpadPkcs1(block);
    if (unpadded === null) return reject('decrypt_failed', `block at ${at} has no valid PKCS#1 padding`);
    plain.push(unpadded);
  }
  return ok(Buffer.concat(plain));
}
