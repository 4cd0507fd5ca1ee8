/**
 * GB 32100-2015 unified social credit codes (统一社会信用代码): the check character, shared by the market-registration
 * ingestion that verifies it and by whatever makes registrations (the traffic generator, benchmarks).
 */

/** The 31 characters of a credit code (no I, O, S, V, Z) in the order of their values. */
const CODE_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character (the 18th) of a credit code's first 17 characters. */
export function creditCodeCheckCharacter(first17: string): string {
  const sum = CODE_WEIGHTS.reduce((total, weight, i) => total + CODE_CHARACTERS.indexOf(first17[i]) * weight, 0);
  return CODE_CHARACTERS[(31 - (sum % 31)) % 31];
}
