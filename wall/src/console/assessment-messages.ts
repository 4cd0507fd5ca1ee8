/** The assessment page's words (考核), zh-CN first, English second. */
import type { Lang } from '../i18n/locale.js';

export interface AssessmentMessages {
  tab: string;
  title: string;
  period: string;
  presets: { this_month: string; last_month: string; last_7_days: string; custom: string };
  from: string;
  to: string;
  rows: string;
  levels: { children: string; county: string; enterprise: string; platform: string };
  show: string;
  exportXlsx: string;
  unit: string;
  total: string;
  directlyAdministered: string;
  viewOnly: string;
  noRows: string;
  noData: string;
  sortHint: string;
  parameters: (version: number, gapSeconds: number, gapKm: number) => string;
  periodText: (from: string, to: string, days: number) => string;
  loading: string;
  rank: string;
  score: string;
  rankByScore: string;
  points: (points: number) => string;
  weight: (weight: number) => string;
  scoreTitle: (weights: string) => string;
  red: string;
  black: string;
  redList: string;
  blackList: string;
  noneListed: string;
  listEntry: (name: string, rank: number, score: string) => string;
  scoringVersion: (version: number) => string;
  generate: string;
  generating: string;
  generated: (title: string) => string;
  circulars: string;
  circularTitle: string;
  circularPeriod: string;
  circularBy: string;
  /** The author column of a document the node generated on its schedule. */
  scheduledBy: string;
  /** The mark of a weekly or monthly scheduled document, before its period. */
  schedules: Record<'weekly' | 'monthly', string>;
  /** The mark of a statistics report in the archive (the rest are 通报). */
  reportKind: string;
  circularAt: string;
  circularFiles: string;
  noCirculars: string;
}

const zh: AssessmentMessages = {
  tab: '考核',
  title: '考核指标',
  period: '考核期',
  presets: { this_month: '本月', last_month: '上月', last_7_days: '近7日', custom: '自定义' },
  from: '自',
  to: '至',
  rows: '列出',
  levels: { children: '下级单位', county: '全部县区', enterprise: '企业', platform: '下级平台' },
  show: '查询',
  exportXlsx: '导出 Excel',
  unit: '单位',
  total: '合计',
  directlyAdministered: '省直管',
  viewOnly: '仅查看',
  noRows: '考核期内没有可列出的单位或企业',
  noData: '—',
  sortHint: '点击指标名按该指标排名',
  parameters: (version, gapSeconds, gapKm) =>
    `口径：${version === 0 ? '考核配置默认值' : `考核配置第 ${version} 版`}；两点间隔超过 ${gapSeconds} 秒且 ${gapKm} 公里视为轨迹断点`,
  periodText: (from, to, days) => `${from} 至 ${to}（北京时间，${days} 天）`,
  loading: '正在计算…',
  rank: '排名',
  score: '综合得分',
  rankByScore: '点击“综合得分”按得分排名（默认）',
  points: (points) => `+${points.toFixed(2)} 分`,
  weight: (weight) => `权重 ${weight}`,
  scoreTitle: (weights) => `满分 100 分，权重：${weights}`,
  red: '红榜',
  black: '黑榜',
  redList: '红榜（通报表扬）',
  blackList: '黑榜（通报批评）',
  noneListed: '本期无',
  listEntry: (name, rank, score) => `${name}（第 ${rank} 名，${score} 分）`,
  scoringVersion: (version) => (version === 0 ? '评分规则默认值' : `评分规则第 ${version} 版`),
  generate: '生成通报',
  generating: '正在生成通报…',
  generated: (title) => `已生成并归档：${title}`,
  circulars: '已归档通报与报表',
  circularTitle: '标题',
  circularPeriod: '考核期',
  circularBy: '生成人',
  scheduledBy: '定时生成',
  schedules: { weekly: '周', monthly: '月' },
  reportKind: '统计报表',
  circularAt: '生成时间（北京时间）',
  circularFiles: '下载',
  noCirculars: '尚无归档通报',
};

const en: AssessmentMessages = {
  tab: 'Assessment',
  title: 'Assessment indicators',
  period: 'Period',
  presets: { this_month: 'This month', last_month: 'Last month', last_7_days: 'Last 7 days', custom: 'Custom' },
  from: 'From',
  to: 'to',
  rows: 'Rows',
  levels: { children: 'Units below', county: 'All counties', enterprise: 'Enterprises', platform: 'Lower platforms' },
  show: 'Show',
  exportXlsx: 'Export Excel',
  unit: 'Unit',
  total: 'Total',
  directlyAdministered: 'province-administered',
  viewOnly: 'view only',
  noRows: 'No unit or enterprise to list for this period',
  noData: '—',
  sortHint: "Click an indicator's name to rank by it",
  parameters: (version, gapSeconds, gapKm) =>
    `${version === 0 ? 'Default assessment configuration' : `Assessment configuration v${version}`}; fixes more than ${gapSeconds} s and ${gapKm} km apart break the track`,
  periodText: (from, to, days) => `${from} to ${to} (Beijing time, ${days} days)`,
  loading: 'Computing…',
  rank: 'Rank',
  score: 'Score',
  rankByScore: 'Click “Score” to rank by score (the default)',
  points: (points) => `+${points.toFixed(2)} pts`,
  weight: (weight) => `weight ${weight}`,
  scoreTitle: (weights) => `Out of 100; weights: ${weights}`,
  red: 'Red list',
  black: 'Black list',
  redList: 'Red list (commended)',
  blackList: 'Black list (to correct)',
  noneListed: 'None this period',
  listEntry: (name, rank, score) => `${name} (#${rank}, ${score})`,
  scoringVersion: (version) => (version === 0 ? 'default scoring rules' : `scoring rules v${version}`),
  generate: 'Generate circular',
  generating: 'Generating the circular…',
  generated: (title) => `Generated and archived: ${title}`,
  circulars: 'Archived circulars and reports',
  circularTitle: 'Title',
  circularPeriod: 'Period',
  circularBy: 'By',
  scheduledBy: 'Scheduled',
  schedules: { weekly: 'Weekly', monthly: 'Monthly' },
  reportKind: 'Statistics report',
  circularAt: 'Generated (Beijing time)',
  circularFiles: 'Download',
  noCirculars: 'No circular archived yet',
};

export const ASSESSMENT_MESSAGES: Record<Lang, AssessmentMessages> = { zh, en };
