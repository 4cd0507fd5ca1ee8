/**
 * The circular as a workbook (exceljs), for whoever re-checks its numbers: the text on the first sheet, the ranking
 * with every score and contribution as numbers, then the figures and notes sheets of the assessment export, so
 * each score can be traced to its numerators and denominators.
 */
import ExcelJS from 'exceljs';
import type { AssessmentRanking } from '../../schema/index.js';
import { addAssessmentSheets } from './assessment-xlsx.js';
import type { CircularContent } from './circular-content.js';

export async function circularXlsx(
  content: CircularContent,
  rulesNote: string,
  ranking: AssessmentRanking,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Vigil';
  workbook.created = new Date(ranking.generated_at);
  workbook.modified = new Date(ranking.generated_at);

  const text = workbook.addWorksheet('通报');
  text.getColumn(1).width = 120;
  text.addRow([content.title]).font = { bold: true, size: 16 };
  text.addRow([content.periodNote]);
  text.addRow([content.addressee]);
  for (const paragraph of content.summary) text.addRow([paragraph]);
  for (const list of content.lists) {
    text.addRow([list.heading]).font = { bold: true };
    for (const line of list.lines) text.addRow([line]);
  }
  if (content.unranked !== null) text.addRow([content.unranked]);
  text.addRow([rulesNote]);
  text.addRow([]);
  text.addRow([content.signature.issuer]).alignment = { horizontal: 'right' };
  text.addRow([content.signature.date]).alignment = { horizontal: 'right' };
  text.eachRow((row) => (row.alignment = { ...row.alignment, wrapText: true, vertical: 'top' }));

  const sheet = workbook.addWorksheet('排名');
  const header = sheet.addRow([
    '排名',
    '代码',
    '名称',
    '得分',
    ...ranking.indicators.map((i) => `${i.name}得分（权重${ranking.scoring.weights[i.id]}）`),
    '榜单',
    '列入原因',
  ]);
  header.font = { bold: true };
  for (const unit of ranking.units)
    sheet.addRow([
      unit.rank,
      // A lower platform by its access code, an enterprise by its id, a unit by its code.
      unit.access_code ?? unit.enterprise_id ?? unit.org_code,
      unit.name,
      unit.score,
      ...unit.contributions.map((c) => (c.attainment === null ? null : c.points)),
      unit.lists.map((l) => (l.list === 'red' ? '红榜' : '黑榜')).join('、'),
      unit.lists.flatMap((l) => l.reasons.map((r) => r.text)).join('；'),
    ]);
  sheet.columns.forEach((column, i) => (column.width = i === 2 ? 24 : i === sheet.columnCount - 1 ? 48 : 14));
  sheet.views = [{ state: 'frozen', xSplit: 3, ySplit: 1 }];

  addAssessmentSheets(workbook, ranking);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
