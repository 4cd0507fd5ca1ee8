/**
 * The circular as a Word document (docx), for the office that edits and files it: the same text as the PDF, in
 * 仿宋 for the body and 黑体 for headings (with a sans fallback on machines without them), the tables as Word
 * tables, and the score chart as a table of shaded bars, which Word and WPS both render and edit without a picture.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import type { CircularContent, CircularTable } from './circular-content.js';

const BODY_FONT = { eastAsia: '仿宋', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
const HEAD_FONT = { eastAsia: '黑体', ascii: 'Arial', hAnsi: 'Arial' };
const BAR_COLOURS = { red: 'C8102E', black: '262626', none: '2F6DB5' } as const;
/** The text width of an A4 page with 2.54 cm margins, in twips. */
const TEXT_TWIPS = 9026;
const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER };

function run(text: string, size: number, options: { bold?: boolean; colour?: string; head?: boolean } = {}): TextRun {
  return new TextRun({
    text,
    size: size * 2,
    bold: options.bold,
    color: options.colour,
    font: options.head ? HEAD_FONT : BODY_FONT,
  });
}

function para(children: ParagraphChild[], options: { align?: 'center' | 'right'; indent?: boolean } = {}): Paragraph {
  return new Paragraph({
    children,
    alignment:
      options.align === 'center' ? AlignmentType.CENTER : options.align === 'right' ? AlignmentType.RIGHT : undefined,
    indent: options.indent ? { firstLine: 640 } : undefined,
    spacing: { after: 120, line: 360 },
  });
}

function table(t: CircularTable, weights: number[], size: number): Table {
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => Math.round((w / total) * TEXT_TWIPS));
  const row = (cells: string[], header: boolean): TableRow =>
    new TableRow({
      tableHeader: header,
      children: cells.map(
        (cell, i) =>
          new TableCell({
            width: { size: widths[i], type: WidthType.DXA },
            shading: header ? { type: ShadingType.CLEAR, color: 'auto', fill: 'E8ECF2' } : undefined,
            children: [
              new Paragraph({ alignment: AlignmentType.CENTER, children: [run(cell, size, { bold: header })] }),
            ],
          }),
      ),
    });
  return new Table({
    width: { size: TEXT_TWIPS, type: WidthType.DXA },
    columnWidths: widths,
    rows: [row(t.headers, true), ...t.rows.map((cells) => row(cells, false))],
  });
}

/** One row per bar: the name, a bar as a shaded cell as wide as the score (of 100), and the score. */
function chart(c: CircularContent['chart']): Table {
  const labelTwips = 2200;
  const scoreTwips = 900;
  const plotTwips = TEXT_TWIPS - labelTwips - scoreTwips;
  const bar = (score: number | null, colour: string): TableCell => {
    const filled = score === null ? 0 : Math.round((score / 100) * plotTwips);
    const parts = [filled, plotTwips - filled].filter((w) => w > 0);
    return new TableCell({
      width: { size: plotTwips, type: WidthType.DXA },
      borders: NO_BORDERS,
      children: [
        new Table({
          width: { size: plotTwips, type: WidthType.DXA },
          columnWidths: parts,
          borders: { ...NO_BORDERS, insideHorizontal: NO_BORDER, insideVertical: NO_BORDER },
          rows: [
            new TableRow({
              children: parts.map(
                (w, i) =>
                  new TableCell({
                    width: { size: w, type: WidthType.DXA },
                    borders: NO_BORDERS,
                    shading:
                      i === 0 && filled > 0 ? { type: ShadingType.CLEAR, color: 'auto', fill: colour } : undefined,
                    children: [new Paragraph({ children: [run(' ', 6)] })],
                  }),
              ),
            }),
          ],
        }),
        new Paragraph({ children: [run('', 2)] }),
      ],
    });
  };
  return new Table({
    width: { size: TEXT_TWIPS, type: WidthType.DXA },
    columnWidths: [labelTwips, plotTwips, scoreTwips],
    borders: { ...NO_BORDERS, insideHorizontal: NO_BORDER, insideVertical: NO_BORDER },
    rows: c.bars.map(
      (b) =>
        new TableRow({
          children: [
            new TableCell({
              width: { size: labelTwips, type: WidthType.DXA },
              borders: NO_BORDERS,
              children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: [run(b.label, 9)] })],
            }),
            bar(b.score, BAR_COLOURS[b.list ?? 'none']),
            new TableCell({
              width: { size: scoreTwips, type: WidthType.DXA },
              borders: NO_BORDERS,
              children: [new Paragraph({ children: [run(b.score === null ? '无数据' : b.score.toFixed(2), 9)] })],
            }),
          ],
        }),
    ),
  });
}

function heading(text: string): Paragraph {
  return new Paragraph({ children: [run(text, 15, { head: true })], spacing: { before: 240, after: 120 } });
}

export async function circularDocx(content: CircularContent, rulesNote: string): Promise<Buffer> {
  const document = new Document({
    creator: 'Vigil',
    title: content.title,
    description: content.periodNote,
    styles: { default: { document: { run: { font: BODY_FONT, size: 32 } } } },
    sections: [
      {
        properties: {},
        children: [
          para([run(content.title, 20, { bold: true, colour: 'C8102E', head: true })], { align: 'center' }),
          para([run(content.periodNote, 10, { colour: '595959' })], { align: 'center' }),
          para([run(content.addressee, 14)]),
          ...content.summary.map((text) => para([run(text, 14)], { indent: true })),
          heading('一、综合得分排名'),
          table(content.ranking, [0.7, 2.4, 1, ...content.ranking.headers.slice(3, -1).map(() => 1), 0.9], 8),
          ...(content.unranked === null ? [] : [para([run(content.unranked, 9, { colour: '404040' })])]),
          para([run(rulesNote, 9, { colour: '404040' })]),
          heading('二、综合得分图'),
          para([run(content.chart.title, 11)], { align: 'center' }),
          chart(content.chart),
          para([
            run('■ 红榜  ', 9, { colour: BAR_COLOURS.red }),
            run('■ 黑榜  ', 9, { colour: BAR_COLOURS.black }),
            run('■ 其他', 9, { colour: BAR_COLOURS.none }),
            ...(content.chart.omitted > 0
              ? [run(`（图中列出前${content.chart.bars.length}名，其余${content.chart.omitted}个见排名表）`, 9)]
              : []),
          ]),
          heading('三、各项考核指标'),
          table(content.indicators, [2.4, ...content.indicators.headers.slice(1).map(() => 1)], 8),
          heading('四、红黑榜'),
          ...content.lists.flatMap((list) => [
            para([run(list.heading, 14, { bold: true, colour: list.kind === 'red' ? 'C8102E' : '000000' })]),
            ...list.lines.map((line) => para([run(line, 14)], { indent: true })),
          ]),
          new Paragraph({ children: [], spacing: { before: 960 } }),
          para([run(content.signature.issuer, 14)], { align: 'right' }),
          para([run(content.signature.date, 14)], { align: 'right' }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
