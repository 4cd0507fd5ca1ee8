/** The score, ranks and lists on hand-made figures; the font finder's named refusal. */
import { describe, expect, it } from 'vitest';
import type { AssessmentFigures, AssessmentIndicatorId, AssessmentUnit } from '../../schema/index.js';
import { CONFIG_DEFAULTS, checkConfig } from '../config/center-config.js';
import { periodWords } from './circular-content.js';
import { zhengzhouCircular } from './circular.test-data.js';
import { CjkFontMissingError, findCjkFont } from './circular-font.js';
import { ASSESSMENT_INDICATORS } from './indicators.js';
import { rankUnits, scoreOf } from './scoring.js';

const RULES = CONFIG_DEFAULTS.assessment_scoring;

function figures(values: Partial<Record<AssessmentIndicatorId, number | null>>): AssessmentFigures {
  return Object.fromEntries(
    ASSESSMENT_INDICATORS.map((i) => {
      const value = values[i.id] ?? null;
      return [i.id, { value, numerator: value ?? 0, denominator: value === null ? 0 : 1 }];
    }),
  ) as AssessmentFigures;
}

function unit(code: string, values: Partial<Record<AssessmentIndicatorId, number | null>>): AssessmentUnit {
  return {
    org_code: code,
    enterprise_id: null,
    name: `单位${code}`,
    level: 'county',
    directly_administered: false,
    view_only: false,
    figures: figures(values),
  };
}

const PERFECT = {
  entry_rate: 1,
  online_rate: 1,
  track_completeness: 1,
  avg_overspeed_count: 0,
  alarm_handling_rate: 1,
  ontime_closure_rate: 1,
  inspection_response_rate: 1,
};

describe('assessment score', () => {
  it('is the weighted attainment out of 100, the overspeed average falling linearly to 0 at overspeed_zero_at', () => {
    expect(scoreOf(figures(PERFECT), ASSESSMENT_INDICATORS, RULES).score).toBe(100);
    // online 0.5 loses half of its 20; 1 overspeed per vehicle of a zero-at of 2 loses half of its 15.
    const { score, contributions } = scoreOf(
      figures({ ...PERFECT, online_rate: 0.5, avg_overspeed_count: 1 }),
      ASSESSMENT_INDICATORS,
      RULES,
    );
    expect(score).toBe(100 - 10 - 7.5);
    expect(contributions.find((c) => c.indicator === 'avg_overspeed_count')).toMatchObject({
      weight: 15,
      attainment: 0.5,
      points: 7.5,
    });
    expect(scoreOf(figures({ ...PERFECT, avg_overspeed_count: 5 }), ASSESSMENT_INDICATORS, RULES).score).toBe(85);
  });

  it('scores drift and fatigue fewer-is-better when weighted: 1 − drift rate, fatigue falling to 0 at its zero-at', () => {
    const weighted = {
      ...RULES,
      weights: { ...RULES.weights, entry_rate: 0, online_rate: 10, drift_rate: 10, avg_fatigue_minutes: 10 },
    };
    const { contributions } = scoreOf(
      figures({ ...PERFECT, drift_rate: 0.25, avg_fatigue_minutes: 30, data_qualified_rate: 0.9 }),
      ASSESSMENT_INDICATORS,
      weighted,
    );
    const of = (id: AssessmentIndicatorId) => contributions.find((c) => c.indicator === id);
    expect(of('drift_rate')).toMatchObject({ attainment: 0.75, points: 7.5 });
    expect(of('avg_fatigue_minutes')).toMatchObject({ attainment: 0.5, points: 5 });
    // Weighed 0 by default: a figure there adds nothing.
    expect(of('data_qualified_rate')).toMatchObject({ weight: 0, points: 0 });
  });

  it('scales the weights of the indicators with a figure to 100, and has no score without any', () => {
    // Only entry (10) and online (20): 1 and 0.5 → (10 + 10) / 30.
    const { score, contributions } = scoreOf(
      figures({ entry_rate: 1, online_rate: 0.5 }),
      ASSESSMENT_INDICATORS,
      RULES,
    );
    expect(score).toBe(66.67);
    expect(contributions.filter((c) => c.attainment !== null).map((c) => c.effective_weight)).toEqual([33.33, 66.67]);
    expect(scoreOf(figures({}), ASSESSMENT_INDICATORS, RULES).score).toBeNull();
  });

  it('ranks with shared ranks for equal scores, lists by rule, and never puts one name on both lists', () => {
    const rules = {
      ...RULES,
      red: { top_n: 2, min_score: 90 },
      black: { below_score: 60, bottom_n: 1, indicators: [{ indicator: 'online_rate' as const, below: 0.8 }] },
    };
    const { units, red, black } = rankUnits(
      [
        unit('000004', { ...PERFECT, online_rate: 0.7 }),
        unit('000001', PERFECT),
        unit('000002', PERFECT),
        unit('000003', { entry_rate: 0.5 }),
        unit('000005', {}),
      ],
      ASSESSMENT_INDICATORS,
      rules,
    );
    expect(units.map((u) => [u.org_code, u.rank])).toEqual([
      ['000001', 1],
      ['000002', 1],
      ['000004', 3],
      ['000003', 4],
      ['000005', null],
    ]);
    expect(red.map((e) => e.org_code)).toEqual(['000001', '000002']);
    // 000004 scores 94 but its online rate is below 80 %: black, not red.
    expect(black.map((e) => [e.org_code, e.reasons.map((r) => r.rule)])).toEqual([
      ['000004', ['indicator_below']],
      ['000003', ['below_score', 'bottom_n']],
    ]);
    expect(black[0].reasons[0]).toMatchObject({ threshold: 0.8, value: 0.7, text: '上线率70%，低于80%' });
  });
});

describe('assessment_scoring configuration', () => {
  const refusal = (value: unknown): unknown => {
    try {
      checkConfig('assessment_scoring', value);
    } catch (error) {
      return (error as { extra: unknown }).extra;
    }
    return null;
  };
  it('keeps the defaults and names each refusal', () => {
    expect(checkConfig('assessment_scoring', RULES)).toEqual(RULES);
    expect(refusal({ ...RULES, weights: { ...RULES.weights, entry_rate: 11 } })).toEqual({
      field: 'assessment_scoring.weights',
      problem: 'weights_sum',
    });
    expect(refusal({ ...RULES, weights: { bogus: 100 } })).toMatchObject({ problem: 'unknown_indicator' });
    expect(refusal({ ...RULES, black: { ...RULES.black, bottom_n: 1.5 } })).toMatchObject({ problem: 'bad_value' });
    expect(refusal({ ...RULES, red: { top_n: 5000, min_score: 90 } })).toMatchObject({
      field: 'assessment_scoring.red.top_n',
      problem: 'out_of_bounds',
    });
    expect(
      refusal({
        ...RULES,
        black: { ...RULES.black, indicators: [{ indicator: 'online_rate', below: 0.5, above: 1 }] },
      }),
    ).toMatchObject({ problem: 'bad_value' });
  });
});

describe('circular text', () => {
  it('words a calendar month, a year and other periods as bulletins do', () => {
    expect(periodWords({ from: '2026-11-01', to: '2026-11-30' })).toBe('2026年11月');
    expect(periodWords({ from: '2024-02-01', to: '2024-02-29' })).toBe('2024年2月');
    expect(periodWords({ from: '2026-01-01', to: '2026-12-31' })).toBe('2026年');
    expect(periodWords({ from: '2026-11-01', to: '2026-11-15' })).toBe('2026年11月1日至2026年11月15日');
  });

  it('titles the circular by the issuing department and signs it with the generation day in China time', () => {
    // Generated at 16:30 UTC on 30 November, which is 00:30 on 1 December in Beijing.
    const content = zhengzhouCircular(rankUnits([unit('410105', PERFECT)], ASSESSMENT_INDICATORS, RULES));
    expect(content.title).toBe('郑州市交通运输局关于2026年11月重点营运车辆动态监控工作情况的通报');
    expect(content.signature).toEqual({ issuer: '郑州市交通运输局', date: '2026年12月1日' });
    expect(content.ranking.rows).toEqual([
      ['1', '单位410105', '100.00', '10.00', '20.00', '15.00', '15.00', '15.00', '15.00', '10.00', '红榜'],
    ]);
  });
});

describe('CJK font', () => {
  it('takes the configured font, else the first Debian font present, else fails naming what it tried', () => {
    const present = new Set(['/fonts/b.ttc', '/custom/x.ttf']);
    const exists = (p: string) => present.has(p);
    const candidates = [
      { path: '/fonts/a.ttc', family: 'A' },
      { path: '/fonts/b.ttc', family: 'B' },
    ];
    expect(findCjkFont(undefined, candidates, exists)).toEqual({ path: '/fonts/b.ttc', family: 'B' });
    expect(findCjkFont('/custom/x.ttf', candidates, exists)).toEqual({ path: '/custom/x.ttf' });
    expect(findCjkFont('/fonts/b.ttc#Other', candidates, exists)).toEqual({ path: '/fonts/b.ttc', family: 'Other' });
    expect(() => findCjkFont('/custom/missing.ttf', candidates, exists)).toThrow(CjkFontMissingError);
    let error: unknown;
    try {
      findCjkFont(undefined, candidates.slice(0, 1), exists);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CjkFontMissingError);
    expect((error as CjkFontMissingError).reason).toBe('cjk_font_missing');
    expect((error as CjkFontMissingError).extra).toEqual({ tried: ['/fonts/a.ttc'] });
  });
});
