import { describe, expect, it } from 'vitest';
import { SqlConditions } from './sql-conditions.js';

describe('SqlConditions', () => {
  it('numbers parameters in the order conditions are added and reuses one parameter within a condition', () => {
    const c = new SqlConditions()
      .where('state = $?', 'new')
      .where('org_code = ANY($?) OR issuer_org = ANY($?)', ['410100']);
    const limit = c.param(50);
    expect(`${c.sql} LIMIT ${limit}`).toBe('(state = $1) AND (org_code = ANY($2) OR issuer_org = ANY($2)) LIMIT $3');
    expect(c.params).toEqual(['new', ['410100'], 50]);
  });

  it('is TRUE without conditions', () => {
    expect(new SqlConditions().sql).toBe('TRUE');
  });
});
