/**
 * A report as an Excel workbook: one sheet of the series (one row per group and interval, the scope's totals first,
 * each figure and its change against the interval before), headers in Chinese, intervals as Beijing calendar days;
 * and one sheet stating every figure's formula, the period and how intervals are cut.
 */
import type { ReportAnswer, ReportGroup } from '../../schema/index.js';

const INTERVAL_NAMES = { day: '日', week: '周（周一至周日）', month: '月' } as const;
const GROUPING_NAMES = { unit: '单位', enterprise: '企业', vehicle_class: '车辆类型', rule: '报警规则' } as const;

/** The headers of the series sheet, in column order. */
export function reportHeaders(report: ReportAnswer): string[] {
  return [
    `${GROUPING_NAMES[report.by]}代码`,
    `${GROUPING_NAMES[report.by]}名称`,
    '起始日',
    '截止日',
    '区间已结束',
    ...report.figures.map((figure) => figure.name),
    ...report.figures.map((figure) => `${figure.name}较上期`),
  ];
}

export async function reportXlsx(report: ReportAnswer): Promise<Buffer> {
  // Loaded at the first workbook, not with the node: exceljs costs about 0.25 s of CPU to load, at every start.
  const workbook = new (await import('exceljs')).default.Workbook();
  workbook.creator = 'Vigil';
  workbook.created = new Date(report.generated_at);
  const sheet = workbook.addWorksheet('统计报表');
  const { period } = report;
  sheet.addRow([
    `${report.scope.name}统计报表（按${GROUPING_NAMES[report.by]}，每${INTERVAL_NAMES[report.interval]}；${period.from} 至 ${period.to}，北京时间）`,
  ]);
  sheet.addRow(reportHeaders(report)).font = { bold: true };
  const rowsOf = (group: ReportGroup, name: string): void => {
    for (const point of group.series)
      sheet.addRow([
        group.key,
        name,
        point.interval.from,
        point.interval.to,
        point.interval.complete ? '是' : '否',
        ...report.figures.map((figure) => point.values[figure.id]),
        ...report.figures.map((figure) => point.change[figure.id]),
      ]);
  };
  rowsOf(report.totals, `${report.totals.name}（合计）`);
  for (const group of report.groups) rowsOf(group, group.name);
  const count = report.figures.length;
  report.figures.forEach((figure, i) => {
    const format = figure.kind === 'ratio' ? '0.00%' : '0';
    sheet.getColumn(6 + i).numFmt = format;
    sheet.getColumn(6 + count + i).numFmt = figure.kind === 'ratio' ? '+0.00%;-0.00%;0.00%' : '+0;-0;0';
  });
  sheet.columns.forEach((column, i) => (column.width = i < 2 ? 16 : i < 5 ? 12 : 14));
  sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 2 }];

  const notes = workbook.addWorksheet('指标说明');
  notes.addRow(['指标编号', '指标名称', '口径']).font = { bold: true };
  for (const figure of report.figures) notes.addRow([figure.id, figure.name, figure.formula]);
  notes.addRow([]);
  notes.addRow([
    '统计期',
    `${period.from} 00:00 至 ${period.to} 24:00（北京时间 UTC+8），按整${INTERVAL_NAMES[report.interval]}`,
  ]);
  notes.addRow([
    '较上期',
    `与前一${INTERVAL_NAMES[report.interval]}之差；第一个区间与 ${report.baseline.from} 至 ${report.baseline.to} 比较`,
  ]);
  notes.addRow([
    '处置状态',
    `截至 ${new Date(report.generated_at + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')}（北京时间）`,
  ]);
  notes.addRow(['口径详见', 'docs/reports.md']);
  notes.columns.forEach((column, i) => (column.width = i === 2 ? 70 : 20));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
