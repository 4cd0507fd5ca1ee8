/**
 * Tiered supervision by credit (分级分类监管): an enterprise's latest grade sets the factor on the deadline of a
 * work order addressed to it (configuration `credit.deadline_factors`; lower grades, shorter deadlines).
 */
import type { Sql } from '../../store/index.js';
import type { CenterConfig } from '../config/center-config.js';

export interface DeadlineTier {
  grade: string | null;
  factor: number;
  config_version: number;
}

/** The enterprise's latest stored grade and its factor; factor 1 for an enterprise not graded yet. */
export async function deadlineTier(
  tx: Pick<Sql, 'query'>,
  config: Pick<CenterConfig, 'get'>,
  enterpriseId: string,
): Promise<DeadlineTier> {
  const { version, value: model } = await config.get('credit', tx);
  const rows = await tx.query<{ grade: string }>(
    'SELECT grade FROM credit_enterprise_days WHERE enterprise_id = $1 ORDER BY day DESC LIMIT 1',
    [enterpriseId],
  );
  const grade = rows[0]?.grade ?? null;
  const factor = grade !== null && Object.hasOwn(model.deadline_factors, grade) ? model.deadline_factors[grade] : 1;
  return { grade, factor, config_version: version };
}
