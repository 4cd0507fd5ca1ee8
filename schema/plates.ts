/**
 * The one check of a plate entering Vigil, whatever the path (JT/T 808 registration, JT/T 809 envelopes, HTTP
 * sources, the registry, the admins' API). A plate is shown on the wall, searched by officers, compared across
 * sources and written into audit records, so characters a reader cannot see must never be part of one: a
 * zero-width space makes "豫A12345" a different vehicle that looks the same (cloned-plate and unlicensed rules
 * miss it), bidi controls make a plate display reversed, and control characters break logs and exports.
 */
import type { FieldProblem } from './columns.js';

export const BAD_PLATE_REASON = 'bad_plate';

/** Characters of a plate at most. Real plates have 7-8; the field also holds a VIN (17) when a vehicle has none. */
export const PLATE_CHARACTERS_MAX = 32;

/**
 * Refused anywhere in a plate: C0 and C1 controls and DEL (Cc); format characters (Cf), among them the
 * zero-width U+200B-U+200F, the bidi embeddings and overrides U+202A-U+202E, the isolates U+2066-U+2069, the
 * byte-order mark U+FEFF, the soft hyphen and word joiners; unpaired surrogates (Cs); line and paragraph
 * separators (Zl, Zp); and U+FFFD, which a decoder leaves where the bytes were not text (GBK on the wire).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\uFFFD]/u;

/** Valid plates (the empty one included: a plate may be unknown), for column specs of stored tables. */
export const PLATE_PATTERN = new RegExp(`^(?:(?!${INVISIBLE.source}).){0,${PLATE_CHARACTERS_MAX}}$`, 'u');

/**
 * Why `plate` cannot be stored, or null. The detail names the offending character by code point and position,
 * never by itself, so that it cannot reach a log line or a screen.
 */
export function plateProblem(plate: string, field = 'plate'): FieldProblem | null {
  const codePoints = [...plate];
  if (codePoints.length > PLATE_CHARACTERS_MAX)
    return {
      field,
      reason: BAD_PLATE_REASON,
      detail: `${field} has ${codePoints.length} characters, more than ${PLATE_CHARACTERS_MAX}`,
    };
  const at = codePoints.findIndex((c) => INVISIBLE.test(c));
  if (at < 0) return null;
  const code = codePoints[at].codePointAt(0) ?? 0;
  return {
    field,
    reason: BAD_PLATE_REASON,
    detail: `${field} holds the invisible, control or undecodable character U+${code.toString(16).toUpperCase().padStart(4, '0')} at position ${at + 1}`,
  };
}
