/**
 * The assessment as an Excel workbook for the people who file bulletins: one sheet of figures with Chinese headers
 * (each indicator as its value, numerator and denominator, so the sheet is auditable on its own), and one sheet
 * stating what every indicator divides by what and the period in China time.
 */
import type ExcelJS from 'exceljs';
import type { AssessmentReport, AssessmentUnit } from '../../schema/index.js';

const LEVEL_NAMES: Record<AssessmentUnit['level'], string> = { province: '省', city: '市', county: '县' };

function levelName(unit: AssessmentUnit): string {
  if (unit.enterprise_id !== null) return '企业';
  if (unit.access_code !== undefined) return '下级平台';
  return unit.directly_administered ? '省直管县' : LEVEL_NAMES[unit.level];
}

/** The headers of the figures sheet, in column order. */
export function figureHeaders(report: AssessmentReport): string[] {
  return [
    '代码',
    '名称',
    '层级',
    ...report.indicators.flatMap((indicator) => [
      indicator.name,
      `${indicator.name}分子（${indicator.numerator}）`,
      `${indicator.name}分母（${indicator.denominator}）`,
    ]),
  ];
}

export async function assessmentXlsx(report: AssessmentReport): Promise<Buffer> {
  // Loaded at the first workbook, not with the node: exceljs costs about 0.25 s of CPU to load, at every start.
  const workbook = new (await import('exceljs')).default.Workbook();
  workbook.creator = 'Vigil';
  workbook.created = new Date(report.generated_at);
  addAssessmentSheets(workbook, report);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The figures sheet and the notes sheet, added to `workbook` (the export's, or a circular's). */
export function addAssessmentSheets(workbook: ExcelJS.Workbook, report: AssessmentReport): void {
  const sheet = workbook.addWorksheet('考核指标');
  const { period } = report;
  sheet.addRow([`${report.scope.name}考核指标（${period.from} 至 ${period.to}，北京时间，共 ${period.days} 天）`]);
  const headers = figureHeaders(report);
  const header = sheet.addRow(headers);
  header.font = { bold: true };
  for (const unit of [{ ...report.totals, name: `${report.totals.name}（合计）` }, ...report.units]) {
    sheet.addRow([
      unit.enterprise_id ?? (unit.access_code !== undefined ? String(unit.access_code) : unit.org_code),
      unit.name,
      levelName(unit),
      ...report.indicators.flatMap((indicator) => {
        const figure = unit.figures[indicator.id];
        return [figure.value, figure.numerator, figure.denominator];
      }),
    ]);
  }
  report.indicators.forEach((indicator, i) => {
    // A share reads as a percentage; a count per vehicle as a plain number.
    sheet.getColumn(4 + 3 * i).numFmt = indicator.kind === 'ratio' ? '0.00%' : '0.00';
  });
  sheet.columns.forEach((column, i) => (column.width = i < 3 ? 14 : 18));
  sheet.views = [{ state: 'frozen', xSplit: 3, ySplit: 2 }];

  const notes = workbook.addWorksheet('指标说明');
  notes.addRow(['指标编号', '指标名称', '分子', '分母', '单位']).font = { bold: true };
  for (const indicator of report.indicators)
    notes.addRow([indicator.id, indicator.name, indicator.numerator, indicator.denominator, indicator.unit]);
  notes.addRow([]);
  notes.addRow(['考核期', `${period.from} 00:00 至 ${period.to} 24:00（北京时间 UTC+8）`]);
  notes.addRow([
    '轨迹断点',
    `相邻两点间隔超过 ${report.parameters.track_gap_seconds} 秒且距离超过 ${report.parameters.track_gap_km} 公里`,
  ]);
  notes.addRow(['超速规则', report.parameters.overspeed_rules.join(', ')]);
  notes.addRow(['疲劳驾驶规则', report.parameters.fatigue_rules.join(', ')]);
  notes.addRow(['漂移规则', report.parameters.drift_rules.join(', ')]);
  notes.addRow(['公式详见', 'docs/assessment.md']);
  notes.columns.forEach((column) => (column.width = 28));
}
