/**
 * Weighted scores, rankings, red and black lists (红黑榜) and the archived 通报 (circulars) built on the assessment
 * indicators (`GET /api/assessment/ranking`, `/api/assessment/circulars`). Shared by the server and the console;
 * the score formula and the list rules are stated in docs/assessment.md.
 */
import type { AssessmentIndicatorId, AssessmentPeriod, AssessmentReport, AssessmentUnit } from './assessment.js';

/** The weights and list rules (configuration key `assessment_scoring`), as used for one ranking. */
export interface AssessmentScoringRules {
  /** Points out of 100 per indicator; they sum to 100. */
  weights: Record<AssessmentIndicatorId, number>;
  /** avg_overspeed_count at or above which that indicator earns nothing (it earns all of its weight at 0). */
  overspeed_zero_at: number;
  /** avg_fatigue_minutes at or above which that indicator earns nothing (it earns all of its weight at 0). */
  fatigue_zero_at_minutes: number;
  /** 红榜: among the first `top_n` by score, those scoring at least `min_score`. */
  red: { top_n: number; min_score: number };
  /** 黑榜: any one rule puts a name on it. */
  black: {
    /** Score below this (null: no such rule). */
    below_score: number | null;
    /** The last `bottom_n` by score (0: no such rule). */
    bottom_n: number;
    /** A named indicator worse than a threshold: a rate `below` it, or the overspeed average `above` it. */
    indicators: { indicator: AssessmentIndicatorId; below?: number; above?: number }[];
  };
}

/** What one indicator adds to a score. */
export interface ScoreContribution {
  indicator: AssessmentIndicatorId;
  /** The configured weight, points out of 100. */
  weight: number;
  /** The weight after the indicators without a figure (denominator 0) are left out and the rest scaled to 100. */
  effective_weight: number;
  /** 0…1: the rate itself, or 1 − average ÷ overspeed_zero_at (at least 0) for avg_overspeed_count; null without a figure. */
  attainment: number | null;
  /** effective_weight × attainment; the contributions sum to the score. */
  points: number;
}

/** Why a name is on a list: the rule, its threshold and the unit's own figure. */
export interface ListReason {
  rule: 'top_n' | 'below_score' | 'bottom_n' | 'indicator_below' | 'indicator_above';
  indicator?: AssessmentIndicatorId;
  threshold: number;
  value: number;
  /** The reason as a sentence, zh-CN. */
  text: string;
}

export type ListKind = 'red' | 'black';

export interface ScoredUnit extends AssessmentUnit {
  /** 0…100, null when no indicator has a figure. */
  score: number | null;
  /** 1 for the best; equal scores share a rank (1, 2, 2, 4); null without a score. */
  rank: number | null;
  contributions: ScoreContribution[];
  /** The lists the unit is on, each with why. */
  lists: { list: ListKind; reasons: ListReason[] }[];
}

export interface ListEntry {
  org_code: string;
  enterprise_id: string | null;
  name: string;
  score: number;
  rank: number;
  reasons: ListReason[];
}

export interface AssessmentRanking {
  scope: AssessmentReport['scope'];
  period: AssessmentPeriod;
  level: AssessmentReport['level'];
  generated_at: number;
  /** The indicator thresholds (`assessment` configuration) the figures were computed with. */
  parameters: AssessmentReport['parameters'];
  /** The weights and list rules used: version `config_version` of `assessment_scoring` (0: the defaults). */
  scoring: AssessmentScoringRules & { config_version: number };
  indicators: AssessmentReport['indicators'];
  totals: ScoredUnit;
  /** Best first; units without a score last, by code. */
  units: ScoredUnit[];
  red: ListEntry[];
  black: ListEntry[];
  /** What the caller may do with it: `generate_circular` (POST /api/assessment/circulars). */
  actions: 'generate_circular'[];
}

export type CircularFormat = 'pdf' | 'docx' | 'xlsx';

/** The periods the node generates documents for on its own: Beijing weeks (Monday to Sunday) and months. */
export type DocumentScheduleKind = 'weekly' | 'monthly';

/**
 * An archived document: a 通报 (PDF, DOCX and XLSX) or a statistics report (XLSX), what it was generated from and
 * by whom (定时生成 when the node made it on its schedule); its files are kept byte for byte.
 */
export interface CircularRecord {
  id: number;
  /** A 通报 of the ranking, or the statistics report (统计报表) of the period per unit. */
  kind: 'circular' | 'report';
  /** The schedule that generated it; null when a user did. */
  schedule: DocumentScheduleKind | null;
  title: string;
  scope: AssessmentReport['scope'];
  period: { from: string; to: string };
  level: AssessmentReport['level'];
  /** Versions of `assessment` and `assessment_scoring` in force when it was generated. */
  config_versions: { assessment: number; assessment_scoring: number };
  created_by: string;
  created_at: number;
  /** Each file's size and SHA-256, and where to download it. */
  files: { format: CircularFormat; bytes: number; sha256: string; href: string }[];
}
