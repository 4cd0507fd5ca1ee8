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
  levels: { children: string; county: string; enterprise: string };
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
}

const zh: AssessmentMessages = {
  tab: '考核',
  title: '考核指标',
  period: '考核期',
  presets: { this_month: '本月', last_month: '上月', last_7_days: '近7日', custom: '自定义' },
  from: '自',
  to: '至',
  rows: '列出',
  levels: { children: '下级单位', county: '全部县区', enterprise: '企业' },
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
};

const en: AssessmentMessages = {
  tab: 'Assessment',
  title: 'Assessment indicators',
  period: 'Period',
  presets: { this_month: 'This month', last_month: 'Last month', last_7_days: 'Last 7 days', custom: 'Custom' },
  from: 'From',
  to: 'to',
  rows: 'Rows',
  levels: { children: 'Units below', county: 'All counties', enterprise: 'Enterprises' },
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
};

export const ASSESSMENT_MESSAGES: Record<Lang, AssessmentMessages> = { zh, en };
