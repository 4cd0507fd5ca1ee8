/**
 * Enterprise registrations of market supervision (市场监管 企业登记, docs/sources/market_registration.md) → records
 * for PostgreSQL `market_registrations`, read beside the transport registry's `enterprises` by credit code.
 */
import { creditCodeCheckCharacter, type LicenceRecord, type MarketStatus } from '../../schema/index.js';
import {
  asRecord,
  normalizeWith,
  optionalText,
  orgCodeOf,
  parseTime,
  RecordProblem,
  requiredText,
  type Outcome,
  type SourceRecord,
} from './fields.js';
import type { NormalizeContext } from './normalize-camera.js';
import { expandCompactTime } from './taxi-fields.js';

export { creditCodeCheckCharacter };

/** Why a text is not a unified social credit code (18 characters, the 18th the check character), or null. */
export function creditCodeProblem(code: string): string | null {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code))
    return 'is not 18 characters of digits and capital letters other than I, O, S, V, Z';
  const check = creditCodeCheckCharacter(code.slice(0, 17));
  return code[17] === check ? null : `has check character ${code[17]}, its first 17 give ${check}`;
}

/**
 * The register's wording of a status, as the state Vigil acts on. Registers word it variously (存续（在营、开业、在册）,
 * 吊销，未注销, 注销); what matters is whether the enterprise still exists, was revoked (its licence withdrawn, the
 * entity not yet wound up) or is gone.
 */
export function marketStatusOf(text: string): MarketStatus | undefined {
  const t = text.trim().toLowerCase();
  if (['active', 'revoked', 'cancelled', 'moved_out', 'other'].includes(t)) return t as MarketStatus;
  if (t.includes('吊销')) return 'revoked';
  if (t.includes('注销') || t.includes('撤销')) return 'cancelled';
  if (t.includes('迁出')) return 'moved_out';
  if (['存续', '在营', '在业', '开业', '在册', '正常'].some((word) => t.includes(word))) return 'active';
  if (['停业', '清算', '歇业'].some((word) => t.includes(word))) return 'other';
  return undefined;
}

/** A date of the register: valid from its China midnight; no future bound (a register may date ahead by a day). */
function dateOf(record: SourceRecord, field: string, ctx: NormalizeContext): number | null {
  const value = record[field];
  if (value === undefined || value === null || value === '') return null;
  const text = String(value).trim();
  const expanded = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text} 00:00:00` : expandCompactTime(value);
  return parseTime(expanded, field, ctx.receivedAt, Number.MAX_SAFE_INTEGER);
}

function licenceNumbersOf(record: SourceRecord): string[] {
  const value = record.licence_numbers ?? record.licence_no;
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : String(value).split(/[;；,，\n]/);
  if (list.some((item) => typeof item !== 'string' && typeof item !== 'number'))
    throw new RecordProblem('bad_licence_numbers', 'licence_numbers must be text or a list of text');
  const numbers = list.map((item) => String(item).trim()).filter((item) => item !== '');
  if (numbers.length > 50 || numbers.some((n) => n.length > 64))
    throw new RecordProblem(
      'bad_licence_numbers',
      'licence_numbers holds more than 50 numbers or one over 64 characters',
    );
  return numbers;
}

export function normalizeMarketRegistration(value: unknown, ctx: NormalizeContext): Outcome<LicenceRecord> {
  return normalizeWith(() => {
    const record = asRecord(value);
    const creditCode = requiredText(record, ['credit_code', 'uscc'], 'missing_credit_code', 18).toUpperCase();
    const codeProblem = creditCodeProblem(creditCode);
    if (codeProblem) throw new RecordProblem('bad_credit_code', `credit_code ${creditCode} ${codeProblem}`);
    const statusText = requiredText(record, ['status'], 'missing_status', 64);
    const status = marketStatusOf(statusText);
    if (!status)
      throw new RecordProblem(
        'bad_status',
        `status ${JSON.stringify(statusText)} is none of 存续, 在业, 吊销, 注销, 迁出, 停业, 清算 or active, revoked, cancelled, moved_out, other`,
      );
    const establishedOn = dateOf(record, 'established_on', ctx);
    const statusChangedOn = dateOf(record, 'status_changed_on', ctx);
    if (establishedOn !== null && statusChangedOn !== null && statusChangedOn < establishedOn)
      throw new RecordProblem('bad_status_changed_on', 'status_changed_on is before established_on');
    return {
      type: 'market_registration',
      credit_code: creditCode,
      name: requiredText(record, ['name'], 'missing_name', 200),
      status,
      status_text: statusText,
      legal_representative: optionalText(record, ['legal_representative'], 64),
      business_scope: optionalText(record, ['business_scope'], 4000),
      licence_numbers: licenceNumbersOf(record),
      established_on: establishedOn,
      status_changed_on: statusChangedOn,
      authority: optionalText(record, ['authority'], 200),
      org_code: orgCodeOf(record, ctx.keyOrgCode, 0, 0),
    };
  });
}
