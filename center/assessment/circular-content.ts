/**
 * What a 通报 (circular) says, written once from a ranking and laid out by each format (PDF, DOCX, XLSX): the
 * issuing department and title, the period in words, a summary paragraph written from the figures, the ranking and
 * indicator tables, the score chart, the units on the red and black lists with why, and the signature block.
 */
import type { AssessmentIndicator, AssessmentRanking, ListEntry, ListKind, ScoredUnit } from '../../schema/index.js';
import { roundScore } from './scoring.js';

export interface CircularTable {
  headers: string[];
  rows: string[][];
}

export interface CircularBar {
  label: string;
  score: number | null;
  list: ListKind | null;
}

export interface CircularContent {
  /** The department that signs, e.g. 河南省交通运输厅. */
  issuer: string;
  title: string;
  /** The period in words: 2026年11月, or 2026年11月1日至2026年11月15日. */
  periodText: string;
  /** The period as the tables' caption: days in China time. */
  periodNote: string;
  /** Whom it is addressed to (主送). */
  addressee: string;
  summary: string[];
  ranking: CircularTable;
  indicators: CircularTable;
  chart: { title: string; bars: CircularBar[]; omitted: number };
  lists: { kind: ListKind; heading: string; lines: string[] }[];
  /** The units with nothing to assess in the period (no figure at all), named in one line rather than as empty rows. */
  unranked: string | null;
  /** The signature block: issuer and date, right-aligned. */
  signature: { issuer: string; date: string };
}

/** A chart of more bars than this reads as noise on a page; the tables hold every row. */
export const CHART_BARS_MAX = 40;

const LEVEL_NOUN: Record<AssessmentRanking['level'], string> = {
  children: '下级单位',
  city: '省辖市（含省直管县）',
  county: '县（市、区）',
  enterprise: '企业',
  platform: '下级平台',
};

/** The department of a unit: the province's 交通运输厅, a city's or a county's 交通运输局. */
export function issuerOf(scope: AssessmentRanking['scope']): string {
  return `${scope.name}${scope.level === 'province' ? '交通运输厅' : '交通运输局'}`;
}

function dayWords(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function periodWords(period: { from: string; to: string }): string {
  const [fy, fm, fd] = period.from.split('-').map(Number);
  const [ty, tm, td] = period.to.split('-').map(Number);
  if (fy === ty && fm === tm && fd === 1 && td === lastDayOfMonth(ty, tm)) return `${fy}年${fm}月`;
  if (fy === ty && fm === 1 && fd === 1 && tm === 12 && td === 31) return `${fy}年`;
  return period.from === period.to ? dayWords(period.from) : `${dayWords(period.from)}至${dayWords(period.to)}`;
}

/** An indicator's value as bulletins print it: a rate as a percentage with two decimals, an average with its unit. */
export function figureText(indicator: AssessmentIndicator, value: number | null): string {
  if (value === null) return '—';
  return indicator.kind === 'ratio' ? `${(value * 100).toFixed(2)}%` : `${value.toFixed(2)}${indicator.unit}`;
}

export function scoreText(score: number | null): string {
  return score === null ? '—' : score.toFixed(2);
}

const LIST_NAMES: Record<ListKind, string> = { red: '红榜', black: '黑榜' };

function names(entries: readonly ListEntry[]): string {
  return entries.map((e) => e.name).join('、');
}

/** A lower platform is named with its access code: platforms of one operator often share a name. */
function labelOf(unit: { name: string; access_code?: number }): string {
  return unit.access_code === undefined ? unit.name : `${unit.name}（接入码${unit.access_code}）`;
}

/** The indicators a lower platform has a figure for: not the centres' alarm handling and work-order closure. */
const NOT_OF_PLATFORMS = new Set(['alarm_handling_rate', 'ontime_closure_rate']);

function summaryOf(ranking: AssessmentRanking, periodText: string): string[] {
  const { totals, indicators, scope } = ranking;
  const ranked = ranking.units.filter((u): u is ScoredUnit & { score: number } => u.score !== null);
  const noun = LEVEL_NOUN[ranking.level];
  const figures = indicators
    .map((indicator) => `${indicator.name}${figureText(indicator, totals.figures[indicator.id].value)}`)
    .join('，');
  const platformFigures = (u: ScoredUnit): string =>
    indicators
      .filter((indicator) => !NOT_OF_PLATFORMS.has(indicator.id))
      .map((indicator) => `${indicator.name}${figureText(indicator, u.figures[indicator.id].value)}`)
      .join('，');
  const paragraphs =
    ranking.level === 'platform'
      ? [
          `${periodText}，${scope.name}监管的下级平台共${ranking.units.length}个，纳入排名${ranked.length}个。` +
            `考核内容为各平台转发车辆的上线率、轨迹完整率、数据合格率、漂移率、超速与疲劳驾驶情况及查岗响应率。`,
          ...ranking.black.map((e) => {
            const unit = ranking.units.find((u) => u.name === e.name && u.rank === e.rank)!;
            return `${labelOf(unit)}本期${platformFigures(unit)}。`;
          }),
        ]
      : [
          `${periodText}，${scope.name}重点营运车辆动态监控各项指标为：${figures}，综合得分${scoreText(totals.score)}分。`,
        ];
  if (ranked.length === 0) paragraphs.push(`本期无可排名的${noun}。`);
  else {
    const average = roundScore(ranked.reduce((sum, u) => sum + u.score, 0) / ranked.length);
    const best = ranked[0];
    const worst = ranked[ranked.length - 1];
    paragraphs.push(
      `纳入排名的${ranked.length}个${noun}平均得分${average.toFixed(2)}分，` +
        `得分最高的是${labelOf(best)}（${scoreText(best.score)}分），最低的是${labelOf(worst)}（${scoreText(worst.score)}分）。`,
    );
  }
  paragraphs.push(
    (ranking.red.length > 0 ? `${names(ranking.red)}列入红榜，予以通报表扬。` : '本期无单位列入红榜。') +
      (ranking.black.length > 0
        ? `${names(ranking.black)}列入黑榜，请认真分析原因，于15个工作日内将整改情况书面报送${issuerOf(scope)}。`
        : '本期无单位列入黑榜。'),
  );
  return paragraphs;
}

function listMark(unit: ScoredUnit): string {
  return unit.lists.map((l) => LIST_NAMES[l.list]).join('、');
}

export function circularContent(ranking: AssessmentRanking): CircularContent {
  const issuer = issuerOf(ranking.scope);
  const periodText = periodWords(ranking.period);
  const { indicators, period } = ranking;
  // The ranking table shows what makes the score: the indicators with a weight (all figures are in the next table).
  const weighted = indicators.filter((i) => ranking.scoring.weights[i.id] > 0);
  const counts = new Set(weighted.map((i) => i.id));
  const label = (u: ScoredUnit): string => labelOf(u);
  const ranked = ranking.units.filter((u) => u.score !== null);
  const unranked = ranking.units.filter((u) => u.score === null);
  const date = dayWords(new Date(ranking.generated_at + 8 * 3_600_000).toISOString().slice(0, 10));
  return {
    issuer,
    title:
      ranking.level === 'platform'
        ? `${issuer}关于${periodText}下级监控平台运行考核情况的通报`
        : `${issuer}关于${periodText}重点营运车辆动态监控工作情况的通报`,
    periodText,
    periodNote: `考核期：${period.from} 00:00 至 ${period.to} 24:00（北京时间），共${period.days}天`,
    addressee: `各${LEVEL_NOUN[ranking.level]}：`,
    summary: summaryOf(ranking, periodText),
    ranking: {
      headers: ['排名', '单位', '得分', ...weighted.map((i) => `${i.name}得分`), '榜单'],
      rows: ranked.map((u) => [
        u.rank === null ? '—' : String(u.rank),
        label(u),
        scoreText(u.score),
        ...u.contributions
          .filter((c) => counts.has(c.indicator))
          .map((c) => (c.attainment === null ? '—' : c.points.toFixed(2))),
        listMark(u),
      ]),
    },
    indicators: {
      headers: ['单位', ...indicators.map((i) => i.name)],
      rows: [ranking.totals, ...ranked].map((u, i) => [
        i === 0 ? `${u.name}（合计）` : label(u),
        ...indicators.map((indicator) => figureText(indicator, u.figures[indicator.id].value)),
      ]),
    },
    chart: {
      title: `${periodText}各${LEVEL_NOUN[ranking.level]}综合得分`,
      bars: ranked.slice(0, CHART_BARS_MAX).map((u) => ({
        label: label(u),
        score: u.score,
        list: u.lists[0]?.list ?? null,
      })),
      omitted: Math.max(0, ranked.length - CHART_BARS_MAX),
    },
    lists: (['red', 'black'] as const).map((kind) => {
      const entries = kind === 'red' ? ranking.red : ranking.black;
      return {
        kind,
        heading: kind === 'red' ? '红榜（通报表扬）' : '黑榜（通报批评，限期整改）',
        lines:
          entries.length === 0
            ? ['无。']
            : entries.map(
                (e) =>
                  `${e.name}（第${e.rank}名，${scoreText(e.score)}分）：${e.reasons.map((r) => r.text).join('；')}。`,
              ),
      };
    }),
    unranked:
      unranked.length === 0
        ? null
        : `本期无考核数据、未纳入排名的${LEVEL_NOUN[ranking.level]}（${unranked.length}个）：${unranked.map(label).join('、')}。`,
    signature: { issuer, date },
  };
}

/** The weights and list rules in words, printed under the tables so the reader knows how a score was made. */
export function rulesNote(ranking: AssessmentRanking): string {
  const { scoring, indicators } = ranking;
  const weights = indicators
    .filter((i) => scoring.weights[i.id] > 0)
    .map((i) => `${i.name}${scoring.weights[i.id]}分`)
    .join('、');
  const black = [
    scoring.black.below_score === null ? null : `得分低于${scoring.black.below_score}分`,
    scoring.black.bottom_n > 0 ? `排名末${scoring.black.bottom_n}位` : null,
    ...scoring.black.indicators.map((rule) => {
      const name = indicators.find((i) => i.id === rule.indicator)?.name ?? rule.indicator;
      return rule.below !== undefined ? `${name}低于${roundScore(rule.below * 100)}%` : `${name}高于${rule.above}`;
    }),
  ].filter((s) => s !== null);
  return (
    `说明：综合得分满分100分，权重为${weights}；比率类指标按实际比率计分（漂移率按1减漂移率计分），车均超速次数为0得满分、` +
    `达到${scoring.overspeed_zero_at}次/辆得0分，车均疲劳驾驶时长为0得满分、达到${scoring.fatigue_zero_at_minutes}分钟/辆得0分；无数据的指标不计，其权重按比例分配给其余指标。` +
    `红榜：排名前${scoring.red.top_n}位且得分不低于${scoring.red.min_score}分；` +
    `黑榜：${black.length > 0 ? black.join('或') : '不设'}。` +
    `（考核参数版本${ranking.parameters.config_version}，评分规则版本${scoring.config_version}）`
  );
}
